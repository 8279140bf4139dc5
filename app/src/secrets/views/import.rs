//! `/secrets/import`: paste or pick a `.env` file, preview what each line would do, then apply
//! all of it or nothing. There is no export: values leave only one at a time, audited.

use leptos::prelude::*;

use super::{INPUT, PRIMARY, SECONDARY};
use crate::pages::ErrorPanel;
use crate::secrets::api::{apply_import, preview_import, secret_services};
use crate::secrets::types::{ImportPlan, ImportRequest, SecretText, ServiceOption};
use crate::ui::form::{go_to, hydrated, FormAlert};
use crate::ui::page_header::PageHeader;

#[component]
pub fn ImportPage() -> impl IntoView {
    let services = Resource::new(|| (), |_| secret_services());
    view! {
        <PageHeader title="Import a .env file" description="Each NAME=value line becomes a secret, or a new version of one. Nothing is written until you apply, and a single bad line stops the whole import." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match services.await {
                    Ok(services) => view! { <ImportForm services /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
        <p class="mt-6 max-w-2xl text-xs text-slate-500 dark:text-slate-400">
            "Gantry offers no plain-text export: a file of every value is the one thing a secrets store should never hand out. Reveal or copy single values instead; each read is audited."
        </p>
    }
}

#[island]
fn ImportForm(services: Vec<ServiceOption>) -> impl IntoView {
    let ready = hydrated();
    let scope = RwSignal::new("global".to_owned());
    let environment = RwSignal::new("production".to_owned());
    let content = RwSignal::new(String::new());
    let plan = RwSignal::new(None::<ImportPlan>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let request = move || ImportRequest {
        scope: scope.get_untracked(),
        environment: environment.get_untracked(),
        content: SecretText(content.get_untracked()),
    };
    let preview = move |_| {
        pending.set(true);
        error.set(None);
        let request = request();
        leptos::task::spawn_local(async move {
            let result = preview_import(request).await;
            pending.set(false);
            match result {
                Ok(result) => plan.set(Some(result)),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let apply = move |_| {
        pending.set(true);
        error.set(None);
        let request = request();
        leptos::task::spawn_local(async move {
            let result = apply_import(request).await;
            pending.set(false);
            match result {
                Ok(_) => go_to("/secrets"),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    let edited = move |ev| {
        content.set(event_target_value(&ev));
        plan.set(None);
    };
    view! {
        <div class="max-w-3xl space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || error.get()) />
            <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                <div>
                    <label for="import-scope" class="block text-sm font-medium">"Scope"</label>
                    <select id="import-scope" class=INPUT on:change=move |ev| { scope.set(event_target_value(&ev)); plan.set(None); }>
                        <option value="global">"Global (every service)"</option>
                        {services.into_iter().map(|service| view! { <option value=service.id>{service.name}</option> }).collect_view()}
                    </select>
                </div>
                <Show when=move || scope.get() != "global">
                    <div>
                        <label for="import-environment" class="block text-sm font-medium">"Environment"</label>
                        <input id="import-environment" class=INPUT prop:value=move || environment.get() on:input=move |ev| { environment.set(event_target_value(&ev)); plan.set(None); } />
                    </div>
                </Show>
            </div>
            <div>
                <label for="import-content" class="block text-sm font-medium">"File contents"</label>
                <textarea id="import-content" rows="10" spellcheck="false" autocomplete="off" placeholder="DATABASE_URL=postgres://…\nSTRIPE_SECRET_KEY=\"sk_live_…\"" class=format!("{INPUT} font-mono") on:input=edited></textarea>
                <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">"Comments (#), export, single and double quotes and multi-line double-quoted values (PEM keys) are understood."</p>
            </div>
            <div class="flex gap-3">
                <button type="button" class=SECONDARY data-testid="import-preview" disabled=move || pending.get() on:click=preview>
                    {move || if pending.get() { "Working…" } else { "Preview" }}
                </button>
                <Show when=move || plan.with(|p| p.as_ref().is_some_and(|p| p.errors.is_empty() && !p.items.is_empty()))>
                    <button type="button" class=PRIMARY data-testid="import-apply" disabled=move || pending.get() on:click=apply>"Apply import"</button>
                </Show>
            </div>
            {move || plan.get().map(|plan| view! { <Plan plan /> })}
        </div>
    }
}

#[component]
fn Plan(plan: ImportPlan) -> impl IntoView {
    if !plan.errors.is_empty() {
        return view! {
            <div role="alert" class="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300" data-testid="import-errors">
                <p class="font-medium">{format!("Nothing can be imported until {} line(s) are fixed:", plan.errors.len())}</p>
                <ul class="mt-2 list-disc pl-5">
                    {plan.errors.into_iter().map(|e| view! { <li>{format!("Line {}: {}", e.line, e.message)}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any();
    }
    if plan.items.is_empty() {
        return view! { <p class="text-sm text-slate-600">"The file has no NAME=value lines."</p> }.into_any();
    }
    view! {
        <table class="min-w-full text-left text-sm" data-testid="import-plan">
            <thead class="text-xs uppercase text-slate-500"><tr><th class="py-1 pr-4">"Line"</th><th class="py-1 pr-4">"Name"</th><th class="py-1">"Result"</th></tr></thead>
            <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                {plan.items.into_iter().map(|item| view! {
                    <tr>
                        <td class="py-1 pr-4 tabular-nums">{item.line}</td>
                        <td class="py-1 pr-4 font-mono">{item.name}</td>
                        <td class="py-1">{if item.exists { "New version of an existing secret" } else { "New secret" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
