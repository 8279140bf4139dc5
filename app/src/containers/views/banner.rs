//! The banner every page shows while the Docker engine is unreachable; the rest of the panel
//! keeps working, and the banner goes once the engine answers again.

use leptos::prelude::*;

#[component]
pub fn EngineBanner() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let problem = crate::auth::server::current_user()
        .and_then(|_| use_context::<crate::state::AppState>())
        .and_then(|state| match state.engine.status() {
            crate::containers::server::engine::EngineStatus::Down { error, .. } => Some(error),
            _ => None,
        });
    #[cfg(not(feature = "ssr"))]
    let problem: Option<String> = None;
    problem.map(|problem| {
        view! {
            <div role="alert" data-testid="engine-banner" class="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
                <p class="font-medium">"The Docker engine is unreachable: deploys and container actions are paused."</p>
                <p class="mt-1 text-xs">{problem}" "<a href="/settings/engine" class="font-semibold underline">"Engine status"</a></p>
            </div>
        }
    })
}
