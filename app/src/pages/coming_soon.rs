//! The honest page of a module that is not built yet.

use leptos::prelude::*;

use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

/// Says what the module will do, and that it is not here yet.
#[component]
pub fn ComingSoonPage(module: Module) -> impl IntoView {
    view! {
        <PageHeader title=module.label() description=module.summary() />
        <EmptyState
            module=module
            title="Coming soon"
            body=format!("{} is not built yet. Nothing here is hidden or simulated: this page fills in when the module ships.", module.label())
        >
            <a href="/" class="text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
                "Back to the dashboard"
            </a>
        </EmptyState>
    }
}
