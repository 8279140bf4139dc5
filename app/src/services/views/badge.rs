//! The status badge: colour and words, so colour is never the only signal.

use leptos::prelude::*;

use crate::services::types::Status;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let colour = match status {
        Status::Running => "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
        Status::Degraded => "bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200",
        Status::Failed => "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200",
        Status::Provisioning => "bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200",
        Status::Draft | Status::Stopped => "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
    };
    view! {
        <span data-testid="status-badge" class=format!("inline-flex rounded px-1.5 py-0.5 text-xs font-medium {colour}")>{status.label()}</span>
    }
}
