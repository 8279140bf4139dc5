//! Deleting a secret: type its name, confirm with a fresh authenticator code.

use leptos::prelude::*;

use super::DANGER;
use crate::auth::StepUpPrompt;
use crate::error::AppError;
use crate::secrets::api::DeleteSecret;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert};

#[island]
pub fn DeleteSecretForm(id: String, name: String) -> impl IntoView {
    let action = ServerAction::<DeleteSecret>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let confirmed = RwSignal::new(false);
    view! {
        <div data-ready=move || ready.get().to_string()>
            <Show when=move || matches!(value.get(), Some(Err(AppError::StepUpRequired))) && !confirmed.get()>
                <StepUpPrompt on_confirmed=Callback::new(move |_| confirmed.set(true)) />
            </Show>
            <ActionForm action=action attr:class="mt-3 space-y-3">
                <input type="hidden" name="id" value=id />
                <FormAlert message=Signal::derive(move || value.with(|v| match v {
                    Some(Err(AppError::StepUpRequired)) if confirmed.get() => Some("Confirmed. Press Delete again.".to_owned()),
                    Some(Err(AppError::StepUpRequired)) => None,
                    other => form_message(other),
                })) />
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    "Every version is deleted for good; services that refer to it stop deploying. Type "
                    <code class="font-mono font-semibold">{name}</code>
                    " to confirm."
                </p>
                <Field label="Secret name" name="confirm_name" autocomplete="off" help="Exactly as shown above" error=Signal::derive(move || value.with(|v| field_message(v, "confirm_name"))) />
                <button type="submit" class=DANGER disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Deleting…" } else { "Delete secret" }}
                </button>
            </ActionForm>
        </div>
    }
}
