//! Form pieces used inside islands: labelled fields with inline errors, the form-level message,
//! and the submit button with its busy state.

use leptos::prelude::*;

use crate::error::AppError;

/// The message for `field` in a failed server call, if the server named that field.
pub fn field_message<T>(result: &Option<Result<T, AppError>>, field: &str) -> Option<String> {
    match result {
        Some(Err(AppError::Invalid { fields, .. })) => fields
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.clone()),
        _ => None,
    }
}

/// The form-level message of a failed server call (field errors are shown at their fields).
pub fn form_message<T>(result: &Option<Result<T, AppError>>) -> Option<String> {
    match result {
        Some(Err(AppError::Invalid { fields, .. })) if !fields.is_empty() => None,
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    }
}

/// A labelled input with help text and an inline error.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] help: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] inputmode: &'static str,
    #[prop(optional, into)] error: MaybeProp<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let help_id = format!("{id}-help");
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                aria-describedby=help_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
                class="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950"
            />
            <p id=help_id class="mt-1 text-xs">
                {move || match error.get() {
                    Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                    None => view! { <span class="text-slate-500 dark:text-slate-400">{help}</span> }.into_any(),
                }}
            </p>
        </div>
    }
}

/// The error above a form, when the server refused it as a whole.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
                {move || message.get()}
            </p>
        </Show>
    }
}

/// The primary submit button, disabled with a spinner while the request runs.
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            disabled=move || pending.get()
            class="inline-flex w-full items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-wait disabled:opacity-70"
        >
            <Show when=move || pending.get()>
                <span aria-hidden="true" class="h-4 w-4 animate-spin rounded-full border-2 border-white/40 border-t-white"></span>
            </Show>
            {move || if pending.get() { busy_label } else { label }}
        </button>
    }
}

/// Opens `url` in this tab: used after a server call says where to go next.
pub fn go_to(url: &str) {
    let _ = window().location().set_href(url);
}

/// Opens the page a server call answered with, once it succeeded.
pub fn go_to_on_success(value: impl Get<Value = Option<Result<String, AppError>>> + Send + Sync + 'static) {
    Effect::new(move |_| {
        if let Some(Ok(next)) = value.get() {
            go_to(&next);
        }
    });
}

/// Turns true once the island runs in the browser; pages expose it as `data-ready` so tests
/// (and people) know the controls are live.
pub fn hydrated() -> RwSignal<bool> {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    ready
}
