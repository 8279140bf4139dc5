//! `/settings/keys`: the root key (where it is kept, its id), data keys, and online rotation.

use leptos::prelude::*;

use super::PRIMARY;
use crate::auth::StepUpPrompt;
use crate::error::AppError;
use crate::pages::ErrorPanel;
use crate::secrets::api::{get_keys_overview, RotateRootKey};
use crate::secrets::types::KeysOverview;
use crate::ui::card::Card;
use crate::ui::form::{form_message, go_to, hydrated, FormAlert};
use crate::ui::page_header::PageHeader;
use crate::ui::time::Time;

#[component]
pub fn KeysPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_keys_overview());
    view! {
        <PageHeader title="Encryption keys" description="Secrets and TOTP seeds are sealed with per-scope data keys; the root key wraps the data keys and never enters the database." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Overview overview /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(overview: KeysOverview) -> impl IntoView {
    view! {
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <Card title="Root key">
                <dl class="space-y-2 text-sm">
                    <div><dt class="text-slate-500">"Active key id"</dt><dd class="font-mono" data-testid="active-root-key">{overview.active_id.clone()}</dd></div>
                    <div><dt class="text-slate-500">"Kept in"</dt><dd class="break-all">{overview.source.clone()}</dd></div>
                    <div><dt class="text-slate-500">"Data keys"</dt><dd data-testid="data-key-count">{format!("{} (wrapped by an older root key: {})", overview.data_keys, overview.stale_data_keys)}</dd></div>
                </dl>
                <div class="mt-4">
                    {if overview.rotatable {
                        view! { <RotateRoot /> }.into_any()
                    } else {
                        view! { <p class="text-sm text-amber-700 dark:text-amber-300">"The key is set in GANTRY_MASTER_KEY, which Gantry cannot rewrite. Keep it in a file named by GANTRY_MASTER_KEY_FILE to rotate it from here or with gantry keys rotate."</p> }.into_any()
                    }}
                </div>
            </Card>
            <Card title="Root key history">
                <ul role="list" class="divide-y divide-slate-100 text-sm dark:divide-slate-800">
                    {overview.root_keys.into_iter().map(|key| view! {
                        <li class="flex flex-wrap justify-between gap-2 py-2" data-testid="root-key-row" data-status=key.status.clone()>
                            <span class="font-mono">{key.id}</span>
                            <span class="text-xs text-slate-500">
                                {if key.status == "active" { "Active since " } else { "Added " }}<Time at=key.created_at />
                                {key.retired_at.map(|at| view! { " · retired " <Time at /> })}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </Card>
        </div>
    }
}

#[island]
fn RotateRoot() -> impl IntoView {
    let action = ServerAction::<RotateRootKey>::new();
    let value = action.value();
    let ready = hydrated();
    Effect::new(move |_| {
        if let Some(Ok(_)) = value.get() {
            go_to("/settings/keys");
        }
    });
    let rotate = move || {
        action.dispatch(RotateRootKey {});
    };
    view! {
        <div data-ready=move || ready.get().to_string()>
            {move || match value.get() {
                Some(Err(AppError::StepUpRequired)) => view! { <StepUpPrompt on_confirmed=Callback::new(move |_| rotate()) /> }.into_any(),
                other => view! {
                    <FormAlert message=Signal::derive(move || form_message(&other)) />
                    <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">"A new root key is generated and written to the key file; every data key is re-wrapped in one transaction and the old root key is retired. Gantry keeps serving. Back up the key file afterwards: backups taken before need the old key."</p>
                    <button type="button" class=PRIMARY data-testid="rotate-root-key" disabled=move || action.pending().get() on:click=move |_| rotate()>
                        {move || if action.pending().get() { "Rotating…" } else { "Rotate the root key" }}
                    </button>
                }.into_any(),
            }}
        </div>
    }
}
