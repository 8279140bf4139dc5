//! `/account`: profile, password, two-factor, signed-in sessions and login history.

use leptos::prelude::*;

use super::{recovery_codes::RecoveryCodes, step_up::StepUpPrompt};
use crate::auth::api::{
    get_security_overview, ChangeDisplayName, ChangePassword, RegenerateRecoveryCodes, RevokeOtherSessions,
    RevokeSession,
};
use crate::auth::types::{AttemptInfo, SecurityOverview, SessionInfo};
use crate::error::AppError;
use crate::pages::ErrorPanel;
use crate::ui::{
    card::Card,
    form::{field_message, form_message, go_to, hydrated, Field, FormAlert, SubmitButton},
    page_header::PageHeader,
};

/// The Security page of the signed-in user.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_security_overview());
    view! {
        <PageHeader title="Account and security" description="Your profile, password, two-factor sign-in and where you are signed in." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Overview overview /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(overview: SecurityOverview) -> impl IntoView {
    view! {
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <Card title="Profile">
                <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">{format!("Signed in as {}", overview.email)}</p>
                <DisplayNameForm current=overview.display_name.clone() />
            </Card>
            <Card title="Password">
                <PasswordForm />
            </Card>
            <Card title="Two-factor sign-in">
                <p class="text-sm text-slate-600 dark:text-slate-400">
                    {format!("Authenticator app: on. Recovery codes left: {}.", overview.recovery_codes_left)}
                </p>
                <div class="mt-3 flex flex-wrap gap-3">
                    <a href="/mfa/enroll" class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800">
                        "Replace authenticator app"
                    </a>
                </div>
                <div class="mt-4"><RegenerateCodes /></div>
            </Card>
            <Card title="Signed-in sessions">
                <SessionsPanel sessions=overview.sessions />
            </Card>
        </div>
        <div class="mt-6">
            <Card title="Sign-in history">
                <History attempts=overview.attempts />
            </Card>
        </div>
    }
}

#[island]
fn DisplayNameForm(current: String) -> impl IntoView {
    let action = ServerAction::<ChangeDisplayName>::new();
    let value = action.value();
    view! {
        <ActionForm action=action attr:class="space-y-3">
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <Field label="Display name" name="display_name" value=current autocomplete="name" error=Signal::derive(move || value.with(|v| field_message(v, "display_name"))) />
            <Show when=move || matches!(value.get(), Some(Ok(())))>
                <p class="text-sm text-emerald-700 dark:text-emerald-400">"Saved."</p>
            </Show>
            <SubmitButton label="Save name" busy_label="Saving…" pending=action.pending() />
        </ActionForm>
    }
}

#[island]
fn PasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let confirmed = RwSignal::new(false);
    let needs_step_up = move || matches!(value.get(), Some(Err(AppError::StepUpRequired))) && !confirmed.get();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    view! {
        <Show when=needs_step_up>
            <StepUpPrompt on_confirmed=Callback::new(move |_| confirmed.set(true)) />
        </Show>
        <ActionForm action=action attr:class="mt-3 space-y-3">
            <FormAlert message=Signal::derive(move || value.with(|v| match v {
                Some(Err(AppError::StepUpRequired)) if confirmed.get() => Some("Confirmed. Submit the change again.".to_owned()),
                Some(Err(AppError::StepUpRequired)) => None,
                other => form_message(other),
            })) />
            <Field label="Current password" name="current" kind="password" autocomplete="current-password" error=error("current") />
            <Field label="New password" name="new" kind="password" autocomplete="new-password" help="At least 12 characters" error=error("new") />
            <Field label="Repeat the new password" name="confirm" kind="password" autocomplete="new-password" error=error("confirm") />
            {move || match value.get() {
                Some(Ok(ended)) => Some(view! {
                    <p class="text-sm text-emerald-700 dark:text-emerald-400">{format!("Password changed. {ended} other session(s) were signed out.")}</p>
                }),
                _ => None,
            }}
            <SubmitButton label="Change password" busy_label="Saving…" pending=action.pending() />
        </ActionForm>
    }
}

