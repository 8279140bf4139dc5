//! Small labels of the secrets pages: rotation status and version origin.

use leptos::prelude::*;

use crate::secrets::types::RotationStatus;

/// The rotation status as a coloured label that also says it in words.
#[component]
pub fn RotationBadge(status: RotationStatus) -> impl IntoView {
    let colour = match status {
        RotationStatus::Unmanaged => "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
        RotationStatus::Current => "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
        RotationStatus::Due => "bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200",
        RotationStatus::Overdue => "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200",
    };
    view! {
        <span data-testid="rotation-badge" class=format!("inline-flex rounded px-1.5 py-0.5 text-xs font-medium {colour}")>
            {status.label()}
        </span>
    }
}

/// What made a version, in words.
pub fn origin_label(origin: &str, rolled_back_from: Option<i32>) -> String {
    match (origin, rolled_back_from) {
        ("rolled_back", Some(from)) => format!("Rolled back to version {from}"),
        ("created", _) => "Created".into(),
        ("updated", _) => "New value".into(),
        ("rotated", _) => "Rotated".into(),
        ("imported", _) => "Imported from .env".into(),
        (other, _) => other.to_owned(),
    }
}
