//! The versions of a value: who made each and when, with roll back and reveal per version.

use leptos::prelude::*;

use super::badges::origin_label;
use super::SECONDARY;
use crate::secrets::api::{RollbackSecret, RotateSecret};
use crate::secrets::types::VersionInfo;
use crate::ui::form::{form_message, go_to, hydrated, FormAlert};
use crate::ui::time::Time;

#[component]
pub fn VersionsTable(id: String, versions: Vec<VersionInfo>, kept: i32) -> impl IntoView {
    view! {
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm">
                <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="py-2 pr-4">"Version"</th>
                        <th scope="col" class="py-2 pr-4">"What"</th>
                        <th scope="col" class="py-2 pr-4">"By"</th>
                        <th scope="col" class="py-2 pr-4">"When"</th>
                        <th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {versions.into_iter().map(|version| {
                        let id = id.clone();
                        view! {
                            <tr data-testid="version-row" data-version=version.version>
                                <td class="py-2 pr-4 tabular-nums">
                                    {format!("v{}", version.version)}
                                    {version.current.then(|| view! { <span class="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-xs text-indigo-800 dark:bg-indigo-900 dark:text-indigo-200">"Current"</span> })}
                                </td>
                                <td class="py-2 pr-4">{origin_label(&version.origin, version.rolled_back_from)}</td>
                                <td class="py-2 pr-4">{version.created_by}</td>
                                <td class="py-2 pr-4"><Time at=version.created_at /></td>
                                <td class="py-2 text-right">
                                    {(!version.current).then(|| view! { <RollbackButton id version=version.version /> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <p class="mt-2 text-xs text-slate-500 dark:text-slate-400">{format!("The last {kept} versions are kept; older ones are deleted.")}</p>
        </div>
    }
}

/// Reopens the secret's page once the action succeeded, showing the new version.
fn reload_on_success<T: Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, crate::error::AppError>>> + Send + Sync + 'static,
    url: String,
) {
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            go_to(&url);
        }
    });
}

#[island]
fn RollbackButton(id: String, version: i32) -> impl IntoView {
    let action = ServerAction::<RollbackSecret>::new();
    let value = action.value();
    let ready = hydrated();
    reload_on_success(value, format!("/secrets/{id}"));
    view! {
        <div class="inline-flex flex-col items-end gap-1" data-ready=move || ready.get().to_string()>
            <button
                type="button"
                class=SECONDARY
                data-testid="rollback"
                disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(RollbackSecret { id: id.clone(), version }); }
            >
                {move || if action.pending().get() { "Rolling back…".to_owned() } else { format!("Roll back to v{version}") }}
            </button>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
        </div>
    }
}

/// "Rotate now" for generated secrets.
#[island]
pub fn RotateButton(id: String) -> impl IntoView {
    let action = ServerAction::<RotateSecret>::new();
    let value = action.value();
    let ready = hydrated();
    reload_on_success(value, format!("/secrets/{id}"));
    view! {
        <div data-ready=move || ready.get().to_string()>
            <button
                type="button"
                class=SECONDARY
                data-testid="rotate"
                disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(RotateSecret { id: id.clone() }); }
            >
                {move || if action.pending().get() { "Rotating…" } else { "Rotate now" }}
            </button>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
        </div>
    }
}
