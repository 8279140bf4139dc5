//! `/secrets`: every secret with its scope and rotation status; search and filters are a plain GET
//! form, so they work before any script runs. Values never appear here.

use leptos::prelude::*;
use leptos_router::{hooks::use_query_map, params::ParamsMap};

use super::badges::RotationBadge;
use super::{PRIMARY, SECONDARY};
use crate::pages::ErrorPanel;
use crate::secrets::api::list_secrets;
use crate::secrets::types::{RotationStatus, SecretFilter, SecretList, SecretSummary};
use crate::ui::time::Time;
use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

#[component]
pub fn SecretsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || filter_from_query(&query.read());
    let list = Resource::new(filter, list_secrets);
    view! {
        <div class="flex flex-wrap items-start justify-between gap-4">
            <PageHeader title="Secrets" description=Module::Secrets.summary() />
            <div class="flex gap-3">
                <a href="/settings/keys" class=SECONDARY>"Encryption keys"</a>
                <a href="/secrets/import" class=SECONDARY>"Import .env"</a>
                <a href="/secrets/new" class=PRIMARY data-testid="new-secret">"New secret"</a>
            </div>
        </div>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading secrets…"</p> }>
            {move || Suspend::new(async move {
                let filter = filter();
                match list.await {
                    Ok(list) => view! { <Listing list filter /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn filter_from_query(query: &ParamsMap) -> SecretFilter {
    let text = |key: &str| query.get(key).filter(|value| !value.trim().is_empty());
    SecretFilter {
        q: text("q"),
        scope: text("scope"),
        rotation: text("rotation"),
    }
}

#[component]
fn Listing(list: SecretList, filter: SecretFilter) -> impl IntoView {
    if list.total == 0 {
        return view! {
            <EmptyState
                module=Module::Secrets
                title="No secrets yet"
                body="Keep database passwords, API keys and tokens here: encrypted at rest, versioned, and revealed only after a fresh authenticator code."
            >
                <a href="/secrets/new" class=PRIMARY>"Create the first secret"</a>
            </EmptyState>
        }
        .into_any();
    }
    let filtered = filter != SecretFilter::default();
    let shown = list.secrets.len();
    view! {
        <FilterForm filter=filter.clone() list=list.clone() />
        <p class="mb-3 text-sm text-slate-600 dark:text-slate-400" data-testid="secret-count">
            {if filtered { format!("{shown} of {} secrets match", list.total) } else { format!("{} secrets", list.total) }}
        </p>
        {if list.secrets.is_empty() {
            view! {
                <p class="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
                    "No secret matches these filters. "
                    <a href="/secrets" class="font-semibold text-indigo-600 dark:text-indigo-400">"Clear filters"</a>
                </p>
            }
            .into_any()
        } else {
            view! { <Table secrets=list.secrets /> }.into_any()
        }}
    }
    .into_any()
}

#[component]
fn FilterForm(filter: SecretFilter, list: SecretList) -> impl IntoView {
    let scope = filter.scope.clone().unwrap_or_default();
    let rotation = filter.rotation.clone().unwrap_or_default();
    let select = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950";
    view! {
        <form method="get" action="/secrets" aria-label="Search secrets" class="mb-4 grid grid-cols-1 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:grid-cols-4 sm:items-end">
            <div class="sm:col-span-2">
                <label for="secret-q" class="block text-sm font-medium">"Search"</label>
                <input id="secret-q" name="q" type="search" value=filter.q.unwrap_or_default() placeholder="Name or description" class=select />
            </div>
            <div>
                <label for="secret-scope" class="block text-sm font-medium">"Scope"</label>
                <select id="secret-scope" name="scope" class=select>
                    <option value="" selected={scope.is_empty()}>"All scopes"</option>
                    <option value="global" selected={scope == "global"}>"Global"</option>
                    {list.services.into_iter().map(|service| {
                        let selected = scope == service.id;
                        view! { <option value=service.id selected=selected>{service.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="secret-rotation" class="block text-sm font-medium">"Rotation"</label>
                <select id="secret-rotation" name="rotation" class=select>
                    <option value="" selected={rotation.is_empty()}>"Any"</option>
                    {[RotationStatus::Overdue, RotationStatus::Due, RotationStatus::Current, RotationStatus::Unmanaged].into_iter().map(|status| {
                        view! { <option value=status.as_str() selected={rotation == status.as_str()}>{status.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="flex gap-3 sm:col-span-4">
                <button type="submit" class=PRIMARY>"Apply"</button>
            </div>
        </form>
    }
}

#[component]
fn Table(secrets: Vec<SecretSummary>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full text-left text-sm">
                <thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="px-4 py-3">"Name"</th>
                        <th scope="col" class="px-4 py-3">"Scope"</th>
                        <th scope="col" class="px-4 py-3">"Version"</th>
                        <th scope="col" class="px-4 py-3">"Rotation"</th>
                        <th scope="col" class="px-4 py-3">"Updated"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {secrets.into_iter().map(|secret| view! {
                        <tr data-testid="secret-row">
                            <td class="px-4 py-3">
                                <a href=format!("/secrets/{}", secret.id) class="font-mono font-medium text-indigo-700 hover:underline dark:text-indigo-300">{secret.name}</a>
                                <p class="max-w-md truncate text-xs text-slate-500 dark:text-slate-400">{secret.description}</p>
                            </td>
                            <td class="px-4 py-3">{secret.scope}</td>
                            <td class="px-4 py-3 tabular-nums">{format!("v{}", secret.version)}</td>
                            <td class="px-4 py-3">
                                <RotationBadge status=secret.rotation />
                                {secret.rotate_by.map(|at| view! { <p class="mt-0.5 text-xs text-slate-500">"by " <Time at /></p> })}
                            </td>
                            <td class="px-4 py-3 text-xs text-slate-600 dark:text-slate-400">
                                <Time at=secret.updated_at />
                                <p>{secret.updated_by}</p>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
