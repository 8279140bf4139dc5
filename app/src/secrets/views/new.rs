//! `/secrets/new`: name, scope, description, a typed or generated value, a rotation policy.
//! The name is checked as you type with the same rule the server applies.

use leptos::prelude::*;

use super::{INPUT, SECONDARY};
use crate::error::AppError;
use crate::pages::ErrorPanel;
use crate::secrets::api::{secret_services, CreateSecret};
use crate::secrets::types::{check_name, Generator, ServiceOption};
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};
use crate::ui::page_header::PageHeader;

#[component]
pub fn NewSecretPage() -> impl IntoView {
    let services = Resource::new(|| (), |_| secret_services());
    view! {
        <PageHeader title="New secret" description="Stored encrypted; its value is never shown again without a fresh authenticator code." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match services.await {
                    Ok(services) => view! { <NewSecretForm services /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[island]
fn NewSecretForm(services: Vec<ServiceOption>) -> impl IntoView {
    let action = ServerAction::<CreateSecret>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new("global".to_owned());
    let generator = RwSignal::new(Generator::Password32.as_str().to_owned());
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let name_error = Signal::derive(move || {
        let typed = name.get();
        if typed.is_empty() {
            return value.with(|v| field_message(v, "name"));
        }
        check_name(typed.trim())
            .err()
            .map(str::to_owned)
            .or_else(|| value.with(|v| field_message(v, "name")))
    });
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="new-secret-form">
        <ActionForm action=action attr:class="max-w-2xl space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <div>
                <label for="field-name" class="block text-sm font-medium text-slate-700 dark:text-slate-200">"Name"</label>
                <input
                    id="field-name"
                    name="form[name]"
                    autocomplete="off"
                    spellcheck="false"
                    on:input=move |ev| name.set(event_target_value(&ev))
                    aria-invalid=move || name_error.get().is_some().to_string()
                    aria-describedby="field-name-help"
                    class=format!("{INPUT} font-mono")
                />
                <p id="field-name-help" class="mt-1 text-xs">
                    {move || match name_error.get() {
                        Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                        None => view! { <span class="text-slate-500 dark:text-slate-400">"Like an environment variable: STRIPE_SECRET_KEY"</span> }.into_any(),
                    }}
                </p>
            </div>
            <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                <div>
                    <label for="field-scope" class="block text-sm font-medium text-slate-700 dark:text-slate-200">"Scope"</label>
                    <select id="field-scope" name="form[scope]" class=INPUT on:change=move |ev| scope.set(event_target_value(&ev))>
                        <option value="global">"Global (every service)"</option>
                        {services.into_iter().map(|service| view! { <option value=service.id>{service.name}</option> }).collect_view()}
                    </select>
                    <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || error("scope").get()}</p>
                </div>
                <Show when=move || scope.get() != "global">
                    <Field label="Environment" name="form[environment]" value="production".to_owned() help="The service's environment: production, staging…" error=error("environment") />
                </Show>
            </div>
            <Field label="Description" name="form[description]" help="What it is for and who issued it (optional)" error=error("description") />
            <fieldset>
                <legend class="text-sm font-medium text-slate-700 dark:text-slate-200">"Value"</legend>
                <div class="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2">
                    {Generator::ALL.into_iter().map(|option| view! {
                        <label class="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
                            <input type="radio" name="form[generator]" value=option.as_str() checked={option == Generator::Password32} on:change=move |_| generator.set(option.as_str().to_owned()) />
                            {format!("Generate a {}", option.label())}
                        </label>
                    }).collect_view()}
                    <label class="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
                        <input type="radio" name="form[generator]" value="" on:change=move |_| generator.set(String::new()) />
                        "Enter a value"
                    </label>
                </div>
                <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || error("generator").get()}</p>
                <Show when=move || generator.get().is_empty()>
                    <label for="field-value" class="mt-3 block text-sm font-medium text-slate-700 dark:text-slate-200">"Value"</label>
                    <textarea id="field-value" name="form[value]" rows="3" autocomplete="off" spellcheck="false" class=format!("{INPUT} font-mono") aria-invalid=move || error("value").get().is_some().to_string()></textarea>
                    <p class="mt-1 text-xs">
                        {move || match error("value").get() {
                            Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                            None => view! { <span class="text-slate-500 dark:text-slate-400">"Up to 64 KiB of text, such as a key file"</span> }.into_any(),
                        }}
                    </p>
                </Show>
            </fieldset>
            <Field label="Rotate every (days)" name="form[rotation_days]" inputmode="numeric" help="Leave empty for no rotation policy; due and overdue secrets are flagged" error=error("rotation_days") />
            <div class="flex items-center gap-3">
                <div class="w-40"><SubmitButton label="Create secret" busy_label="Encrypting…" pending=action.pending() /></div>
                <a href="/secrets" class=SECONDARY>"Cancel"</a>
            </div>
            {move || matches!(value.get(), Some(Err(AppError::Unauthorized))).then(|| view! { <p class="text-sm">"Your session ended; sign in again."</p> })}
        </ActionForm>
        </div>
    }
}
