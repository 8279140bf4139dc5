//! `/services/:slug/upgrade`: the diff of the service's files between its template version and
//! the latest one, and the button that applies it as a new commit.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{preview_upgrade, ApplyUpgrade};
use super::types::{Change, UpgradePreview};
use crate::pages::ErrorPanel;
use crate::ui::form::{form_message, go_to_on_success, hydrated, FormAlert};

#[component]
pub fn UpgradePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let preview = Resource::new(slug, preview_upgrade);
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Rendering both versions…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => view! { <Preview preview /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Preview(preview: UpgradePreview) -> impl IntoView {
    let changed = preview.files.iter().filter(|f| f.change != Change::Unchanged).count();
    view! {
        <leptos_meta::Title text=format!("Upgrade {}", preview.name) />
        <nav aria-label="Breadcrumb" class="mb-2 text-sm text-slate-500">
            <a href="/services" class="hover:underline">"Services"</a>" / "
            <a href=format!("/services/{}", preview.slug) class="hover:underline">{preview.name.clone()}</a>" / upgrade"
        </nav>
        <h1 class="text-2xl font-semibold tracking-tight">{format!("Upgrade to {} {}", preview.template, preview.to)}</h1>
        <p class="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400" data-testid="upgrade-summary">
            {format!("From version {} to {}: {changed} of {} files change. Applying commits the new files to the service's repository.", preview.from, preview.to, preview.files.len())}
        </p>
        <ApplyButton slug=preview.slug.clone() version=preview.version />
        <div class="mt-6 space-y-3" data-testid="upgrade-files">
            {preview.files.into_iter().filter(|f| f.change != Change::Unchanged).map(|file| {
                let (label, colour) = match file.change {
                    Change::Added => ("added", "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200"),
                    Change::Removed => ("removed", "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200"),
                    _ => ("changed", "bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200"),
                };
                view! {
                    <section class="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
                        <h2 class="flex items-center gap-2 border-b border-slate-200 px-4 py-2 font-mono text-sm dark:border-slate-800">
                            {file.path}<span class=format!("rounded px-1.5 py-0.5 font-sans text-xs {colour}")>{label}</span>
                        </h2>
                        <pre class="max-h-96 overflow-auto p-4 text-xs leading-relaxed">
                            {file.diff.lines().map(|line| {
                                let class = if line.starts_with('+') && !line.starts_with("+++") {
                                    "block bg-emerald-50 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200"
                                } else if line.starts_with('-') && !line.starts_with("---") {
                                    "block bg-red-50 text-red-900 dark:bg-red-950/50 dark:text-red-200"
                                } else {
                                    "block"
                                };
                                view! { <code class=class>{line.to_owned()}</code> }
                            }).collect_view()}
                        </pre>
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

#[island]
fn ApplyButton(slug: String, version: i64) -> impl IntoView {
    let action = ServerAction::<ApplyUpgrade>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    view! {
        <div class="max-w-sm space-y-2" data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <button type="button" data-testid="apply-upgrade"
                class="inline-flex items-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:cursor-wait disabled:opacity-70"
                disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(ApplyUpgrade { slug: slug.clone(), version }); }>
                {move || if action.pending().get() { "Committing…" } else { "Apply the upgrade" }}
            </button>
        </div>
    }
}
