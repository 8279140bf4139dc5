//! The heading block at the top of every page.

use leptos::prelude::*;
use leptos_meta::Title;

/// Page title (also the document title) with a one-line description under it.
#[component]
pub fn PageHeader(title: &'static str, #[prop(into)] description: String) -> impl IntoView {
    view! {
        <Title text=title />
        <div class="mb-6">
            <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p>
        </div>
    }
}
