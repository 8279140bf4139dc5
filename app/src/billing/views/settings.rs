//! `/billing/settings`: the Stripe connection (API base, grace period, API key and webhook
//! signing secret, kept encrypted in Secrets), a connection test, and the webhook endpoint.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::subnav::BillingNav;
use super::{INPUT, SECONDARY};
use crate::auth::StepUpPrompt;
use crate::billing::api::{get_billing_settings, SaveBillingSettings, TestStripeConnection};
use crate::billing::types::SettingsView;
use crate::error::AppError;
use crate::pages::ErrorPanel;
use crate::ui::card::Card;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};
use crate::ui::page_header::PageHeader;
use crate::ui::time::Time;

/// The events Gantry acts on; the webhook endpoint in Stripe should send these.
const HANDLED_EVENTS: [&str; 7] = [
    "checkout.session.completed",
    "checkout.session.expired",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
];

#[component]
pub fn BillingSettingsPage() -> impl IntoView {
    let saved = use_query_map()
        .get_untracked()
        .get("saved")
        .is_some_and(|value| value == "1");
    let settings = Resource::new(|| (), |_| get_billing_settings());
    view! {
        <BillingNav />
        <PageHeader title="Billing settings" description="How Gantry talks to Stripe, and how long a failed payment may wait before creations are blocked." />
        {saved.then(|| view! {
            <p role="status" data-testid="saved" class="mb-6 rounded-lg border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-200">"Saved"</p>
        })}
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! { <Settings settings /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Settings(settings: SettingsView) -> impl IntoView {
    let endpoint = settings.endpoint.clone();
    let has_signing_key = settings.has_signing_key;
    let account = settings.account_id.clone().map(|id| {
        let name = settings.account_name.clone().unwrap_or_default();
        view! {
            <p class="mb-3 text-sm" data-testid="last-account">
                {format!("Last checked: {name} ({id})")}
                {settings.checked_at.clone().map(|at| view! { " on " <Time at /> })}
            </p>
        }
    });
    view! {
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <Card title="Stripe connection">
                    <SettingsForm settings />
                </Card>
            </div>
            <div class="space-y-6">
                <Card title="Test the connection">
                    {account}
                    <TestConnectionButton />
                </Card>
                <Card title="Webhook endpoint">
                    <p class="mb-2 text-sm text-slate-600 dark:text-slate-400">"Add this endpoint in Stripe (Developers → Webhooks), then paste its signing secret here."</p>
                    <pre class="overflow-x-auto rounded-md bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800"><code data-testid="webhook-endpoint" class="font-mono">{endpoint}</code></pre>
                    <p class="mb-1 mt-3 text-sm font-medium">"Events to send"</p>
                    <ul class="space-y-0.5 font-mono text-xs" data-testid="handled-events">
                        {HANDLED_EVENTS.into_iter().map(|event| view! { <li>{event}</li> }).collect_view()}
                    </ul>
                    <p class="mt-3 text-xs text-slate-500">
                        {if has_signing_key { "Signing secret stored: events are signature-checked." } else { "No signing secret yet: Gantry refuses events until one is stored." }}
                    </p>
                </Card>
            </div>
        </div>
    }
}

/// A password input for a key that is stored but never shown.
#[component]
fn KeyInput(
    label: &'static str,
    name: &'static str,
    placeholder: &'static str,
    help: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let help_id = format!("{id}-help");
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <input id=id name=name type="password" autocomplete="off" spellcheck="false" placeholder=placeholder
                aria-describedby=help_id.clone() aria-invalid=move || error.get().is_some().to_string() class=format!("{INPUT} font-mono") />
            <p id=help_id class="mt-1 text-xs">
                {move || match error.get() {
                    Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                    None => view! { <span class="text-slate-500 dark:text-slate-400">{help}</span> }.into_any(),
                }}
            </p>
        </div>
    }
}

#[island]
fn SettingsForm(settings: SettingsView) -> impl IntoView {
    let action = ServerAction::<SaveBillingSettings>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let confirmed = RwSignal::new(false);
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let api_key_placeholder = if settings.has_api_key {
        "sk_live_… (stored: leave empty to keep)"
    } else {
        "sk_live_…"
    };
    let signing_placeholder = if settings.has_signing_key {
        "whsec_… (stored: leave empty to keep)"
    } else {
        "whsec_…"
    };
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="settings-form">
            <Show when=move || matches!(value.get(), Some(Err(AppError::StepUpRequired))) && !confirmed.get()>
                <div class="mb-4">
                    <StepUpPrompt on_confirmed=Callback::new(move |_| confirmed.set(true)) />
                    <p class="mt-2 text-xs text-slate-500">"Or confirm with a code on your " <a href="/account" class="font-semibold underline">"Security page"</a> ", then save again."</p>
                </div>
            </Show>
            <ActionForm action=action attr:class="space-y-5">
                <FormAlert message=Signal::derive(move || value.with(|v| match v {
                    Some(Err(AppError::StepUpRequired)) if confirmed.get() => Some("Confirmed. Press Save again.".to_owned()),
                    Some(Err(AppError::StepUpRequired)) => None,
                    other => form_message(other),
                })) />
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="API base" name="form[api_base]" value=settings.api_base autocomplete="off" help="https://api.stripe.com, or a Stripe-compatible server" error=error("api_base") />
                    <Field label="Grace period (days)" name="form[grace_days]" value=settings.grace_days.to_string() inputmode="numeric" help="Days a past-due subscription may keep creating services" error=error("grace_days") />
                </div>
                <KeyInput label="Secret API key" name="form[api_key]" placeholder=api_key_placeholder help="From Stripe: Developers → API keys" error=error("api_key") />
                <KeyInput label="Webhook signing secret" name="form[signing_key]" placeholder=signing_placeholder help="From the webhook endpoint's page in Stripe" error=error("signing_key") />
                <p class="text-xs text-slate-600 dark:text-slate-400">
                    "Both are stored encrypted in "<a href="/secrets" class="font-semibold text-indigo-600 dark:text-indigo-400">"Secrets"</a>
                    " as " <code class="font-mono">"GANTRY_STRIPE_SECRET_KEY"</code> " and " <code class="font-mono">"GANTRY_STRIPE_WEBHOOK_SECRET"</code>
                    ". Saving asks for a fresh authenticator code."
                </p>
                <div class="w-48"><SubmitButton label="Save settings" busy_label="Saving…" pending=action.pending() /></div>
            </ActionForm>
        </div>
    }
}

/// Asks Stripe which account the stored key belongs to.
#[island]
fn TestConnectionButton() -> impl IntoView {
    let action = ServerAction::<TestStripeConnection>::new();
    let value = action.value();
    let ready = hydrated();
    view! {
        <div class="space-y-2" data-ready=move || ready.get().to_string()>
            <button type="button" class=SECONDARY data-testid="test-connection" disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(TestStripeConnection {}); }>
                {move || if action.pending().get() { "Testing…" } else { "Test connection" }}
            </button>
            {move || value.get().map(|result| match result {
                Ok(check) => view! {
                    <p data-testid="connection-result" data-ok="true" class="text-sm text-emerald-700 dark:text-emerald-400">
                        {format!("Connected to {} ({})", check.account_name, check.account_id)}
                    </p>
                }
                .into_any(),
                Err(error) => view! {
                    <p role="alert" data-testid="connection-result" data-ok="false" class="text-sm text-red-700 dark:text-red-400">{error.to_string()}</p>
                }
                .into_any(),
            })}
        </div>
    }
}
