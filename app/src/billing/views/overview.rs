//! `/billing`: who limits the organisation and on which plan, where it stands with its payments,
//! what it uses against its limits, and what needs attention (Stripe, failed webhook events).

use leptos::prelude::*;

use super::subnav::BillingNav;
use super::{NotConnectedNotice, StatusBadge, PRIMARY};
use crate::billing::api::get_billing_overview;
use crate::billing::types::{CustomerSummary, Overview, Standing, SubscriptionView, Usage};
use crate::pages::ErrorPanel;
use crate::ui::card::{Card, StatCard};
use crate::ui::time::Time;
use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

#[component]
pub fn BillingOverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_billing_overview());
    view! {
        <BillingNav />
        <PageHeader title="Billing" description=Module::Billing.summary() />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <OverviewBody overview /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let not_connected = (!overview.connected).then(|| view! { <NotConnectedNotice /> });
    let failed = (overview.failed_events > 0).then(|| {
        view! {
            <p role="alert" data-testid="failed-events" class="mb-6 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
                {format!("{} Stripe event(s) could not be processed. ", overview.failed_events)}
                <a href="/billing/events?status=failed" class="font-semibold underline">"See the failed events"</a>
            </p>
        }
    });
    if overview.plans == 0 && overview.customers == 0 {
        return view! {
            {not_connected}
            <EmptyState
                module=Module::Billing
                title="Nothing to bill yet"
                body="Create a plan with its prices, trial and limits; then add the customer you sell it to and send them to Stripe Checkout."
            >
                <a href="/billing/plans/new" class=PRIMARY>"Create the first plan"</a>
            </EmptyState>
        }
        .into_any();
    }
    view! {
        {not_connected}
        {failed}
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <Card title="Organisation">
                <Owner customer=overview.customer />
                <div class="mt-4" data-testid="standing"><StandingText standing=overview.standing /></div>
            </Card>
            <Card title="Subscription">
                <Subscription subscription=overview.subscription />
            </Card>
            <div class="lg:col-span-2">
                <Card title="Usage">
                    <UsageTable usage=overview.usage />
                </Card>
            </div>
            <a href="/billing/plans" class="block"><StatCard label="Plans" value=overview.plans hint="Sold through Stripe Checkout" test_id="plan-count" /></a>
            <a href="/billing/customers" class="block"><StatCard label="Customers" value=overview.customers hint="People and companies you bill" test_id="customer-count" /></a>
        </div>
    }
    .into_any()
}

#[component]
fn Owner(customer: Option<CustomerSummary>) -> impl IntoView {
    match customer {
        Some(customer) => view! {
            <p class="text-sm" data-testid="owning-customer">
                "Limited by the plan of "
                <a href=format!("/billing/customers/{}", customer.id) class="font-semibold text-indigo-700 hover:underline dark:text-indigo-300">{customer.name}</a>
                {(!customer.company.is_empty()).then(|| format!(" ({})", customer.company))}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="text-sm" data-testid="not-metered">
                "This organisation is not metered: nothing is limited. To meter it, open a "
                <a href="/billing/customers" class="font-semibold text-indigo-700 hover:underline dark:text-indigo-300">"customer"</a>
                " and choose \u{201c}Limits this organisation\u{201d}."
            </p>
        }
        .into_any(),
    }
}

#[component]
fn StandingText(standing: Standing) -> impl IntoView {
    let (good, bad) = (
        "text-emerald-700 dark:text-emerald-400",
        "text-red-700 dark:text-red-400",
    );
    match standing {
        Standing::Unmetered => view! {
            <p class="text-sm text-slate-600 dark:text-slate-400">"Standing: not metered. Creations are not limited by any plan."</p>
        }
        .into_any(),
        Standing::Good => view! {
            <p class="text-sm"><span class=format!("font-semibold {good}")>"Good standing. "</span>"The plan is paid or in its trial: creations are allowed up to its limits."</p>
        }
        .into_any(),
        Standing::NoPlan => view! {
            <p class="text-sm"><span class=format!("font-semibold {bad}")>"No plan. "</span>"The customer has no live subscription: creations are blocked until the customer subscribes."</p>
        }
        .into_any(),
        Standing::PastDue { since, blocks_at, blocked: true } => view! {
            <p class="text-sm">
                <span class=format!("font-semibold {bad}")>"Payment overdue. "</span>
                "A payment failed on " <Time at=since /> "; since " <Time at=blocks_at />
                " new services and containers are blocked until it is paid. Running services keep running."
            </p>
        }
        .into_any(),
        Standing::PastDue { since, blocks_at, blocked: false } => view! {
            <p class="text-sm">
                <span class="font-semibold text-amber-700 dark:text-amber-400">"Payment failed. "</span>
                "A payment failed on " <Time at=since /> ". Creations stay allowed until " <Time at=blocks_at />
                "; after that they are blocked until it is paid. Running services keep running."
            </p>
        }
        .into_any(),
    }
}

