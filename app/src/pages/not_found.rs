//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any path no route matches; answers with HTTP 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <div class="py-16 text-center">
            <p class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"404"</p>
            <h1 class="mt-2 text-3xl font-semibold tracking-tight">"Page not found"</h1>
            <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">
                "There is no page at this address. It may have moved, or the link may be mistyped."
            </p>
            <a href="/" class="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
                "Go to the dashboard"
            </a>
        </div>
    }
}
