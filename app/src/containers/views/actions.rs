//! Action buttons for one container or a whole group: destructive ones (kill, remove) ask first;
//! each outcome is shown, then the page reloads to show the engine's new state.

use leptos::prelude::*;

use crate::containers::api::run_container_action;
use crate::containers::types::{ActionOutcome, ContainerAction};

/// Runs `action` on `ids`, handling confirmation, progress and outcomes.
#[component]
pub fn ActionButtons(
    #[prop(into)] ids: Signal<Vec<String>>,
    actions: Vec<ContainerAction>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    let pending = RwSignal::new(None::<ContainerAction>);
    let confirming = RwSignal::new(None::<ContainerAction>);
    let failures = RwSignal::new(Vec::<ActionOutcome>::new());
    let run = move |action: ContainerAction| {
        let ids = ids.get_untracked();
        if ids.is_empty() {
            return;
        }
        confirming.set(None);
        pending.set(Some(action));
        leptos::task::spawn_local(async move {
            let result = run_container_action(ids, action).await;
            pending.set(None);
            match result {
                Ok(outcomes) if outcomes.iter().all(|o| o.error.is_none()) => reload(),
                Ok(outcomes) => failures.set(outcomes.into_iter().filter(|o| o.error.is_some()).collect()),
                Err(err) => failures.set(vec![ActionOutcome {
                    id: String::new(),
                    name: String::new(),
                    error: Some(err.to_string()),
                }]),
            }
        });
    };
    let size = if compact {
        "px-2 py-1 text-xs"
    } else {
        "px-3 py-1.5 text-sm"
    };
    view! {
        <div class="inline-flex flex-wrap items-center gap-1.5">
            {actions.into_iter().map(|action| {
                let tone = if action.is_destructive() { "border-red-300 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950" } else { "border-slate-300 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800" };
                view! {
                    <Show when=move || confirming.get() == Some(action) fallback=move || view! {
                        <button type="button" data-action=action.as_str()
                            class=format!("rounded-md border font-medium disabled:opacity-50 {size} {tone}")
                            disabled=move || pending.get().is_some() || ids.with(Vec::is_empty)
                            on:click=move |_| if action.is_destructive() { confirming.set(Some(action)) } else { run(action) }>
                            {move || if pending.get() == Some(action) { format!("{}…", action.label()) } else { action.label().to_owned() }}
                        </button>
                    }>
                        <span class="inline-flex items-center gap-1 text-xs">
                            <button type="button" data-confirm=action.as_str() class=format!("rounded-md bg-red-600 font-semibold text-white hover:bg-red-500 {size}")
                                on:click=move |_| run(action)>{format!("Confirm {}", action.label().to_lowercase())}</button>
                            <button type="button" class="px-1 text-slate-500 hover:underline" on:click=move |_| confirming.set(None)>"Cancel"</button>
                        </span>
                    </Show>
                }
            }).collect_view()}
            <Show when=move || !failures.with(Vec::is_empty)>
                <ul role="alert" data-testid="action-errors" class="basis-full text-xs text-red-700 dark:text-red-300">
                    {move || failures.get().into_iter().map(|o| view! { <li>{format!("{} {}", o.name, o.error.unwrap_or_default()).trim().to_owned()}</li> }).collect_view()}
                </ul>
            </Show>
        </div>
    }
}

fn reload() {
    let _ = window().location().reload();
}