#[component]
fn Subscription(subscription: Option<SubscriptionView>) -> impl IntoView {
    let Some(sub) = subscription else {
        return view! {
            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="no-subscription">
                "No live subscription. Open the customer that limits this organisation to subscribe them to a plan."
            </p>
        }
        .into_any();
    };
    view! {
        <dl class="space-y-2 text-sm" data-testid="subscription">
            <div><dt class="text-slate-500">"Plan"</dt><dd class="font-medium">{sub.plan.unwrap_or_else(|| "Unknown plan".into())}</dd></div>
            <div><dt class="text-slate-500">"Status"</dt><dd><StatusBadge status=sub.status /></dd></div>
            {sub.current_period_end.map(|at| view! { <div><dt class="text-slate-500">"Current period ends"</dt><dd><Time at /></dd></div> })}
            {sub.trial_end.map(|at| view! { <div><dt class="text-slate-500">"Trial ends"</dt><dd><Time at /></dd></div> })}
            {sub.cancel_at_period_end.then(|| view! { <div><dt class="text-slate-500">"Renewal"</dt><dd class="text-amber-700 dark:text-amber-400">"Cancels at the end of the period"</dd></div> })}
        </dl>
    }
    .into_any()
}

#[component]
fn UsageTable(usage: Vec<Usage>) -> impl IntoView {
    if usage.is_empty() {
        return view! { <p class="text-sm text-slate-500">"No limit applies."</p> }.into_any();
    }
    view! {
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm" data-testid="usage">
                <thead class="text-xs uppercase text-slate-500">
                    <tr><th scope="col" class="py-2 pr-4">"What"</th><th scope="col" class="py-2 pr-4">"Used"</th><th scope="col" class="py-2 pr-4">"Limit"</th><th scope="col" class="w-1/3 py-2">"Of the limit"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {usage.into_iter().map(|row| view! {
                        <tr data-testid="usage-row" data-key=row.key.clone()>
                            <td class="py-2 pr-4 font-medium">{row.label.clone()}</td>
                            <td class="py-2 pr-4 tabular-nums">{row.used.map_or_else(|| "not counted yet".to_owned(), |used| used.to_string())}</td>
                            <td class="py-2 pr-4 tabular-nums">{row.limit.map_or_else(|| "unlimited".to_owned(), |limit| limit.to_string())}</td>
                            <td class="py-2"><UsageBar used=row.used limit=row.limit /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "n of m" with a bar, red once the limit is reached.
#[component]
fn UsageBar(used: Option<i64>, limit: Option<i64>) -> impl IntoView {
    let (Some(used), Some(limit)) = (used, limit) else {
        return view! { <span class="text-xs text-slate-500">"—"</span> }.into_any();
    };
    let percent = if limit <= 0 {
        100
    } else {
        (used.saturating_mul(100) / limit).clamp(0, 100)
    };
    let colour = if used >= limit {
        "bg-red-500"
    } else if percent >= 80 {
        "bg-amber-500"
    } else {
        "bg-indigo-500"
    };
    view! {
        <div class="flex items-center gap-3">
            <div aria-hidden="true" class="h-2 flex-1 rounded-full bg-slate-100 dark:bg-slate-800">
                <div class=format!("h-2 rounded-full {colour}") style=format!("width: {percent}%")></div>
            </div>
            <span class="whitespace-nowrap text-xs tabular-nums">{format!("{used} of {limit}")}</span>
        </div>
    }
    .into_any()
}
