//! How a failed page load looks: the user-facing message, and the request id for internal errors.

use leptos::prelude::*;

use crate::error::AppError;

/// Renders an [`AppError`] in place of the page content.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let request_id = match &error {
        AppError::Internal { request_id } => Some(request_id.clone()),
        _ => None,
    };
    view! {
        <div role="alert" class="rounded-xl border border-red-200 bg-red-50 p-6 dark:border-red-900 dark:bg-red-950/50">
            <h2 class="text-base font-semibold text-red-800 dark:text-red-200">"This page could not be loaded"</h2>
            <p class="mt-2 text-sm text-red-700 dark:text-red-300">{error.to_string()}</p>
            {request_id.map(|id| view! {
                <p class="mt-3 text-xs text-red-700 dark:text-red-300">
                    "If this keeps happening, give this request id to your administrator: "
                    <code data-testid="request-id" class="rounded bg-red-100 px-1.5 py-0.5 font-mono dark:bg-red-900">{id}</code>
                </p>
            })}
        </div>
    }
}
