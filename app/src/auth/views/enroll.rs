//! `/mfa/enroll`: set up (or replace) the authenticator app.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{recovery_codes::RecoveryCodes, step_up::StepUpPrompt};
use crate::auth::api::{ConfirmEnrollment, StartEnrollment};
use crate::error::AppError;
use crate::ui::form::{field_message, form_message, go_to, hydrated, Field, FormAlert, SubmitButton};

/// The enrollment page.
#[component]
pub fn EnrollPage() -> impl IntoView {
    view! {
        <Title text="Set up two-factor sign-in" />
        <h1 class="text-xl font-semibold">"Set up your authenticator app"</h1>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
            "Gantry asks for a code from an authenticator app (such as Aegis, 1Password or Google Authenticator) every time you sign in."
        </p>
        <EnrollFlow />
    }
}

#[island]
fn EnrollFlow() -> impl IntoView {
    let start = ServerAction::<StartEnrollment>::new();
    let confirm = ServerAction::<ConfirmEnrollment>::new();
    let ready = hydrated();
    let started = start.value();
    let done = confirm.value();
    let retry = Callback::new(move |_| {
        start.dispatch(StartEnrollment {});
    });
    view! {
        <div class="mt-6 space-y-4" data-testid="enroll" data-ready=move || ready.get().to_string()>
            {move || match (started.get(), done.get()) {
                (_, Some(Ok(done))) => {
                    let next = done.next.clone();
                    view! {
                        <p class="text-sm font-medium text-emerald-700 dark:text-emerald-400">"Your authenticator is set up."</p>
                        <RecoveryCodes codes=done.recovery_codes />
                        <button
                            type="button"
                            data-testid="enroll-continue"
                            on:click=move |_| go_to(&next)
                            class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
                        >
                            "I saved my codes, continue"
                        </button>
                    }
                    .into_any()
                }
                (Some(Ok(info)), _) => view! {
                    <div class="flex flex-col items-center gap-4">
                        <div class="h-52 w-52 shrink-0 rounded-lg border border-slate-200 bg-white p-2 [&>svg]:h-full [&>svg]:w-full" aria-label="QR code for your authenticator app" role="img" inner_html=info.qr_svg></div>
                        <div class="w-full min-w-0 text-center text-sm">
                            <p>"Scan the code with your app, or enter this key by hand:"</p>
                            <code data-testid="totp-key" class="mt-2 block break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm dark:bg-slate-800">{info.secret_base32}</code>
                            <p class="mt-2 text-xs text-slate-500 dark:text-slate-400">{format!("Account: {} · time-based, 6 digits, 30 s", info.account)}</p>
                        </div>
                    </div>
                    <ActionForm action=confirm attr:class="space-y-3">
                        <FormAlert message=Signal::derive(move || done.with(form_message)) />
                        <Field
                            label="Code from the app"
                            name="code"
                            autocomplete="one-time-code"
                            inputmode="numeric"
                            error=Signal::derive(move || done.with(|v| field_message(v, "code")))
                        />
                        <SubmitButton label="Confirm and finish" busy_label="Checking…" pending=confirm.pending() />
                    </ActionForm>
                }
                .into_any(),
                (Some(Err(AppError::StepUpRequired)), _) => view! { <StepUpPrompt on_confirmed=retry /> }.into_any(),
                (Some(Err(error)), _) => view! { <FormAlert message=Signal::derive(move || Some(error.to_string())) /> }.into_any(),
                (None, _) => view! {
                    <button
                        type="button"
                        data-testid="enroll-start"
                        disabled=move || start.pending().get()
                        on:click=move |_| {
                            start.dispatch(StartEnrollment {});
                        }
                        class="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-70"
                    >
                        {move || if start.pending().get() { "Preparing…" } else { "Show the QR code" }}
                    </button>
                }
                .into_any(),
            }}
        </div>
    }
}
