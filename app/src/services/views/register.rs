//! `/services/register`: add a service that already exists, or set one up by hand.

use leptos::prelude::*;

use super::SECONDARY;
use crate::services::api::RegisterService;
use crate::services::types::{check_slug, slugify};
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};
use crate::ui::page_header::PageHeader;

#[component]
pub fn RegisterServicePage() -> impl IntoView {
    view! {
        <PageHeader title="Register a service" description="Add a service you already run, or one you will configure by hand. To start from working files, create it from a template instead." />
        <RegisterForm />
    }
}

#[island]
fn RegisterForm() -> impl IntoView {
    let action = ServerAction::<RegisterService>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let slug = RwSignal::new(String::new());
    let slug_edited = RwSignal::new(false);
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let slug_error = Signal::derive(move || {
        let typed = slug.get();
        if typed.is_empty() {
            return value.with(|v| field_message(v, "slug"));
        }
        check_slug(&typed)
            .err()
            .map(str::to_owned)
            .or_else(|| value.with(|v| field_message(v, "slug")))
    });
    let input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950";
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="register-form">
            <ActionForm action=action attr:class="max-w-2xl space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <crate::billing::PlanLimitNotice show=Signal::derive(move || matches!(value.get(), Some(Err(crate::error::AppError::PlanLimit { .. })))) />
                <div>
                    <label for="service-name" class="block text-sm font-medium">"Name"</label>
                    <input id="service-name" name="form[name]" class=input autocomplete="off"
                        aria-invalid=move || error("name").get().is_some().to_string()
                        on:input=move |ev| {
                            if !slug_edited.get_untracked() { slug.set(slugify(&event_target_value(&ev))); }
                        } />
                    <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || error("name").get()}</p>
                </div>
                <div>
                    <label for="service-slug" class="block text-sm font-medium">"Short name (for URLs)"</label>
                    <input id="service-slug" name="form[slug]" class=format!("{input} font-mono") autocomplete="off"
                        prop:value=move || slug.get()
                        aria-invalid=move || slug_error.get().is_some().to_string()
                        on:input=move |ev| { slug_edited.set(true); slug.set(event_target_value(&ev)); } />
                    <p class="mt-1 text-xs">
                        {move || match slug_error.get() {
                            Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                            None => view! { <span class="text-slate-500">{move || format!("/services/{}", if slug.get().is_empty() { "…".to_owned() } else { slug.get() })}</span> }.into_any(),
                        }}
                    </p>
                </div>
                <Field label="Description" name="form[description]" help="What it does, in one line" error=error("description") />
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="Owner" name="form[owner]" help="A person or team" error=error("owner") />
                    <Field label="Tags" name="form[tags]" help="Comma-separated: payments, eu" error=error("tags") />
                </div>
                <Field label="Environments" name="form[environments]" value="production, staging".to_owned() help="Comma-separated; each gets its own configuration" error=error("environments") />
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="Image" name="form[image]" help="Optional: e.g. ghcr.io/acme/billing:1.4" error=error("image") />
                    <Field label="Ports" name="form[port]" inputmode="numeric" help="Optional, comma-separated: 8080" error=error("port") />
                </div>
                <div class="flex items-center gap-3">
                    <div class="w-48"><SubmitButton label="Register service" busy_label="Registering…" pending=action.pending() /></div>
                    <a href="/services" class=SECONDARY>"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}
