//! `/secrets/:id/edit`: description, rotation policy and, optionally, a new value.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{INPUT, SECONDARY};
use crate::pages::ErrorPanel;
use crate::secrets::api::{get_secret, UpdateSecret};
use crate::secrets::types::SecretDetail;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};
use crate::ui::page_header::PageHeader;

#[component]
pub fn EditSecretPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_secret);
    view! {
        <PageHeader title="Edit secret" description="A new value becomes a new version; the old one stays available for roll back." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <EditForm detail /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EditForm(detail: SecretDetail) -> impl IntoView {
    view! {
        <p class="mb-4 font-mono text-lg font-semibold">{detail.summary.name.clone()}" "<span class="font-sans text-sm font-normal text-slate-500">{detail.summary.scope.clone()}</span></p>
        <EditSecretForm
            id=detail.summary.id
            description=detail.summary.description
            rotation_days=detail.rotation_days.map(|d| d.to_string()).unwrap_or_default()
        />
    }
}

#[island]
fn EditSecretForm(id: String, description: String, rotation_days: String) -> impl IntoView {
    let action = ServerAction::<UpdateSecret>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let back = format!("/secrets/{id}");
    view! {
        <div data-ready=move || ready.get().to_string()>
            <ActionForm action=action attr:class="max-w-2xl space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <input type="hidden" name="form[id]" value=id />
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <Field label="Description" name="form[description]" value=description error=error("description") />
                <Field label="Rotate every (days)" name="form[rotation_days]" value=rotation_days inputmode="numeric" help="Leave empty for no rotation policy" error=error("rotation_days") />
                <div>
                    <label for="field-new-value" class="block text-sm font-medium text-slate-700 dark:text-slate-200">"New value"</label>
                    <textarea id="field-new-value" name="form[value]" rows="3" autocomplete="off" spellcheck="false" class=format!("{INPUT} font-mono") aria-invalid=move || error("value").get().is_some().to_string()></textarea>
                    <p class="mt-1 text-xs">
                        {move || match error("value").get() {
                            Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                            None => view! { <span class="text-slate-500 dark:text-slate-400">"Leave empty to keep the current value"</span> }.into_any(),
                        }}
                    </p>
                </div>
                <div class="flex items-center gap-3">
                    <div class="w-40"><SubmitButton label="Save" busy_label="Saving…" pending=action.pending() /></div>
                    <a href=back class=SECONDARY>"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}
