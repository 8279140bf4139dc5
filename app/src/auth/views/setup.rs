//! `/setup`: the first admin, on first run only.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::api::SetupAdmin;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};

/// The first-run page.
#[component]
pub fn SetupPage() -> impl IntoView {
    view! {
        <Title text="Set up Gantry" />
        <h1 class="text-xl font-semibold">"Welcome to Gantry"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "Create the administrator account. You will set up an authenticator app next: every account uses two-factor sign-in."
        </p>
        <SetupForm />
    }
}

#[island]
fn SetupForm() -> impl IntoView {
    let action = ServerAction::<SetupAdmin>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    view! {
        <ActionForm action=action attr:class="mt-6 space-y-4" attr:data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <Field label="Email" name="email" kind="email" autocomplete="username" error=error("email") />
            <Field label="Display name" name="display_name" autocomplete="name" help="Shown in the panel and the audit log" error=error("display_name") />
            <Field
                label="Password"
                name="password"
                kind="password"
                autocomplete="new-password"
                help="At least 12 characters; a few unrelated words work well"
                error=error("password")
            />
            <Field label="Repeat the password" name="confirm" kind="password" autocomplete="new-password" error=error("confirm") />
            <SubmitButton label="Create administrator" busy_label="Creating…" pending=action.pending() />
        </ActionForm>
    }
}
