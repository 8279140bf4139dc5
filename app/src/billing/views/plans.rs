//! `/billing/plans`: every plan with its prices, trial, limits, Stripe sync state and
//! subscribers; retry a failed sync, archive a plan; then the pricing table as customers see it.

use leptos::prelude::*;

use super::pricing_table::PricingTable;
use super::row_action::{RowAction, RowActionButton};
use super::subnav::BillingNav;
use super::{price_text, NotConnectedNotice, StatusBadge, DANGER, PRIMARY, SECONDARY};
use crate::billing::api::{list_plans, ArchivePlan};
use crate::billing::types::{format_money, PlanList, PlanView, PriceView};
use crate::pages::ErrorPanel;
use crate::ui::form::{form_message, go_to_on_success, hydrated};
use crate::ui::time::Time;
use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

#[component]
pub fn PlansPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_plans());
    view! {
        <BillingNav />
        <div class="flex flex-wrap items-start justify-between gap-4">
            <PageHeader title="Plans" description="What you sell: prices kept in Stripe, a free trial, and the limits each plan gives." />
            <a href="/billing/plans/new" class=PRIMARY data-testid="new-plan">"New plan"</a>
        </div>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <Listing list /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Listing(list: PlanList) -> impl IntoView {
    let not_connected = (!list.connected).then(|| view! { <NotConnectedNotice /> });
    if list.plans.is_empty() {
        return view! {
            {not_connected}
            <EmptyState
                module=Module::Billing
                title="No plans yet"
                body="A plan has a monthly and/or yearly price, an optional free trial, and limits on what a customer may create."
            >
                <a href="/billing/plans/new" class=PRIMARY>"Create the first plan"</a>
            </EmptyState>
        }
        .into_any();
    }
    let for_sale: Vec<PlanView> = list.plans.iter().filter(|plan| !plan.archived).cloned().collect();
    view! {
        {not_connected}
        <div class="space-y-4" data-testid="plans">
            {list.plans.into_iter().map(|plan| view! { <PlanCard plan /> }).collect_view()}
        </div>
        <section class="mt-10" aria-labelledby="pricing-preview-title">
            <h2 id="pricing-preview-title" class="text-lg font-semibold">"Pricing table preview"</h2>
            <p class="mb-4 mt-1 text-sm text-slate-600 dark:text-slate-400">"The plans for sale, side by side, as a customer would see them."</p>
            <PricingTable plans=for_sale />
        </section>
    }
    .into_any()
}

#[component]
fn PlanCard(plan: PlanView) -> impl IntoView {
    let (active, history): (Vec<PriceView>, Vec<PriceView>) =
        plan.prices.iter().cloned().partition(|price| price.active);
    let synced = plan.sync_status == "synced";
    let edit = format!("/billing/plans/{}", plan.id);
    let trial = match plan.trial_days {
        0 => "No free trial".to_owned(),
        days => format!("{days}-day free trial"),
    };
    view! {
        <article id=format!("plan-{}", plan.id) data-testid="plan-card" data-slug=plan.slug.clone() class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <div class="flex flex-wrap items-start justify-between gap-4">
                <div class="min-w-0">
                    <h2 class="flex flex-wrap items-center gap-2 text-lg font-semibold">
                        <span data-testid="plan-name">{plan.name.clone()}</span>
                        {plan.archived.then(|| view! { <span data-testid="plan-archived" class="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">"Archived"</span> })}
                    </h2>
                    <p class="font-mono text-xs text-slate-500">{plan.slug.clone()}</p>
                    <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{plan.description.clone()}</p>
                </div>
                <div class="flex gap-2">
                    <a href=edit class=SECONDARY data-testid="edit-plan">"Edit"</a>
                    {(!plan.archived).then(|| view! { <ArchivePlanButton id=plan.id.clone() name=plan.name.clone() /> })}
                </div>
            </div>
            <dl class="mt-4 grid grid-cols-1 gap-4 text-sm sm:grid-cols-4">
                <div>
                    <dt class="text-slate-500">"Prices"</dt>
                    <dd data-testid="plan-prices">
                        {if active.is_empty() {
                            view! { <span class="text-slate-500">"No active price"</span> }.into_any()
                        } else {
                            active.iter().map(|price| view! { <p class="tabular-nums">{price_text(price)}</p> }).collect_view().into_any()
                        }}
                    </dd>
                </div>
                <div><dt class="text-slate-500">"Trial"</dt><dd>{trial}</dd></div>
                <div>
                    <dt class="text-slate-500">"Limits"</dt>
                    <dd>
                        {if plan.limits.is_empty() {
                            view! { <span>"Unlimited"</span> }.into_any()
                        } else {
                            view! {
                                <ul data-testid="plan-limits">
                                    {plan.limits.iter().map(|limit| view! { <li>{format!("{}: {}", limit.label, limit.value)}</li> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                    </dd>
                </div>
                <div><dt class="text-slate-500">"Subscribers"</dt><dd class="tabular-nums" data-testid="plan-subscribers">{plan.subscribers}</dd></div>
            </dl>
            <div class="mt-4 flex flex-wrap items-center gap-3 text-sm" data-testid="plan-sync">
                <span class="text-slate-500">"Stripe"</span>
                <StatusBadge status=plan.sync_status.clone() />
                {plan.stripe_product_id.clone().map(|id| view! { <code class="font-mono text-xs text-slate-500">{id}</code> })}
                {plan.sync_error.clone().map(|error| view! { <span data-testid="sync-error" class="text-red-700 dark:text-red-400">{error}</span> })}
                {(!synced).then(|| view! { <RowActionButton action=RowAction::RetrySync id=plan.id.clone() /> })}
            </div>
            {(!history.is_empty()).then(|| view! { <PriceHistory prices=history /> })}
        </article>
    }
}

#[component]
fn PriceHistory(prices: Vec<PriceView>) -> impl IntoView {
    view! {
        <details class="mt-4 text-sm">
            <summary class="cursor-pointer font-medium text-slate-600 dark:text-slate-400">"Price history"</summary>
            <table class="mt-2 min-w-full text-left text-sm" data-testid="price-history">
                <thead class="text-xs uppercase text-slate-500">
                    <tr><th scope="col" class="py-1 pr-4">"Amount"</th><th scope="col" class="py-1 pr-4">"Interval"</th><th scope="col" class="py-1 pr-4">"Created"</th><th scope="col" class="py-1">"State"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {prices.into_iter().map(|price| view! {
                        <tr>
                            <td class="py-1 pr-4 tabular-nums">{format_money(price.unit_amount, &price.currency)}</td>
                            <td class="py-1 pr-4">{if price.interval == "year" { "Yearly" } else { "Monthly" }}</td>
                            <td class="py-1 pr-4"><Time at=price.created_at /></td>
                            <td class="py-1 text-slate-500">"Archived"</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// Archives a plan after a confirmation: no new checkouts, existing subscriptions carry on.
#[island]
fn ArchivePlanButton(id: String, name: String) -> impl IntoView {
    let action = ServerAction::<ArchivePlan>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let archive = move |_| {
        let question =
            format!("Archive {name}? It can no longer be bought; subscriptions already on it carry on in Stripe.");
        if window().confirm_with_message(&question).unwrap_or(false) {
            action.dispatch(ArchivePlan { id: id.clone() });
        }
    };
    view! {
        <span class="inline-flex flex-col items-end gap-1" data-ready=move || ready.get().to_string()>
            <button type="button" class=DANGER data-testid="archive-plan" disabled=move || action.pending().get() on:click=archive>
                {move || if action.pending().get() { "Archiving…" } else { "Archive" }}
            </button>
            <Show when=move || value.with(|v| matches!(v, Some(Err(_))))>
                <span role="alert" class="text-xs text-red-600 dark:text-red-400">{move || value.with(form_message)}</span>
            </Show>
        </span>
    }
}
