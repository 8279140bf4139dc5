//! `/services/:slug`: a service's page with tabs (overview, deployments, logs, environments,
//! configuration, history). Tabs are links (`?tab=`), so each has its own URL and works without
//! script.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::badge::StatusBadge;
use super::edit::{ArchiveButtons, DeleteServiceForm, EnvironmentForm, GeneralForm};
use crate::containers::{LogSource, LogViewer};
use crate::deployments::DeploymentsTab;
use crate::pages::ErrorPanel;
use crate::services::api::get_service;
use crate::services::mirror::MirrorCard;
use crate::services::types::{EnvironmentInfo, ServiceDetail};
use crate::ui::card::Card;
use crate::ui::time::Time;

const TABS: [(&str, &str); 6] = [
    ("overview", "Overview"),
    ("deployments", "Deployments"),
    ("logs", "Logs"),
    ("environments", "Environments"),
    ("configuration", "Configuration"),
    ("history", "History"),
];

#[component]
pub fn ServiceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let tab = move || query.read().get("tab").unwrap_or_else(|| "overview".into());
    let detail = Resource::new(slug, get_service);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the service…"</p> }>
            {move || Suspend::new(async move {
                let tab = tab();
                match detail.await {
                    Ok(detail) => view! { <Detail detail tab /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(detail: ServiceDetail, tab: String) -> impl IntoView {
    let row = detail.row.clone();
    let tab = if TABS.iter().any(|(id, _)| *id == tab) {
        tab
    } else {
        "overview".into()
    };
    let body = match tab.as_str() {
        "deployments" => view! { <DeploymentsTab slug=row.slug.clone() /> }.into_any(),
        "logs" => {
            let source = LogSource::Service {
                slug: row.slug.clone(),
                environments: row.environments.clone(),
            };
            view! { <Card title="Logs of all its containers"><LogViewer source /></Card> }.into_any()
        }
        "environments" => view! { <Environments environments=detail.environments.clone() /> }.into_any(),
        "configuration" => view! { <Configuration detail=detail.clone() /> }.into_any(),
        "history" => view! { <History detail=detail.clone() /> }.into_any(),
        _ => view! { <Overview detail=detail.clone() /> }.into_any(),
    };
    view! {
        <leptos_meta::Title text=row.name.clone() />
        <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-500"><a href="/services" class="hover:underline">"Services"</a>" / "{row.name.clone()}</nav>
        <div class="mb-4 flex flex-wrap items-start justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight" data-testid="service-name">{row.name.clone()}</h1>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{row.description.clone()}</p>
                <p class="mt-2 flex flex-wrap items-center gap-2 text-sm">
                    <StatusBadge status=row.status />
                    <span class="font-mono text-xs text-slate-500">{row.slug.clone()}</span>
                    {detail.archived.then(|| view! { <span class="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">"Archived"</span> })}
                </p>
            </div>
        </div>
        {detail.template_latest.clone().map(|latest| view! {
            <p class="mb-4 rounded-lg border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900 dark:border-sky-900 dark:bg-sky-950/50 dark:text-sky-200" data-testid="upgrade-available">
                {format!("Version {latest} of its template is available (this service uses {}). ", detail.template_version.clone().unwrap_or_default())}
                <a class="font-semibold underline" href=format!("/services/{}/upgrade", row.slug)>"See what changes"</a>
            </p>
        })}
        <nav aria-label="Service sections" class="mb-6 flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-800">
            {TABS.into_iter().map(|(id, label)| {
                let current = id == tab;
                view! {
                    <a
                        href=format!("/services/{}?tab={id}", row.slug)
                        aria-current=current.then_some("page")
                        class=if current { "border-b-2 border-indigo-600 px-3 py-2 text-sm font-semibold text-indigo-700 dark:text-indigo-300" } else { "border-b-2 border-transparent px-3 py-2 text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400" }
                    >{label}</a>
                }
            }).collect_view()}
        </nav>
        {body}
    }
}

#[component]
fn Overview(detail: ServiceDetail) -> impl IntoView {
    let row = detail.row.clone();
    let facts = [
        (
            "Owner",
            if row.owner.is_empty() {
                "Nobody yet".to_owned()
            } else {
                row.owner.clone()
            },
        ),
        (
            "Tags",
            if row.tags.is_empty() {
                "None".to_owned()
            } else {
                row.tags.join(", ")
            },
        ),
        ("Environments", row.environments.join(", ")),
        (
            "Template",
            match (&row.template, &detail.template_version) {
                (Some(id), Some(version)) => format!("{id} v{version}"),
                _ => "None (registered by hand)".to_owned(),
            },
        ),
    ];
    let (form, links, created_at, archived) = (
        detail.clone(),
        detail.links.clone(),
        detail.created_at.clone(),
        detail.archived,
    );
    let (archive_id, delete_id, slug) = (row.id.clone(), row.id.clone(), row.slug.clone());
    let (has_repository, slug_for_repo) = (!detail.files.is_empty(), row.slug.clone());
    view! {
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <Card title="Settings">
                    <GeneralForm detail=form />
                </Card>
            </div>
            <div class="space-y-6">
                <Card title="At a glance">
                    <dl class="space-y-2 text-sm">
                        {facts.into_iter().map(|(term, value)| view! { <div><dt class="text-slate-500">{term}</dt><dd>{value}</dd></div> }).collect_view()}
                        <div><dt class="text-slate-500">"Created"</dt><dd><Time at=created_at /></dd></div>
                    </dl>
                    {has_repository.then(|| view! {
                        <div class="mt-4 text-sm" data-testid="repository">
                            <p class="text-slate-500">"Repository"</p>
                            <code class="block break-all font-mono text-xs">{format!("git -c http.extraHeader=\"Cookie: gantry=<your session cookie>\" clone <this panel's address>/git/{slug_for_repo}.git")}</code>
                        </div>
                    })}
                    {(!links.is_empty()).then(|| view! {
                        <ul class="mt-4 space-y-1 text-sm">
                            {links.into_iter().map(|link| view! { <li><a class="text-indigo-600 hover:underline dark:text-indigo-400" href=link.url rel="noopener noreferrer">{link.label}</a></li> }).collect_view()}
                        </ul>
                    })}
                </Card>
                <Card title="Archive or delete">
                    <ArchiveButtons id=archive_id archived />
                    <DeleteServiceForm id=delete_id slug />
                </Card>
            </div>
        </div>
    }
}

#[component]
fn Environments(environments: Vec<EnvironmentInfo>) -> impl IntoView {
    view! {
        <div class="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
            {environments.into_iter().map(|env| view! {
                <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid="environment-card">
                    <div class="flex items-center justify-between">
                        <h2 class="font-semibold">{env.name.clone()}</h2>
                        <StatusBadge status=env.status />
                    </div>
                    <dl class="mt-3 space-y-1 text-sm">
                        <div class="flex justify-between gap-2"><dt class="text-slate-500">"Image"</dt><dd class="truncate font-mono text-xs">{env.image.clone().unwrap_or_else(|| "built from the repository".into())}</dd></div>
                        <div class="flex justify-between gap-2"><dt class="text-slate-500">"Ports"</dt><dd>{if env.ports.is_empty() { "none".to_owned() } else { env.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ") }}</dd></div>
                        <div class="flex justify-between gap-2"><dt class="text-slate-500">"Replicas"</dt><dd>{env.replicas}</dd></div>
                        <div class="flex justify-between gap-2"><dt class="text-slate-500">"CPU / memory"</dt><dd>{format!("{} m / {} MiB", env.cpu_millis, env.memory_mb)}</dd></div>
                        <div class="flex justify-between gap-2"><dt class="text-slate-500">"Health check"</dt><dd>{if env.health_path.is_empty() { "TCP".to_owned() } else { format!("HTTP {}", env.health_path) }}</dd></div>
                        <div class="flex justify-between gap-2"><dt class="text-slate-500">"Variables / secrets"</dt><dd>{format!("{} / {}", env.env_vars.len(), env.secret_refs.len())}</dd></div>
                    </dl>
                </section>
            }).collect_view()}
        </div>
    }
}

#[component]
fn Configuration(detail: ServiceDetail) -> impl IntoView {
    let (service_id, version, files) = (detail.row.id.clone(), detail.version, detail.files.clone());
    let (slug, mirror, has_repository) = (
        detail.row.slug.clone(),
        detail.mirror.clone(),
        detail.template_version.is_some(),
    );
    view! {
        <div class="space-y-6">
            {detail.environments.into_iter().map(|env| {
                let service_id = service_id.clone();
                view! {
                    <Card title="Environment">
                        <EnvironmentForm service_id version env />
                    </Card>
                }
            }).collect_view()}
            {(!files.is_empty()).then(|| view! {
                <Card title="Files in its repository">
                    <ul class="font-mono text-xs">{files.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                </Card>
            })}
            {has_repository.then(|| view! {
                <Card title="Remote mirror">
                    <MirrorCard slug mirror />
                </Card>
            })}
        </div>
    }
}

#[component]
fn History(detail: ServiceDetail) -> impl IntoView {
    view! {
        <Card title="Status history">
            <ul role="list" class="divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="history">
                {detail.history.into_iter().map(|change| view! {
                    <li class="flex flex-wrap justify-between gap-2 py-2">
                        <span><span class="font-medium">{change.status}</span>{change.environment.map(|e| format!(" · {e}"))}{(!change.note.is_empty()).then(|| format!(" · {}", change.note))}</span>
                        <span class="text-xs text-slate-500"><Time at=change.at /></span>
                    </li>
                }).collect_view()}
            </ul>
            <a href=format!("/audit?object={}", detail.row.id) class="mt-3 inline-block text-sm font-semibold text-indigo-600 dark:text-indigo-400">"Every change in the audit log"</a>
        </Card>
    }
}
