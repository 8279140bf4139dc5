//! `/templates/:id`: what a template asks, what it proposes, and its files rendered for an
//! example service (native disclosure widgets: no script needed).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::pages::ErrorPanel;
use crate::templates::api::get_template;
use crate::templates::types::{ParamKind, Parameter, TemplateDetail};
use crate::ui::card::Card;
use crate::ui::code::CodeView;

#[component]
pub fn TemplateDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_template);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the template…"</p> }>
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
fn Detail(detail: TemplateDetail) -> impl IntoView {
    let manifest = detail.manifest;
    let defaults = manifest.defaults.clone();
    let facts = [
        (
            "Image",
            defaults
                .image
                .clone()
                .unwrap_or_else(|| "Built from the rendered Dockerfile".into()),
        ),
        ("Port", defaults.port.to_string()),
        ("CPU", format!("{} millicores", defaults.cpu_millis)),
        ("Memory", format!("{} MiB", defaults.memory_mb)),
        ("Replicas", defaults.replicas.to_string()),
        (
            "Health check",
            if defaults.health_path.is_empty() {
                "TCP".to_owned()
            } else {
                format!("HTTP {}", defaults.health_path)
            },
        ),
        ("Versions kept", detail.versions.join(", ")),
    ];
    view! {
        <leptos_meta::Title text=manifest.name.clone() />
        <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-500"><a href="/templates" class="hover:underline">"Templates"</a>" / "{manifest.name.clone()}</nav>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight">{manifest.name.clone()}</h1>
                <p class="mt-1 max-w-2xl text-sm text-slate-600 dark:text-slate-400">{manifest.description.clone()}</p>
                <p class="mt-2 text-xs text-slate-500"><span class="font-mono">{format!("{} v{}", manifest.id, manifest.version)}</span>{format!(" · {}", manifest.category.label())}</p>
            </div>
        </div>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <Card title="Files it creates">
                    <p class="mb-3 text-xs text-slate-500">"Rendered with the default answers for a service named Example service."</p>
                    <div class="space-y-2" data-testid="template-preview">
                        {detail.preview.into_iter().enumerate().map(|(n, file)| view! {
                            <details open=n == 0 class="rounded-lg border border-slate-200 dark:border-slate-800">
                                <summary class="cursor-pointer px-3 py-2 font-mono text-sm">{file.path.clone()}</summary>
                                <CodeView path=file.path content=file.content class_name="max-h-96 border-t border-slate-200 bg-slate-50 p-3 dark:border-slate-800 dark:bg-slate-950" />
                            </details>
                        }).collect_view()}
                    </div>
                </Card>
            </div>
            <div class="space-y-6">
                <Card title="Proposed resources">
                    <dl class="space-y-2 text-sm">
                        {facts.into_iter().map(|(term, value)| view! {
                            <div><dt class="text-slate-500">{term}</dt><dd class="break-words">{value}</dd></div>
                        }).collect_view()}
                    </dl>
                </Card>
                <Card title="What it asks">
                    <ul role="list" class="divide-y divide-slate-100 text-sm dark:divide-slate-800">
                        {manifest.parameters.into_iter().map(|param| view! { <ParameterRow param /> }).collect_view()}
                    </ul>
                </Card>
            </div>
        </div>
    }
}

#[component]
fn ParameterRow(param: Parameter) -> impl IntoView {
    let kind = match param.kind {
        ParamKind::String => "text",
        ParamKind::Integer => "number",
        ParamKind::Boolean => "yes / no",
        ParamKind::Enum => "choice",
        ParamKind::Port => "port",
        ParamKind::Secret => "generated secret",
    };
    let default = param.default.as_ref().map(|d| format!("default {}", d.to_form()));
    view! {
        <li class="py-2">
            <p class="font-medium">{param.label}{param.required.then_some(" *")}</p>
            <p class="text-xs text-slate-500"><span class="font-mono">{param.name}</span>{format!(" · {kind}")}{default.map(|d| format!(" · {d}"))}</p>
            <p class="mt-0.5 text-xs text-slate-600 dark:text-slate-400">{param.help}</p>
        </li>
    }
}
