//! `/billing/checkout/success` and `/billing/checkout/cancel`: where Stripe Checkout sends the
//! customer back. Both show the checkout as Stripe's webhooks left it: the redirect alone proves
//! nothing, so success waits (refreshing itself, no script needed) until the webhook arrived.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::subnav::BillingNav;
use super::{StatusBadge, PRIMARY, SECONDARY};
use crate::billing::api::get_checkout_state;
use crate::billing::types::{CheckoutState, SubscriptionView};
use crate::pages::ErrorPanel;
use crate::ui::page_header::PageHeader;
use crate::ui::time::Time;

#[component]
pub fn CheckoutSuccessPage() -> impl IntoView {
    let query = use_query_map();
    let session = move || query.read().get("session_id").unwrap_or_default();
    let state = Resource::new(session, get_checkout_state);
    view! {
        <BillingNav />
        <PageHeader title="Checkout" description="Gantry confirms a subscription only once Stripe has told it so." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(state) => view! { <Success state /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn CheckoutCancelPage() -> impl IntoView {
    let query = use_query_map();
    let session = move || query.read().get("session_id").unwrap_or_default();
    let state = Resource::new(session, get_checkout_state);
    view! {
        <BillingNav />
        <PageHeader title="Checkout cancelled" description="The customer left Stripe Checkout before paying." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(state) => view! { <Cancelled state /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

const PANEL: &str = "rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900";

#[component]
fn Success(state: CheckoutState) -> impl IntoView {
    let customer_href = format!("/billing/customers/{}", state.customer_id);
    match (state.status.as_str(), state.subscription) {
        ("complete", Some(subscription)) => view! {
            <Confirmed subscription plan=state.plan customer_href customer_name=state.customer_name />
        }
        .into_any(),
        ("expired", _) => view! {
            <section class=PANEL data-testid="checkout-expired">
                <h2 class="text-lg font-semibold">"This checkout expired"</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                    {format!("The checkout for {} was not paid in time, so Stripe closed it: nothing was charged. Start a new one from the customer's page.", state.plan)}
                </p>
                <a href=customer_href class=format!("{PRIMARY} mt-4")>{format!("Back to {}", state.customer_name)}</a>
            </section>
        }
        .into_any(),
        _ => view! {
            <leptos_meta::Meta http_equiv="refresh" content="2" />
            <section class=PANEL role="status" data-testid="checkout-waiting">
                <p class="flex items-center gap-3 text-sm font-medium">
                    <span aria-hidden="true" class="h-5 w-5 animate-spin rounded-full border-2 border-indigo-200 border-t-indigo-600"></span>
                    "Waiting for Stripe to confirm the payment… this page refreshes itself"
                </p>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                    {format!("{} for {}. Nothing is active until Stripe's confirmation arrives.", state.plan, state.customer_name)}
                </p>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
                    "Taking long? The webhook may not reach Gantry: on the customer's page, Refresh from Stripe asks Stripe directly."
                </p>
                <a href=customer_href class=format!("{SECONDARY} mt-4")>"Go to the customer's page"</a>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn Confirmed(
    subscription: SubscriptionView,
    plan: String,
    customer_href: String,
    customer_name: String,
) -> impl IntoView {
    let title = match subscription.status.as_str() {
        "trialing" => "Trial started",
        "active" => "Subscription active",
        _ => "Checkout complete",
    };
    view! {
        <section class=PANEL data-testid="checkout-complete">
            <h2 class="text-lg font-semibold">{title}</h2>
            <dl class="mt-4 space-y-2 text-sm">
                <div><dt class="text-slate-500">"Status"</dt><dd data-testid="checkout-status"><StatusBadge status=subscription.status.clone() /></dd></div>
                <div><dt class="text-slate-500">"Plan"</dt><dd>{subscription.plan.clone().unwrap_or(plan)}</dd></div>
                <div><dt class="text-slate-500">"Customer"</dt><dd>{customer_name}</dd></div>
                {subscription.trial_end.map(|at| view! { <div><dt class="text-slate-500">"Trial ends"</dt><dd><Time at /></dd></div> })}
                {subscription.current_period_end.map(|at| view! { <div><dt class="text-slate-500">"Current period ends"</dt><dd><Time at /></dd></div> })}
            </dl>
            <div class="mt-6 flex flex-wrap gap-3">
                <a href=customer_href class=PRIMARY>"Open the customer's page"</a>
                <a href="/billing" class=SECONDARY>"Billing overview"</a>
            </div>
        </section>
    }
}

#[component]
fn Cancelled(state: CheckoutState) -> impl IntoView {
    let customer_href = format!("/billing/customers/{}", state.customer_id);
    if state.status == "complete" {
        return view! {
            <section class=PANEL data-testid="checkout-completed-anyway">
                <h2 class="text-lg font-semibold">"This checkout was completed after all"</h2>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{format!("Stripe says {} paid for {}; see the subscription on their page.", state.customer_name, state.plan)}</p>
                <a href=customer_href class=format!("{PRIMARY} mt-4")>"Open the customer's page"</a>
            </section>
        }
        .into_any();
    }
    view! {
        <section class=PANEL data-testid="checkout-cancelled">
            <h2 class="text-lg font-semibold">"Checkout cancelled: nothing was charged"</h2>
            <dl class="mt-4 space-y-2 text-sm">
                <div><dt class="text-slate-500">"Plan"</dt><dd>{state.plan}</dd></div>
                <div><dt class="text-slate-500">"Customer"</dt><dd>{state.customer_name.clone()}</dd></div>
            </dl>
            <a href=customer_href class=format!("{PRIMARY} mt-4")>{format!("Back to {} to try again", state.customer_name)}</a>
        </section>
    }
    .into_any()
}
