//! Step 3: the service's name, short name, environments and resources, with the template's
//! proposals filled in.

use leptos::prelude::*;

use crate::services::types::{check_slug, slugify};
use crate::services::wizard::api::SaveNaming;
use crate::services::wizard::types::Draft;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};

const STANDARD_ENVIRONMENTS: [&str; 3] = ["production", "staging", "development"];

#[island]
pub fn NamingForm(draft: Draft) -> impl IntoView {
    let action = ServerAction::<SaveNaming>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let defaults = draft.manifest.defaults.clone();
    let saved = draft.naming.clone();
    let name = saved.as_ref().map(|n| n.name.clone()).unwrap_or_default();
    let slug = RwSignal::new(saved.as_ref().map(|n| n.slug.clone()).unwrap_or_default());
    let slug_edited = RwSignal::new(saved.is_some());
    let chosen: Vec<String> = saved
        .as_ref()
        .map(|n| n.environments.clone())
        .unwrap_or_else(|| vec!["production".into(), "staging".into()]);
    let custom = chosen
        .iter()
        .find(|e| !STANDARD_ENVIRONMENTS.contains(&e.as_str()))
        .cloned()
        .unwrap_or_default();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let slug_error = Signal::derive(move || {
        let typed = slug.get();
        (!typed.is_empty())
            .then(|| check_slug(&typed).err().map(str::to_owned))
            .flatten()
            .or_else(|| value.with(|v| field_message(v, "slug")))
    });
    let number = |saved: Option<u32>, default: u32| saved.unwrap_or(default).to_string();
    let input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950";
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="naming-form">
            <ActionForm action=action attr:class="space-y-6">
                <input type="hidden" name="form[draft]" value=draft.id.clone() />
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <fieldset class="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                    <legend class="px-1 text-sm font-semibold">"Name"</legend>
                    <div>
                        <label for="wizard-name" class="block text-sm font-medium">"Name"</label>
                        <input id="wizard-name" name="form[name]" value=name class=input autocomplete="off"
                            aria-invalid=move || error("name").get().is_some().to_string()
                            on:input=move |ev| if !slug_edited.get_untracked() { slug.set(slugify(&event_target_value(&ev))); } />
                        <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || error("name").get()}</p>
                    </div>
                    <div>
                        <label for="wizard-slug" class="block text-sm font-medium">"Short name (URLs, repository, containers)"</label>
                        <input id="wizard-slug" name="form[slug]" class=format!("{input} font-mono") autocomplete="off"
                            prop:value=move || slug.get()
                            aria-invalid=move || slug_error.get().is_some().to_string()
                            on:input=move |ev| { slug_edited.set(true); slug.set(event_target_value(&ev)); } />
                        <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || slug_error.get()}</p>
                    </div>
                    <Field label="Description" name="form[description]" value=saved.as_ref().map(|n| n.description.clone()).unwrap_or_default() error=error("description") />
                </fieldset>
                <fieldset class="space-y-3 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                    <legend class="px-1 text-sm font-semibold">"Environments"</legend>
                    <div class="flex flex-wrap gap-4">
                        {STANDARD_ENVIRONMENTS.into_iter().map(|env| view! {
                            <label class="flex items-center gap-2 text-sm">
                                <input type="checkbox" name=format!("form[{env}]") value="true" checked={chosen.iter().any(|c| c == env)} />
                                {env}
                            </label>
                        }).collect_view()}
                    </div>
                    <Field label="Another environment" name="form[custom_environment]" value=custom help="Optional, e.g. eu-demo" error=error("environments") />
                </fieldset>
                <fieldset class="grid grid-cols-2 gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:grid-cols-5">
                    <legend class="px-1 text-sm font-semibold">"Resources (per environment)"</legend>
                    <Field label="Port" name="form[port]" inputmode="numeric" value=number(saved.as_ref().map(|n| u32::from(n.port)), u32::from(defaults.port)) error=error("port") />
                    <Field label="CPU (millicores)" name="form[cpu_millis]" inputmode="numeric" value=number(saved.as_ref().map(|n| n.cpu_millis), defaults.cpu_millis) error=error("cpu_millis") />
                    <Field label="Memory (MiB)" name="form[memory_mb]" inputmode="numeric" value=number(saved.as_ref().map(|n| n.memory_mb), defaults.memory_mb) error=error("memory_mb") />
                    <Field label="Replicas" name="form[replicas]" inputmode="numeric" value=number(saved.as_ref().map(|n| n.replicas), defaults.replicas) error=error("replicas") />
                    <Field label="Health path" name="form[health_path]" value=saved.as_ref().map(|n| n.health_path.clone()).unwrap_or(defaults.health_path.clone()) help="Empty: TCP" error=error("health_path") />
                </fieldset>
                <div class="flex items-center gap-3">
                    <a href=format!("/services/new/{}?step=2", draft.id) class="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium dark:border-slate-700">"Back"</a>
                    <div class="w-56"><SubmitButton label="Save and review" busy_label="Saving…" pending=action.pending() /></div>
                </div>
            </ActionForm>
        </div>
    }
}