#[island]
fn RegenerateCodes() -> impl IntoView {
    let action = ServerAction::<RegenerateRecoveryCodes>::new();
    let value = action.value();
    let regenerate = move || {
        action.dispatch(RegenerateRecoveryCodes {});
    };
    view! {
        {move || match value.get() {
            Some(Ok(codes)) => view! { <RecoveryCodes codes /> }.into_any(),
            Some(Err(AppError::StepUpRequired)) => view! { <StepUpPrompt on_confirmed=Callback::new(move |_| regenerate()) /> }.into_any(),
            other => view! {
                <FormAlert message=Signal::derive(move || form_message(&other)) />
                <button
                    type="button"
                    on:click=move |_| regenerate()
                    disabled=move || action.pending().get()
                    class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-70 dark:border-slate-700 dark:hover:bg-slate-800"
                >
                    "Make new recovery codes"
                </button>
                <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">"The old codes stop working at once."</p>
            }
            .into_any(),
        }}
    }
}

#[island]
fn SessionsPanel(sessions: Vec<SessionInfo>) -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();
    let ready = hydrated();
    Effect::new(move |_| {
        if matches!(revoke.value().get(), Some(Ok(()))) || matches!(revoke_others.value().get(), Some(Ok(_))) {
            go_to("/account");
        }
    });
    let others = sessions.iter().filter(|session| !session.current).count();
    view! {
        <div data-testid="sessions" data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || revoke.value().with(form_message).or_else(|| revoke_others.value().with(form_message))) />
            <ul role="list" class="divide-y divide-slate-100 dark:divide-slate-800">
                {sessions
                    .into_iter()
                    .map(|session| {
                        let id = session.id.clone();
                        view! {
                            <li class="flex items-center justify-between gap-3 py-2 text-sm" data-testid="session-row">
                                <div class="min-w-0">
                                    <p class="font-medium">
                                        {session.device}
                                        {session.current.then(|| view! { <span class="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">"This browser"</span> })}
                                    </p>
                                    <p class="text-xs text-slate-500 dark:text-slate-400">{format!("{} · last seen {} · signed in {}", session.ip, session.last_seen_at, session.created_at)}</p>
                                </div>
                                {(!session.current).then(|| view! {
                                    <button
                                        type="button"
                                        on:click=move |_| { revoke.dispatch(RevokeSession { id: id.clone() }); }
                                        class="shrink-0 rounded-md border border-red-300 px-2.5 py-1 text-xs font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
                                    >
                                        "Revoke"
                                    </button>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(others > 0).then(|| view! {
                <button
                    type="button"
                    data-testid="revoke-others"
                    on:click=move |_| { revoke_others.dispatch(RevokeOtherSessions {}); }
                    class="mt-3 rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
                >
                    {format!("Sign out the other {others} session(s)")}
                </button>
            })}
        </div>
    }
}

#[component]
fn History(attempts: Vec<AttemptInfo>) -> impl IntoView {
    if attempts.is_empty() {
        return view! { <p class="text-sm text-slate-500">"No sign-in attempts yet."</p> }.into_any();
    }
    view! {
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm">
                <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                    <tr><th class="py-2 pr-4">"When"</th><th class="py-2 pr-4">"Step"</th><th class="py-2 pr-4">"Result"</th><th class="py-2 pr-4">"From"</th><th class="py-2">"Device"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {attempts.into_iter().map(|attempt| view! {
                        <tr>
                            <td class="py-2 pr-4 whitespace-nowrap tabular-nums">{attempt.at}</td>
                            <td class="py-2 pr-4">{attempt.step}</td>
                            <td class="py-2 pr-4">
                                {if attempt.success {
                                    view! { <span class="rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200">"Succeeded"</span> }
                                } else {
                                    view! { <span class="rounded bg-red-100 px-1.5 py-0.5 text-xs text-red-800 dark:bg-red-900 dark:text-red-200">"Failed"</span> }
                                }}
                            </td>
                            <td class="py-2 pr-4">{attempt.ip}</td>
                            <td class="py-2">{attempt.device}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
