//! The payment-trouble banner every signed-in page shows, and the upgrade link the create forms
//! show when the plan refused a creation.

use leptos::prelude::*;

use crate::billing::api::get_billing_banner;
use crate::billing::types::BannerState;
use crate::ui::time::Time;

/// Says a payment failed and what it blocks, with the way to fix it; nothing when all is well
/// (or when the state cannot be read: the banner never breaks a page).
#[component]
pub fn BillingBanner() -> impl IntoView {
    let banner = Resource::new(|| (), |_| get_billing_banner());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match banner.await {
                    Ok(Some(state)) => view! { <Banner state /> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Banner(state: BannerState) -> impl IntoView {
    let tone = if state.blocked {
        "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200"
    } else {
        "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
    };
    let href = format!("/billing/customers/{}", state.customer_id);
    let message = if state.blocked {
        view! { "New services and containers are blocked until the overdue payment is made; running services keep running." }.into_any()
    } else {
        view! {
            "A payment failed on " <Time at=state.since /> ". New services and containers are blocked from "
            <Time at=state.blocks_at /> " until it is paid; running services keep running."
        }
        .into_any()
    };
    view! {
        <div role="alert" data-testid="billing-banner" data-blocked=state.blocked.to_string() class=format!("mb-4 rounded-md border px-4 py-3 text-sm {tone}")>
            <p class="font-medium">{message}</p>
            <p class="mt-1 text-xs"><a href=href class="font-semibold underline">"Update payment"</a></p>
        </div>
    }
}

/// The link to the billing page, shown under a form whose creation the plan refused.
#[component]
pub fn PlanLimitNotice(#[prop(into)] show: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || show.get()>
            <p class="text-sm">
                <a href="/billing" data-testid="upgrade-link" class="font-semibold text-indigo-600 hover:underline dark:text-indigo-400">
                    "See plans and upgrade"
                </a>
            </p>
        </Show>
    }
}
