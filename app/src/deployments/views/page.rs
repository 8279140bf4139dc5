//! `/services/:slug/deployments/:id`: one deployment, followed live while it runs.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::live::LiveDeployment;
use super::tab::RollbackButton;
use crate::deployments::api::get_deployment;
use crate::deployments::types::DeploymentDetail;
use crate::pages::ErrorPanel;
use crate::ui::card::Card;
use crate::ui::time::Time;

#[component]
pub fn DeploymentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_deployment);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the deployment…"</p> }>
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
fn Detail(detail: DeploymentDetail) -> impl IntoView {
    let row = detail.row.clone();
    let slug = detail.service_slug.clone();
    let title = format!("Deploy {} · {}", row.environment, detail.service_name);
    let facts = [
        ("Environment", row.environment.clone()),
        ("Started by", row.started_by.clone()),
        (
            "Source",
            match row.source.as_str() {
                "rollback" => "Rollback to an earlier image".to_owned(),
                "image" => "Configured image".to_owned(),
                _ => "Built from the service's repository".to_owned(),
            },
        ),
        ("Image", row.image_ref.clone().unwrap_or_else(|| "—".into())),
        ("Image id", row.image_id.clone().unwrap_or_else(|| "—".into())),
        (
            "Containers",
            if detail.container_ids.is_empty() {
                "—".into()
            } else {
                detail.container_ids.join(", ")
            },
        ),
    ];
    view! {
        <leptos_meta::Title text=title.clone() />
        <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-500">
            <a href="/services" class="hover:underline">"Services"</a>" / "
            <a href=format!("/services/{slug}?tab=deployments") class="hover:underline">{detail.service_name.clone()}</a>" / deployment"
        </nav>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight">{title}</h1>
                <p class="mt-1 text-sm text-slate-500">"Started "<Time at=row.created_at.clone() />{row.finished_at.clone().map(|at| view! { " · finished " <Time at=at /> })}</p>
            </div>
            {row.can_roll_back.then(|| view! { <RollbackButton slug=slug.clone() deployment=row.id.clone() /> })}
        </div>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <LiveDeployment id=row.id.clone() status=row.status log=detail.log.clone() error=row.error.clone() />
            </div>
            <div class="space-y-6">
                <Card title="Details">
                    <dl class="space-y-2 text-sm">
                        {facts.into_iter().map(|(term, value)| view! { <div><dt class="text-slate-500">{term}</dt><dd class="break-all font-mono text-xs">{value}</dd></div> }).collect_view()}
                    </dl>
                </Card>
                <Card title="Configuration snapshot">
                    <pre class="max-h-80 overflow-auto text-xs">{detail.config.clone()}</pre>
                    <p class="mt-2 text-xs text-slate-500">"Secrets appear by name; their values were read at deploy time and never stored here."</p>
                </Card>
            </div>
        </div>
    }
}
