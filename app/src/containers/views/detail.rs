//! `/containers/:id`: one container's facts, actions, logs and terminal.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::actions::ActionButtons;
use super::logs::{LogSource, LogViewer};
use super::terminal::TerminalCard;
use super::{human_bytes, StateBadge};
use crate::containers::api::get_container;
use crate::containers::types::{ContainerAction, ContainerDetail};
use crate::pages::ErrorPanel;
use crate::ui::card::Card;

#[component]
pub fn ContainerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_container);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Asking the engine…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(detail: ContainerDetail) -> impl IntoView {
    let info = detail.info.clone();
    let actions = if info.is_running() {
        vec![
            ContainerAction::Stop,
            ContainerAction::Restart,
            ContainerAction::Kill,
            ContainerAction::Remove,
        ]
    } else {
        vec![ContainerAction::Start, ContainerAction::Remove]
    };
    let facts = [
        ("Id", info.short_id().to_owned()),
        ("Image", info.image.clone()),
        ("Command", detail.command.clone()),
        ("Status", info.status.clone()),
        ("Restarts", info.restart_count.to_string()),
        (
            "Health",
            detail.health.clone().unwrap_or_else(|| "no health check".into()),
        ),
        (
            "Exit code",
            detail.exit_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into()),
        ),
        (
            "Killed for memory",
            if detail.oom_killed { "yes".into() } else { "no".into() },
        ),
        (
            "Memory limit",
            if detail.memory_limit > 0 {
                human_bytes(detail.memory_limit as f64)
            } else {
                "none".into()
            },
        ),
        (
            "CPU limit",
            if detail.nano_cpus > 0 {
                format!("{:.2} CPU", detail.nano_cpus as f64 / 1e9)
            } else {
                "none".into()
            },
        ),
        (
            "Ports",
            if info.ports.is_empty() {
                "—".into()
            } else {
                info.ports.join(", ")
            },
        ),
        (
            "Environment variables",
            if detail.env_names.is_empty() {
                "—".into()
            } else {
                detail.env_names.join(", ")
            },
        ),
    ];
    let terminal = info
        .is_running()
        .then(|| view! { <TerminalCard container_id=info.id.clone() /> });
    let logs = LogSource::Container { id: info.id.clone() };
    view! {
        <leptos_meta::Title text=info.name.clone() />
        <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-500">
            <a href="/containers" class="hover:underline">"Containers"</a>" / "{info.name.clone()}
        </nav>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
            <div>
                <h1 class="flex items-center gap-3 text-2xl font-semibold tracking-tight">{info.name.clone()}<StateBadge state=info.state.clone() /></h1>
                {info.service.clone().map(|service| view! {
                    <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">"Service "<a class="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href=format!("/services/{service}?tab=deployments")>{service.clone()}</a>{info.environment.clone().map(|e| format!(" · {e}"))}</p>
                })}
            </div>
            <ActionButtons ids=vec![info.id.clone()] actions />
        </div>
        <Card title="Details">
            <dl class="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
                {facts.into_iter().map(|(term, value)| view! { <div><dt class="text-slate-500">{term}</dt><dd class="break-all font-mono text-xs">{value}</dd></div> }).collect_view()}
            </dl>
            <p class="mt-3 text-xs text-slate-500">"Variable values are not shown: some come from Secrets."</p>
        </Card>
        <div class="mt-6">
            <Card title="Logs">
                <LogViewer source=logs />
            </Card>
        </div>
        {terminal}
    }
}
