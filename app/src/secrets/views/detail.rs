//! `/secrets/:id`: settings, reveal and copy, versions with roll back, and the audit trail of
//! every read and write.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::badges::RotationBadge;
use super::delete::DeleteSecretForm;
use super::reveal::RevealValue;
use super::versions::{RotateButton, VersionsTable};
use super::SECONDARY;
use crate::pages::ErrorPanel;
use crate::secrets::api::get_secret;
use crate::secrets::types::{SecretDetail, TrailEntry};
use crate::ui::card::Card;
use crate::ui::time::Time;

#[component]
pub fn SecretDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_secret);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the secret…"</p> }>
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
fn Detail(detail: SecretDetail) -> impl IntoView {
    let summary = detail.summary;
    let id = summary.id.clone();
    let generated = summary.generator.is_some();
    let (rotate_id, edit_href, reveal_id, versions_id, delete_id) = (
        id.clone(),
        format!("/secrets/{id}/edit"),
        id.clone(),
        id.clone(),
        id.clone(),
    );
    let name = summary.name.clone();
    let reference = format!("${{secret:{}}}", summary.name);
    view! {
        <leptos_meta::Title text=summary.name.clone() />
        <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-500"><a href="/secrets" class="hover:underline">"Secrets"</a>" / "{summary.name.clone()}</nav>
        <div class="mb-6 flex flex-wrap items-start justify-between gap-4">
            <div>
                <h1 class="font-mono text-2xl font-semibold tracking-tight" data-testid="secret-name">{summary.name.clone()}</h1>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{summary.description.clone()}</p>
                <p class="mt-2 flex flex-wrap items-center gap-2 text-sm">
                    <span class="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">{summary.scope.clone()}</span>
                    <span class="tabular-nums" data-testid="current-version">{format!("v{}", summary.version)}</span>
                    <RotationBadge status=summary.rotation />
                    {summary.rotate_by.clone().map(|at| view! { <span class="text-xs text-slate-500">"rotate by " <Time at /></span> })}
                </p>
            </div>
            <div class="flex gap-3">
                {generated.then(|| view! { <RotateButton id=rotate_id /> })}
                <a href=edit_href class=SECONDARY>"Edit"</a>
            </div>
        </div>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <Card title="Value">
                    <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
                        "Encrypted at rest. Revealing or copying asks for a fresh authenticator code and is recorded below."
                    </p>
                    <RevealValue id=reveal_id version=None />
                </Card>
                <Card title="Versions">
                    <VersionsTable id=versions_id versions=detail.versions kept=detail.versions_kept />
                </Card>
                <Card title="Reads and changes">
                    <Trail trail=detail.trail />
                </Card>
            </div>
            <div class="space-y-6">
                <Card title="Settings">
                    <dl class="space-y-2 text-sm">
                        <div><dt class="text-slate-500">"Value"</dt><dd>{summary.generator.map(|g| format!("Generated: {}", g.label())).unwrap_or_else(|| "Entered by hand".into())}</dd></div>
                        <div><dt class="text-slate-500">"Rotation"</dt><dd>{detail.rotation_days.map(|d| format!("Every {d} days")).unwrap_or_else(|| "No policy".into())}</dd></div>
                        <div><dt class="text-slate-500">"Created"</dt><dd><Time at=detail.created_at />" by "{detail.created_by}</dd></div>
                        <div><dt class="text-slate-500">"Last change"</dt><dd><Time at=summary.updated_at />" by "{summary.updated_by}</dd></div>
                        <div><dt class="text-slate-500">"Use it in a service"</dt><dd><code class="font-mono text-xs">{reference}</code></dd></div>
                    </dl>
                </Card>
                <Card title="Delete">
                    <DeleteSecretForm id=delete_id name=name />
                </Card>
            </div>
        </div>
    }
}

#[component]
fn Trail(trail: Vec<TrailEntry>) -> impl IntoView {
    if trail.is_empty() {
        return view! { <p class="text-sm text-slate-500">"Nothing recorded yet."</p> }.into_any();
    }
    view! {
        <ul role="list" class="divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="trail">
            {trail.into_iter().map(|entry| view! {
                <li class="flex flex-wrap items-baseline justify-between gap-2 py-2" data-testid="trail-row" data-action=entry.action.clone()>
                    <span>
                        <span class="font-medium">{trail_label(&entry.action)}</span>
                        {entry.version.map(|v| format!(" · v{v}"))}
                        {entry.note.map(|note| view! { <span class="text-slate-500">{format!(" · {note}")}</span> })}
                    </span>
                    <span class="text-xs text-slate-500">{entry.actor}" · "<Time at=entry.at /></span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn trail_label(action: &str) -> String {
    let label = match action {
        "secret.read" => "Value read",
        "secret.created" => "Created",
        "secret.updated" => "Edited",
        "secret.rolled_back" => "Rolled back",
        "secret.rotated" => "Rotated",
        "secret.imported" => "Imported",
        other => other,
    };
    label.to_owned()
}
