//! `/login` (email and password) and `/login/verify` (the second factor).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::auth::api::{Login, VerifyCode};
use crate::ui::form::{form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = use_query_map().get_untracked().get("next").unwrap_or_default();
    view! {
        <Title text="Sign in" />
        <h1 class="text-xl font-semibold">"Sign in to Gantry"</h1>
        <LoginForm next />
    }
}

#[island]
fn LoginForm(next: String) -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let has_next = !next.is_empty();
    view! {
        <ActionForm action=action attr:class="mt-6 space-y-4" attr:data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            {has_next.then(|| view! { <input type="hidden" name="next" value=next.clone() /> })}
            <Field label="Email" name="email" kind="email" autocomplete="username" />
            <Field label="Password" name="password" kind="password" autocomplete="current-password" />
            <SubmitButton label="Continue" busy_label="Checking…" pending=action.pending() />
        </ActionForm>
    }
}

/// The second step of signing in.
#[component]
pub fn VerifyPage() -> impl IntoView {
    view! {
        <Title text="Two-factor sign-in" />
        <h1 class="text-xl font-semibold">"Enter your code"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "Open your authenticator app and enter the 6-digit code for Gantry. Lost your phone? Enter one of your recovery codes instead."
        </p>
        <VerifyForm />
        <form method="post" action="/api/auth/logout" class="mt-4 text-center">
            <button type="submit" class="text-sm text-slate-600 underline hover:text-slate-900 dark:text-slate-400">
                "Use another account"
            </button>
        </form>
    }
}

#[island]
fn VerifyForm() -> impl IntoView {
    let action = ServerAction::<VerifyCode>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    view! {
        <ActionForm action=action attr:class="mt-6 space-y-4" attr:data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <Field label="Code" name="code" autocomplete="one-time-code" inputmode="text" help="6 digits, or a recovery code like abcde-fghjk" />
            <SubmitButton label="Sign in" busy_label="Checking…" pending=action.pending() />
        </ActionForm>
    }
}
