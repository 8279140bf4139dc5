//! `/settings/engine`: which Docker engine Gantry drives, whether it answers, and what it holds.

use leptos::prelude::*;

use super::human_bytes;
use crate::containers::api::get_engine_info;
use crate::containers::types::EngineInfo;
use crate::pages::ErrorPanel;
use crate::ui::card::Card;
use crate::ui::page_header::PageHeader;

#[component]
pub fn EnginePage() -> impl IntoView {
    let info = Resource::new(|| (), |_| get_engine_info());
    view! {
        <PageHeader title="Docker engine" description="The engine services are deployed on. Set it with GANTRY_DOCKER_HOST (or DOCKER_HOST)." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Asking the engine…"</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) => view! { <Engine info /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Engine(info: EngineInfo) -> impl IntoView {
    let status = if info.reachable {
        view! { <p data-testid="engine-status" class="text-sm font-medium text-emerald-700 dark:text-emerald-400">"Connected"</p> }.into_any()
    } else {
        view! {
            <div data-testid="engine-status" role="alert" class="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
                <p class="font-medium">"Unreachable"</p>
                <p class="mt-1">{info.problem.clone().unwrap_or_default()}</p>
                <p class="mt-1 text-xs">"Gantry keeps trying every 2 seconds and recovers on its own once the engine answers."</p>
            </div>
        }.into_any()
    };
    let facts = [
        ("Address", info.host.clone()),
        ("Version", format!("{} (API {})", info.version, info.api_version)),
        ("System", format!("{} · kernel {}", info.os, info.kernel)),
        (
            "Resources",
            format!("{} CPU · {}", info.cpus, human_bytes(info.memory_bytes as f64)),
        ),
        ("Containers", format!("{} ({} running)", info.containers, info.running)),
        (
            "Images",
            format!("{} · {}", info.images, human_bytes(info.images_bytes as f64)),
        ),
        ("Container disk use", human_bytes(info.containers_bytes as f64)),
        ("Storage driver", info.storage_driver.clone()),
    ];
    view! {
        <div class="max-w-3xl space-y-6">
            <Card title="Status">{status}</Card>
            {info.reachable.then(|| view! {
                <Card title="Engine">
                    <dl class="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2" data-testid="engine-facts">
                        {facts.into_iter().map(|(term, value)| view! { <div><dt class="text-slate-500">{term}</dt><dd class="font-medium">{value}</dd></div> }).collect_view()}
                    </dl>
                </Card>
            })}
        </div>
    }
}
