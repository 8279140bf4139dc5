//! `/containers`: every container on the engine, grouped by service and Compose project, with
//! live CPU and memory, actions per container and per group, and a filter.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::actions::ActionButtons;
use super::stats::{live_stats, StatsCells};
use super::StateBadge;
use crate::containers::api::list_containers;
use crate::containers::types::{ContainerAction, ContainerFilter, ContainerGroup, ContainersView};
use crate::pages::ErrorPanel;
use crate::ui::form::hydrated;
use crate::ui::page_header::PageHeader;
use crate::ui::{empty_state::EmptyState, nav::Module};

#[component]
pub fn ContainersPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        ContainerFilter {
            q: query.get("q"),
            managed: query.get("managed"),
            state: query.get("state"),
        }
    };
    let data = Resource::new(filter, list_containers);
    view! {
        <div class="flex flex-wrap items-start justify-between gap-3">
            <PageHeader title="Containers" description=Module::Containers.summary() />
            <a href="/settings/engine" class="rounded-md border border-slate-300 px-3 py-2 text-sm font-semibold hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800">"Engine"</a>
        </div>
        <Filters filter=filter() />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Asking the engine…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) if view.total == 0 => view! {
                        <EmptyState module=Module::Containers title="No containers" body="Nothing matches here. Deploy a service from its page, or clear the filters.">
                            <a href="/containers" class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"Clear filters"</a>
                        </EmptyState>
                    }.into_any(),
                    Ok(view) => view! { <Groups view /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Filters(filter: ContainerFilter) -> impl IntoView {
    let input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950";
    let managed = filter.managed.unwrap_or_default();
    let state = filter.state.unwrap_or_default();
    view! {
        <form method="get" action="/containers" aria-label="Filter containers" class="mb-6 grid grid-cols-1 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:grid-cols-4 sm:items-end">
            <div class="sm:col-span-2">
                <label for="containers-q" class="block text-sm font-medium">"Search"</label>
                <input id="containers-q" name="q" type="search" value=filter.q.unwrap_or_default() placeholder="name, image, service, project" class=input />
            </div>
            <div>
                <label for="containers-managed" class="block text-sm font-medium">"Show"</label>
                <select id="containers-managed" name="managed" class=input>
                    <option value="" selected=managed.is_empty()>"All containers"</option>
                    <option value="gantry" selected=managed == "gantry">"Managed by Gantry"</option>
                    <option value="other" selected=managed == "other">"Not managed by Gantry"</option>
                </select>
            </div>
            <div class="flex items-end gap-3">
                <label class="flex items-center gap-2 pb-2 text-sm"><input type="checkbox" name="state" value="running" checked=state == "running" />"Running only"</label>
                <button type="submit" class="ml-auto rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Apply"</button>
            </div>
        </form>
    }
}

#[island]
fn Groups(view: ContainersView) -> impl IntoView {
    let ready = hydrated();
    let ids: Vec<String> = view
        .groups
        .iter()
        .flat_map(|g| g.containers.iter().filter(|c| c.is_running()).map(|c| c.id.clone()))
        .collect();
    let samples = live_stats(ids);
    view! {
        <p class="mb-3 text-sm text-slate-600 dark:text-slate-400" data-ready=move || ready.get().to_string()>
            {format!("{} container(s), {} running. CPU and memory update live.", view.total, view.running)}
        </p>
        <div class="space-y-6">
            {view.groups.into_iter().map(|group| view! { <Group group samples /> }).collect_view()}
        </div>
    }
}

#[component]
fn Group(
    group: ContainerGroup,
    samples: RwSignal<std::collections::HashMap<String, crate::containers::types::StatsSample>>,
) -> impl IntoView {
    let all: Vec<String> = group.containers.iter().map(|c| c.id.clone()).collect();
    let selected = RwSignal::new(Vec::<String>::new());
    let kind = match group.kind.as_str() {
        "service" => "Service",
        "compose" => "Compose project",
        _ => "",
    };
    let all_for_toggle = all.clone();
    view! {
        <section class="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid="container-group">
            <header class="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
                <h2 class="font-semibold">
                    {(!kind.is_empty()).then(|| view! { <span class="mr-2 text-xs font-normal uppercase tracking-wide text-slate-500">{kind}</span> })}
                    {match group.link.clone() {
                        Some(link) => view! { <a href=link class="hover:underline">{group.title.clone()}</a> }.into_any(),
                        None => view! { <span>{group.title.clone()}</span> }.into_any(),
                    }}
                </h2>
                <div class="flex items-center gap-2 text-xs text-slate-500">
                    <span>{move || if selected.with(Vec::is_empty) { "Whole group:".to_owned() } else { format!("{} selected:", selected.with(Vec::len)) }}</span>
                    <ActionButtons compact=true ids=Signal::derive(move || if selected.with(Vec::is_empty) { all.clone() } else { selected.get() })
                        actions=vec![ContainerAction::Start, ContainerAction::Stop, ContainerAction::Restart, ContainerAction::Remove] />
                </div>
            </header>
            <div class="overflow-x-auto">
                <table class="min-w-full text-left text-sm">
                    <thead class="text-xs uppercase text-slate-500">
                        <tr>
                            <th class="py-2 pl-4 pr-2"><input type="checkbox" aria-label="Select all in this group"
                                on:change=move |ev| selected.set(if event_target_checked(&ev) { all_for_toggle.clone() } else { Vec::new() }) /></th>
                            <th class="py-2 pr-4">"Name"</th><th class="py-2 pr-4">"State"</th><th class="py-2 pr-4">"Status"</th>
                            <th class="py-2 pr-4">"Restarts"</th><th class="py-2 pr-4">"CPU"</th><th class="py-2 pr-4">"Memory"</th><th class="py-2 pr-4">"Image"</th><th class="py-2 pr-4"></th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                        {group.containers.into_iter().map(|container| {
                            let id = container.id.clone();
                            let (check_id, row_id) = (id.clone(), id.clone());
                            let actions = if container.is_running() {
                                vec![ContainerAction::Stop, ContainerAction::Restart, ContainerAction::Kill]
                            } else {
                                vec![ContainerAction::Start, ContainerAction::Remove]
                            };
                            view! {
                                <tr data-testid="container-row" data-name=container.name.clone()>
                                    <td class="py-2 pl-4 pr-2"><input type="checkbox" aria-label=format!("Select {}", container.name)
                                        prop:checked=move || selected.with(|s| s.contains(&check_id))
                                        on:change={
                                            let id = id.clone();
                                            move |ev| selected.update(|s| if event_target_checked(&ev) { s.push(id.clone()) } else { s.retain(|x| x != &id) })
                                        } /></td>
                                    <td class="py-2 pr-4"><a class="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/containers/{}", container.id)>{container.name.clone()}</a>
                                        {container.environment.clone().map(|env| view! { <span class="ml-2 text-xs text-slate-500">{env}</span> })}</td>
                                    <td class="py-2 pr-4"><StateBadge state=container.state.clone() /></td>
                                    <td class="py-2 pr-4 whitespace-nowrap text-slate-600 dark:text-slate-400">{container.status.clone()}</td>
                                    <td class="py-2 pr-4 tabular-nums">{container.restart_count}</td>
                                    <StatsCells id=row_id samples />
                                    <td class="py-2 pr-4 max-w-48 truncate font-mono text-xs" title=container.image.clone()>{container.image.clone()}</td>
                                    <td class="py-2 pr-4 text-right"><ActionButtons compact=true ids=vec![id.clone()] actions /></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
