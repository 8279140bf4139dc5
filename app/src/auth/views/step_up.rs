//! The step-up prompt: a sensitive action asks for a fresh TOTP code first.

use leptos::prelude::*;

use crate::auth::api::StepUp;
use crate::ui::form::{field_message, form_message, Field, FormAlert, SubmitButton};

/// Asks for a code; calls `on_confirmed` once the server accepted it.
#[component]
pub fn StepUpPrompt(on_confirmed: Callback<()>) -> impl IntoView {
    let action = ServerAction::<StepUp>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            on_confirmed.run(());
        }
    });
    view! {
        <div class="rounded-lg border border-indigo-200 bg-indigo-50 p-4 dark:border-indigo-900 dark:bg-indigo-950/40">
            <p class="text-sm font-medium">"Confirm it is you"</p>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">"Enter the current code from your authenticator app. It unlocks sensitive changes for 5 minutes."</p>
            <ActionForm action=action attr:class="mt-3 space-y-3">
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <Field label="Authenticator code" name="code" autocomplete="one-time-code" inputmode="numeric" error=Signal::derive(move || value.with(|v| field_message(v, "code"))) />
                <SubmitButton label="Confirm" busy_label="Checking…" pending=action.pending() />
            </ActionForm>
        </div>
    }
}
