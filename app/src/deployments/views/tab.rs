//! The service page's Deployments tab: deploy an environment, the deployments so far (roll back
//! to any that succeeded), and what the engine reported about the containers.

use leptos::prelude::*;

use super::DeployBadge;
use crate::deployments::api::{list_service_deployments, Deploy, RollBack};
use crate::deployments::types::{DeploymentRow, ServiceDeployments, ServiceEvent};
use crate::pages::ErrorPanel;
use crate::ui::card::Card;
use crate::ui::form::{form_message, go_to_on_success, hydrated, FormAlert};
use crate::ui::time::Time;

#[component]
pub fn DeploymentsTab(slug: String) -> impl IntoView {
    let data = Resource::new(move || slug.clone(), list_service_deployments);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading deployments…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Deployments data /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Deployments(data: ServiceDeployments) -> impl IntoView {
    let (deploy_slug, table_slug) = (data.slug.clone(), data.slug.clone());
    view! {
        <div class="space-y-6">
            {data.engine_problem.clone().map(|problem| view! {
                <p role="alert" class="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
                    {format!("Deploying is paused: {problem}")}
                </p>
            })}
            <Card title="Deploy">
                <DeployButtons slug=deploy_slug environments=data.environments.clone() disabled=data.engine_problem.is_some() />
            </Card>
            <Card title="Deployments">
                {if data.deployments.is_empty() {
                    view! { <p class="text-sm text-slate-500">"Nothing deployed yet. Deploy an environment above: Gantry builds the image from the service's repository (or runs its configured image), starts it and checks its health."</p> }.into_any()
                } else {
                    view! { <DeploymentTable slug=table_slug.clone() rows=data.deployments.clone() /> }.into_any()
                }}
            </Card>
            <Card title="Container events">
                <Events events=data.events.clone() />
            </Card>
        </div>
    }
}

#[island]
fn DeployButtons(slug: String, environments: Vec<String>, disabled: bool) -> impl IntoView {
    let action = ServerAction::<Deploy>::new();
    go_to_on_success(action.value());
    let ready = hydrated();
    view! {
        <div class="space-y-3" data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || action.value().with(form_message)) />
            <crate::billing::PlanLimitNotice show=Signal::derive(move || matches!(action.value().get(), Some(Err(crate::error::AppError::PlanLimit { .. })))) />
            <div class="flex flex-wrap gap-3">
                {environments.into_iter().map(|environment| {
                    let (slug, env) = (slug.clone(), environment.clone());
                    view! {
                        <button type="button" data-testid=format!("deploy-{environment}")
                            class="inline-flex items-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-60"
                            disabled=move || disabled || action.pending().get()
                            on:click=move |_| { action.dispatch(Deploy { slug: slug.clone(), environment: env.clone() }); }>
                            {format!("Deploy {environment}")}
                        </button>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}

#[component]
fn DeploymentTable(slug: String, rows: Vec<DeploymentRow>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm" data-testid="deployments">
                <thead class="text-xs uppercase text-slate-500">
                    <tr><th class="py-2 pr-4">"When"</th><th class="py-2 pr-4">"Environment"</th><th class="py-2 pr-4">"Status"</th><th class="py-2 pr-4">"Image"</th><th class="py-2 pr-4">"By"</th><th class="py-2"></th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {rows.into_iter().map(|row| {
                        let href = format!("/services/{slug}/deployments/{}", row.id);
                        view! {
                            <tr data-testid="deployment-row">
                                <td class="py-2 pr-4 whitespace-nowrap"><a class="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href=href><Time at=row.created_at.clone() /></a></td>
                                <td class="py-2 pr-4">{row.environment.clone()}</td>
                                <td class="py-2 pr-4"><DeployBadge status=row.status />{row.current.then(|| view! { <span class="ml-2 text-xs font-semibold text-emerald-700 dark:text-emerald-400">"live"</span> })}{(row.source == "rollback").then(|| view! { <span class="ml-2 text-xs text-slate-500">"rollback"</span> })}</td>
                                <td class="py-2 pr-4 font-mono text-xs">{row.image_id.clone().or(row.image_ref.clone()).unwrap_or_else(|| "—".into())}</td>
                                <td class="py-2 pr-4 text-slate-600 dark:text-slate-400">{row.started_by.clone()}</td>
                                <td class="py-2 text-right">{row.can_roll_back.then(|| view! { <RollbackButton slug=slug.clone() deployment=row.id.clone() /> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Rolls back to one deployment, after a confirmation.
#[island]
pub fn RollbackButton(slug: String, deployment: String) -> impl IntoView {
    let action = ServerAction::<RollBack>::new();
    go_to_on_success(action.value());
    let confirming = RwSignal::new(false);
    let ready = hydrated();
    view! {
        <span class="inline-flex items-center gap-2" data-testid="rollback-control" data-ready=move || ready.get().to_string()>
            <Show when=move || action.value().with(|v| matches!(v, Some(Err(_))))>
                <span role="alert" class="text-xs text-red-600">{move || action.value().with(form_message)}</span>
            </Show>
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" data-testid="rollback" class="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
                    on:click=move |_| confirming.set(true)>"Roll back to this"</button>
            }>
                <button type="button" data-testid="rollback-confirm" class="rounded-md bg-amber-600 px-2 py-1 text-xs font-semibold text-white hover:bg-amber-500 disabled:opacity-60"
                    disabled=move || action.pending().get()
                    on:click={
                        let (slug, deployment) = (slug.clone(), deployment.clone());
                        move |_| { action.dispatch(RollBack { slug: slug.clone(), deployment: deployment.clone() }); }
                    }>
                    {move || if action.pending().get() { "Starting…" } else { "Confirm roll back" }}
                </button>
                <button type="button" class="text-xs text-slate-500 hover:underline" on:click=move |_| confirming.set(false)>"Cancel"</button>
            </Show>
        </span>
    }
}

#[component]
fn Events(events: Vec<ServiceEvent>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="text-sm text-slate-500">"No events yet. Crashes, out-of-memory kills and restart loops reported by the engine appear here."</p> }.into_any();
    }
    view! {
        <ul role="list" class="divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="service-events">
            {events.into_iter().map(|event| {
                let tone = match event.kind.as_str() {
                    "crash" | "oom" | "restart_loop" | "deploy_failed" => "text-red-700 dark:text-red-400",
                    "deployed" | "rolled_back" | "started" => "text-emerald-700 dark:text-emerald-400",
                    _ => "text-slate-600 dark:text-slate-400",
                };
                view! {
                    <li class="flex flex-wrap justify-between gap-2 py-2">
                        <span>
                            <span class=format!("font-medium {tone}")>{event.kind.replace('_', " ")}</span>
                            {event.environment.map(|e| format!(" · {e}"))}
                            {event.exit_code.map(|code| format!(" · exit code {code}"))}
                            {(!event.message.is_empty()).then(|| view! { <span class="block text-xs text-slate-600 dark:text-slate-400">{event.message.clone()}</span> })}
                        </span>
                        <span class="text-xs text-slate-500"><Time at=event.at /></span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
