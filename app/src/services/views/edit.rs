//! The service page's forms: general settings, one environment, archive, delete. Each sends the
//! version it was opened with; a conflict says so instead of overwriting someone's edit.

use leptos::prelude::*;

use super::{INPUT, SECONDARY};
use crate::auth::StepUpPrompt;
use crate::error::AppError;
use crate::services::api::{ArchiveService, DeleteService, UpdateEnvironment, UpdateService};
use crate::services::types::{EnvironmentInfo, ServiceDetail};
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};

/// A textarea with its label and inline error.
#[component]
fn TextArea(
    label: &'static str,
    name: &'static str,
    value: String,
    help: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <textarea id=id name=name rows="3" spellcheck="false" class=format!("{INPUT} font-mono") aria-invalid=move || error.get().is_some().to_string()>{value}</textarea>
            <p class="mt-1 text-xs">
                {move || match error.get() {
                    Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                    None => view! { <span class="text-slate-500 dark:text-slate-400">{help}</span> }.into_any(),
                }}
            </p>
        </div>
    }
}

#[island]
pub fn GeneralForm(detail: ServiceDetail) -> impl IntoView {
    let action = ServerAction::<UpdateService>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let links: String = detail
        .links
        .iter()
        .map(|link| format!("{} {}\n", link.label, link.url))
        .collect();
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="general-form">
            <ActionForm action=action attr:class="space-y-4">
                <input type="hidden" name="form[id]" value=detail.row.id.clone() />
                <input type="hidden" name="form[version]" value=detail.version />
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <Field label="Name" name="form[name]" value=detail.row.name.clone() error=error("name") />
                <Field label="Description" name="form[description]" value=detail.row.description.clone() error=error("description") />
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="Owner" name="form[owner]" value=detail.row.owner.clone() error=error("owner") />
                    <Field label="Tags" name="form[tags]" value=detail.row.tags.join(", ") help="Comma-separated" error=error("tags") />
                </div>
                <TextArea label="Links" name="form[links]" value=links help="One per line: a label, then the address" error=error("links") />
                <div class="w-40"><SubmitButton label="Save" busy_label="Saving…" pending=action.pending() /></div>
            </ActionForm>
        </div>
    }
}

#[island]
pub fn EnvironmentForm(service_id: String, version: i64, env: EnvironmentInfo) -> impl IntoView {
    let action = ServerAction::<UpdateEnvironment>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let lines = |pairs: &[(String, String)]| pairs.iter().map(|(k, v)| format!("{k}={v}\n")).collect::<String>();
    let ports = env.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="environment-form">
            <h3 class="mb-3 font-mono text-sm font-semibold">{env.name.clone()}</h3>
            <ActionForm action=action attr:class="space-y-4">
                <input type="hidden" name="form[service_id]" value=service_id />
                <input type="hidden" name="form[version]" value=version />
                <input type="hidden" name="form[environment]" value=env.name.clone() />
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="Image" name="form[image]" value=env.image.clone().unwrap_or_default() help="Empty: built from the service's repository" error=error("image") />
                    <Field label="Ports" name="form[ports]" value=ports help="Comma-separated" error=error("ports") />
                </div>
                <div class="grid grid-cols-2 gap-4 sm:grid-cols-4">
                    <Field label="CPU (millicores)" name="form[cpu_millis]" inputmode="numeric" value=env.cpu_millis.to_string() error=error("cpu_millis") />
                    <Field label="Memory (MiB)" name="form[memory_mb]" inputmode="numeric" value=env.memory_mb.to_string() error=error("memory_mb") />
                    <Field label="Replicas" name="form[replicas]" inputmode="numeric" value=env.replicas.to_string() error=error("replicas") />
                    <Field label="Health path" name="form[health_path]" value=env.health_path.clone() help="Empty: TCP check" error=error("health_path") />
                </div>
                <TextArea label="Variables" name="form[env_vars]" value=lines(&env.env_vars) help="NAME=value per line; not for secrets" error=error("env_vars") />
                <TextArea label="Secret references" name="form[secret_refs]" value=lines(&env.secret_refs) help="VARIABLE=SECRET_NAME per line; resolved from Secrets at deploy time" error=error("secret_refs") />
                <div class="w-48"><SubmitButton label="Save environment" busy_label="Saving…" pending=action.pending() /></div>
            </ActionForm>
        </div>
    }
}

#[island]
pub fn ArchiveButtons(id: String, archived: bool) -> impl IntoView {
    let action = ServerAction::<ArchiveService>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    view! {
        <div class="mb-4" data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <button type="button" class=SECONDARY data-testid="archive" disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(ArchiveService { id: id.clone(), archived: !archived }); }>
                {if archived { "Restore from the archive" } else { "Archive" }}
            </button>
            <p class="mt-1 text-xs text-slate-500">"Archived services leave the list; nothing is deleted."</p>
        </div>
    }
}

#[island]
pub fn DeleteServiceForm(id: String, slug: String) -> impl IntoView {
    let action = ServerAction::<DeleteService>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let confirmed = RwSignal::new(false);
    view! {
        <div data-ready=move || ready.get().to_string()>
            <Show when=move || matches!(value.get(), Some(Err(AppError::StepUpRequired))) && !confirmed.get()>
                <StepUpPrompt on_confirmed=Callback::new(move |_| confirmed.set(true)) />
            </Show>
            <ActionForm action=action attr:class="space-y-3">
                <input type="hidden" name="id" value=id />
                <FormAlert message=Signal::derive(move || value.with(|v| match v {
                    Some(Err(AppError::StepUpRequired)) if confirmed.get() => Some("Confirmed. Press Delete again.".to_owned()),
                    Some(Err(AppError::StepUpRequired)) => None,
                    other => form_message(other),
                })) />
                <p class="text-sm text-slate-600 dark:text-slate-400">"Deleting removes the service, its environments and history for good. Type "<code class="font-mono font-semibold">{slug}</code>" to confirm."</p>
                <Field label="Short name" name="confirm" autocomplete="off" error=Signal::derive(move || value.with(|v| field_message(v, "confirm"))) />
                <button type="submit" class="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Deleting…" } else { "Delete service" }}
                </button>
            </ActionForm>
        </div>
    }
}
