//! Step 2: the template's parameters as a form generated from its manifest, grouped by the
//! manifest's steps, checked as you type with the same rules the server applies.

use leptos::prelude::*;

use crate::services::wizard::api::SaveParameters;
use crate::services::wizard::types::Draft;
use crate::templates::types::{parse_answer, pattern_message, ParamKind, Parameter};
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, FormAlert, SubmitButton};

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950";

#[island]
pub fn ParamsForm(draft: Draft) -> impl IntoView {
    let action = ServerAction::<SaveParameters>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let manifest = draft.manifest.clone();
    let groups = manifest
        .steps
        .iter()
        .map(|step| {
            let params: Vec<Parameter> = manifest.parameters.iter().filter(|p| p.step == step.id).cloned().collect();
            let answers = draft.params.clone();
            view! {
                <fieldset class="space-y-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                    <legend class="px-1 text-sm font-semibold">{step.title.clone()}</legend>
                    <p class="text-sm text-slate-600 dark:text-slate-400">{step.description.clone()}</p>
                    {params.into_iter().map(|param| {
                        let current = answers.get(&param.name).map(|v| v.to_form()).unwrap_or_default();
                        let server_error = Signal::derive({
                            let name = param.name.clone();
                            move || value.with(|v| field_message(v, &name))
                        });
                        view! { <ParamField param current server_error /> }
                    }).collect_view()}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="params-form">
            <ActionForm action=action attr:class="space-y-6">
                <input type="hidden" name="draft" value=draft.id.clone() />
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                {groups}
                <div class="flex items-center gap-3">
                    <a href="/services/new" class="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium dark:border-slate-700">"Back: choose a template"</a>
                    <div class="w-56"><SubmitButton label="Save and continue" busy_label="Saving…" pending=action.pending() /></div>
                </div>
            </ActionForm>
        </div>
    }
}

/// The pattern rule in the browser, with the browser's own regular expressions (no regex engine
/// in the WASM bundle). The server checks it again with the same anchoring and message; for the
/// syntax manifests use (classes, groups, alternation, repetition) both engines agree.
fn pattern_error(param: &Parameter, raw: &str) -> Option<String> {
    let pattern = param.pattern.as_deref()?;
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let whole = js_sys::RegExp::new(&format!("^(?:{pattern})$"), "u");
    (!whole.test(raw)).then(|| pattern_message(pattern))
}

#[component]
fn ParamField(param: Parameter, current: String, server_error: Signal<Option<String>>) -> impl IntoView {
    let id = format!("param-{}", param.name);
    let name = format!("answers[{}]", param.name);
    let local_error = RwSignal::new(None::<String>);
    let error = Signal::derive(move || local_error.get().or_else(|| server_error.get()));
    let rules = param.clone();
    let check = move |raw: String| {
        local_error.set(parse_answer(&rules, &raw).err().or_else(|| pattern_error(&rules, &raw)));
    };
    let label = format!("{}{}", param.label, if param.required { " *" } else { "" });
    let help = param.help.clone();
    let input = match param.kind {
        ParamKind::Secret => view! {
            <p id=id.clone() class="mt-1 rounded-md border border-dashed border-slate-300 px-3 py-2 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
                {format!("Generated when the service is created and kept in Secrets as {}", crate::templates::types::secret_name(&param.name))}
            </p>
        }.into_any(),
        ParamKind::Boolean => view! {
            <label class="mt-1 flex items-center gap-2 text-sm">
                <input id=id.clone() type="checkbox" name=name value="true" checked={current == "true"} />
                "Yes"
            </label>
        }.into_any(),
        ParamKind::Enum => view! {
            <select id=id.clone() name=name class=INPUT>
                {param.choices.iter().map(|choice| view! { <option value=choice.clone() selected={*choice == current}>{choice.clone()}</option> }).collect_view()}
            </select>
        }.into_any(),
        ParamKind::Integer | ParamKind::Port => view! {
            <input id=id.clone() name=name inputmode="numeric" value=current class=INPUT
                aria-invalid=move || error.get().is_some().to_string()
                on:input=move |ev| check(event_target_value(&ev)) />
        }.into_any(),
        ParamKind::String => view! {
            <input id=id.clone() name=name value=current class=INPUT autocomplete="off"
                aria-invalid=move || error.get().is_some().to_string()
                on:input=move |ev| check(event_target_value(&ev)) />
        }.into_any(),
    };
    view! {
        <div data-testid="param-field">
            <label for=id class="block text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            {input}
            <p class="mt-1 text-xs">
                {move || match error.get() {
                    Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                    None => view! { <span class="text-slate-500 dark:text-slate-400">{help.clone()}</span> }.into_any(),
                }}
            </p>
        </div>
    }
}
