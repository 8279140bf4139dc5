//! Step 4: what will be created (service, environments, secrets, repository) and every rendered
//! file, then the Create button.

use leptos::prelude::*;

use crate::error::AppError;
use crate::services::wizard::api::{CreateFromDraft, DiscardDraft};
use crate::services::wizard::types::Review;
use crate::ui::card::Card;
use crate::ui::code::CodeView;
use crate::ui::form::{form_message, go_to_on_success, hydrated, FormAlert};

#[component]
pub fn ReviewStep(review: Review) -> impl IntoView {
    let naming = review.draft.naming.clone().unwrap_or_default();
    let facts = [
        ("Service", format!("{} ({})", naming.name, naming.slug)),
        (
            "Template",
            format!("{} v{}", review.draft.template_name, review.draft.manifest.version),
        ),
        ("Environments", naming.environments.join(", ")),
        (
            "Resources",
            format!(
                "port {}, {} millicores, {} MiB, {} replica(s)",
                naming.port, naming.cpu_millis, naming.memory_mb, naming.replicas
            ),
        ),
        (
            "Generated secrets",
            if review.secrets.is_empty() {
                "None".to_owned()
            } else {
                review.secrets.join(", ")
            },
        ),
        (
            "Repository",
            format!("/git/{}.git, with one commit of these files", naming.slug),
        ),
    ];
    let tree: Vec<String> = review.files.iter().map(|f| f.path.clone()).collect();
    view! {
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="space-y-6">
                <Card title="What will be created">
                    <dl class="space-y-2 text-sm" data-testid="review-facts">
                        {facts.into_iter().map(|(term, value)| view! { <div><dt class="text-slate-500">{term}</dt><dd class="break-words">{value}</dd></div> }).collect_view()}
                    </dl>
                </Card>
                <Card title="Files">
                    <ul class="space-y-1 font-mono text-xs" data-testid="file-tree">
                        {tree.into_iter().map(|path| {
                            let depth = path.matches('/').count();
                            let anchor = format!("#file-{}", path.replace('/', "-"));
                            view! { <li style=format!("padding-left: {}rem", depth)><a class="hover:underline" href=anchor>{path}</a></li> }
                        }).collect_view()}
                    </ul>
                </Card>
                <CreateButtons draft=review.draft.id.clone() />
            </div>
            <div class="space-y-3 lg:col-span-2" data-testid="rendered-files">
                {review.files.into_iter().map(|file| {
                    let anchor = format!("file-{}", file.path.replace('/', "-"));
                    view! {
                    <section id=anchor class="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
                        <h3 class="border-b border-slate-200 px-4 py-2 font-mono text-sm dark:border-slate-800">{file.path.clone()}</h3>
                        <CodeView path=file.path.clone() content=file.content class_name="max-h-96 p-4" />
                    </section>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}

#[island]
fn CreateButtons(draft: String) -> impl IntoView {
    let create = ServerAction::<CreateFromDraft>::new();
    let discard = ServerAction::<DiscardDraft>::new();
    go_to_on_success(create.value());
    go_to_on_success(discard.value());
    let ready = hydrated();
    let (create_id, discard_id, back) = (draft.clone(), draft.clone(), format!("/services/new/{draft}?step=3"));
    view! {
        <div class="space-y-3" data-ready=move || ready.get().to_string() data-testid="create-buttons">
            <FormAlert message=Signal::derive(move || create.value().with(|v| match v {
                Some(Err(AppError::Internal { request_id })) => Some(format!("Creating failed and nothing was kept (request id {request_id}). Try again.")),
                other => form_message(other),
            })) />
            <crate::billing::PlanLimitNotice show=Signal::derive(move || matches!(create.value().get(), Some(Err(AppError::PlanLimit { .. })))) />
            <button type="button" data-testid="create-service"
                class="inline-flex w-full items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:cursor-wait disabled:opacity-70"
                disabled=move || create.pending().get()
                on:click=move |_| { create.dispatch(CreateFromDraft { id: create_id.clone() }); }>
                <Show when=move || create.pending().get()>
                    <span aria-hidden="true" class="h-4 w-4 animate-spin rounded-full border-2 border-white/40 border-t-white"></span>
                </Show>
                {move || if create.pending().get() { "Creating the service and its repository…" } else { "Create service" }}
            </button>
            <div class="flex gap-3">
                <a href=back class="flex-1 rounded-md border border-slate-300 px-3 py-2 text-center text-sm font-medium dark:border-slate-700">"Back"</a>
                <button type="button" class="flex-1 rounded-md border border-red-300 px-3 py-2 text-sm font-medium text-red-700 dark:border-red-800 dark:text-red-300"
                    on:click=move |_| { discard.dispatch(DiscardDraft { id: discard_id.clone() }); }>"Discard draft"</button>
            </div>
        </div>
    }
}
