//! Pages of containers: the list, one container (logs, terminal), the engine; and the banner
//! shown on every page while the engine is unreachable.

mod actions;
mod banner;
mod detail;
mod engine;
mod list;
mod logs;
mod stats;
mod terminal;

pub use banner::EngineBanner;
pub use detail::ContainerPage;
pub use engine::EnginePage;
pub use list::ContainersPage;
pub use logs::{LogSource, LogViewer};

use leptos::prelude::*;

/// A container's state in colour and words.
#[component]
pub fn StateBadge(state: String) -> impl IntoView {
    let colour = match state.as_str() {
        "running" => "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
        "restarting" => "bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200",
        "dead" => "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200",
        "exited" | "created" | "paused" => "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
        _ => "bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200",
    };
    view! { <span data-testid="container-state" class=format!("inline-flex rounded px-1.5 py-0.5 text-xs font-medium {colour}")>{state}</span> }
}

/// Bytes as KiB, MiB or GiB.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
