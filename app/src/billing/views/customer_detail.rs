//! `/billing/customers/:id`: a customer, their subscriptions (manage them in Stripe's portal, or
//! subscribe through Stripe Checkout), their invoices as Stripe has them, and their checkouts.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::row_action::{RowAction, RowActionButton};
use super::subnav::BillingNav;
use super::{price_text, StatusBadge, DANGER, PRIMARY, SECONDARY};
use crate::billing::api::{get_customer, LinkCustomer, OpenBillingPortal, StartCheckout};
use crate::billing::types::{
    format_money, CheckoutView, CustomerDetail, CustomerSummary, Invoices, PlanView, SubscriptionView,
};
use crate::pages::ErrorPanel;
use crate::ui::card::Card;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, FormAlert};
use crate::ui::page_header::PageHeader;
use crate::ui::time::Time;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_customer);
    view! {
        <BillingNav />
        <PageHeader title="Customer" description="Subscriptions and invoices as Stripe has them; card details stay with Stripe." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(detail: CustomerDetail) -> impl IntoView {
    let customer = detail.customer;
    let has_live = detail.subscriptions.iter().any(SubscriptionView::is_live);
    let sellable = detail
        .plans
        .iter()
        .any(|plan| plan.prices.iter().any(|price| price.active));
    let portal = customer.stripe_customer_id.is_some().then(|| {
        view! {
            <div class="flex flex-wrap items-start gap-3">
                <ManageSubscriptionButton customer=customer.id.clone() />
                <RowActionButton action=RowAction::RefreshCustomer id=customer.id.clone() />
            </div>
        }
    });
    let subscribe = match (detail.connected && !has_live, sellable) {
        (false, _) => None,
        (true, true) => Some(view! { <SubscribeForm customer=customer.id.clone() plans=detail.plans /> }.into_any()),
        (true, false) => Some(view! {
            <p class="text-sm text-slate-600 dark:text-slate-400">"No plan is for sale yet. "<a href="/billing/plans/new" class="font-semibold text-indigo-600 dark:text-indigo-400">"Create a plan"</a></p>
        }.into_any()),
    };
    view! {
        <leptos_meta::Title text=customer.name.clone() />
        <div class="space-y-6">
            <HeaderCard customer=customer.clone() />
            <Card title="Subscription">
                <Subscriptions subscriptions=detail.subscriptions />
                <div class="mt-4 space-y-4">{portal}{subscribe}</div>
            </Card>
            <Card title="Invoices"><InvoiceTable invoices=detail.invoices /></Card>
            <Card title="Checkouts"><CheckoutTable checkouts=detail.checkouts /></Card>
        </div>
    }
}

#[component]
fn HeaderCard(customer: CustomerSummary) -> impl IntoView {
    view! {
        <section class="flex flex-wrap items-start justify-between gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <div>
                <h2 class="text-xl font-semibold" data-testid="customer-name">{customer.name}</h2>
                <p class="text-sm text-slate-600 dark:text-slate-400">{customer.email}{(!customer.company.is_empty()).then(|| format!(" · {}", customer.company))}</p>
                <p class="mt-2 text-xs text-slate-500" data-testid="stripe-customer">
                    {match customer.stripe_customer_id {
                        Some(id) => view! { "Stripe " <code class="font-mono">{id}</code> }.into_any(),
                        None => view! { "Not in Stripe yet: Gantry creates it there once Stripe is connected." }.into_any(),
                    }}
                </p>
            </div>
            <LinkCustomerButton id=customer.id owns=customer.owns_org />
        </section>
    }
}

#[component]
fn Subscriptions(subscriptions: Vec<SubscriptionView>) -> impl IntoView {
    if subscriptions.is_empty() {
        return view! { <p class="text-sm text-slate-500" data-testid="no-subscription">"No subscription yet."</p> }
            .into_any();
    }
    let item = |label: &'static str, at: Option<String>| at.map(|at| view! { <span>{label}" "<Time at /></span> });
    view! {
        <ul role="list" class="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {subscriptions.into_iter().map(|sub| view! {
                <li class="space-y-1 py-3" data-testid="subscription" data-status=sub.status.clone()>
                    <p class="flex flex-wrap items-center gap-2">
                        <span class="font-medium">{sub.plan.clone().unwrap_or_else(|| "Unknown plan".into())}</span>
                        <StatusBadge status=sub.status.clone() />
                        {sub.cancel_at_period_end.then(|| view! { <span class="text-xs text-amber-700 dark:text-amber-400">"Cancels at the end of the period"</span> })}
                    </p>
                    <p class="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
                        {item("Period ends", sub.current_period_end)}
                        {item("Trial ends", sub.trial_end)}
                        {item("Past due since", sub.past_due_since)}
                        {item("Canceled", sub.canceled_at)}
                        {item("synced", Some(sub.synced_at))}
                    </p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn InvoiceTable(invoices: Invoices) -> impl IntoView {
    let stale = invoices.stale_because.map(|reason| view! {
        <p role="status" data-testid="invoices-stale" class="mb-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
            {format!("Showing Gantry's copy: Stripe did not answer ({reason})")}
        </p>
    });
    if invoices.items.is_empty() {
        return view! { {stale}<p class="text-sm text-slate-500">"No invoices yet: Stripe issues the first one when a subscription starts or a trial ends."</p> }.into_any();
    }
    view! {
        {stale}
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm" data-testid="invoices">
                <thead class="text-xs uppercase text-slate-500">
                    <tr><th class="py-2 pr-4">"Number"</th><th class="py-2 pr-4">"Created"</th><th class="py-2 pr-4">"Status"</th><th class="py-2 pr-4">"Due"</th><th class="py-2 pr-4">"Paid"</th><th class="py-2"></th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {invoices.items.into_iter().map(|invoice| view! {
                        <tr data-testid="invoice-row">
                            <td class="py-2 pr-4 font-mono text-xs">{invoice.number.unwrap_or_else(|| "Draft".into())}</td>
                            <td class="py-2 pr-4"><Time at=invoice.created /></td>
                            <td class="py-2 pr-4"><StatusBadge status=invoice.status /></td>
                            <td class="py-2 pr-4 tabular-nums">{format_money(invoice.amount_due, &invoice.currency)}</td>
                            <td class="py-2 pr-4 tabular-nums">{format_money(invoice.amount_paid, &invoice.currency)}</td>
                            <td class="py-2 text-right">{invoice.hosted_url.map(|url| view! {
                                <a href=url target="_blank" rel="noopener" class="font-semibold text-indigo-600 hover:underline dark:text-indigo-400">"View"</a>
                            })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn CheckoutTable(checkouts: Vec<CheckoutView>) -> impl IntoView {
    if checkouts.is_empty() {
        return view! { <p class="text-sm text-slate-500">"No checkout started yet."</p> }.into_any();
    }
    view! {
        <div class="overflow-x-auto">
            <table class="min-w-full text-left text-sm" data-testid="checkouts">
                <thead class="text-xs uppercase text-slate-500">
                    <tr><th class="py-2 pr-4">"Session"</th><th class="py-2 pr-4">"Plan"</th><th class="py-2 pr-4">"Status"</th><th class="py-2 pr-4">"Created"</th><th class="py-2">"By"</th></tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {checkouts.into_iter().map(|checkout| view! {
                        <tr data-testid="checkout-row">
                            <td class="max-w-48 truncate py-2 pr-4 font-mono text-xs" title=checkout.session_id.clone()>{checkout.session_id.clone()}</td>
                            <td class="py-2 pr-4">{checkout.plan}</td>
                            <td class="py-2 pr-4"><StatusBadge status=checkout.status /></td>
                            <td class="py-2 pr-4"><Time at=checkout.created_at /></td>
                            <td class="py-2 text-slate-600 dark:text-slate-400">{checkout.created_by}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Makes this customer's plan limit the organisation, or stops it.
#[island]
fn LinkCustomerButton(id: String, owns: bool) -> impl IntoView {
    let action = ServerAction::<LinkCustomer>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    view! {
        <div class="flex max-w-xs flex-col items-end gap-2" data-ready=move || ready.get().to_string()>
            {owns.then(|| view! { <span data-testid="owns-org" class="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950/50 dark:text-indigo-300">"Limits this organisation"</span> })}
            <button type="button" data-testid="link-customer" class={if owns { DANGER } else { SECONDARY }} disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(LinkCustomer { id: id.clone(), owns: !owns }); }>
                {if owns { "Stop limiting this organisation" } else { "Limits this organisation" }}
            </button>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
        </div>
    }
}

/// Opens Stripe's billing portal, where the customer changes card, plan or cancels.
#[island]
fn ManageSubscriptionButton(customer: String) -> impl IntoView {
    let action = ServerAction::<OpenBillingPortal>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    view! {
        <div class="space-y-2" data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <button type="button" data-testid="manage-subscription" class=SECONDARY disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(OpenBillingPortal { customer: customer.clone() }); }>
                {move || if action.pending().get() { "Opening Stripe…" } else { "Manage subscription" }}
            </button>
        </div>
    }
}

/// Chooses a plan price and sends the customer to Stripe Checkout.
#[island]
fn SubscribeForm(customer: String, plans: Vec<PlanView>) -> impl IntoView {
    let action = ServerAction::<StartCheckout>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let choices: Vec<(String, String)> = plans
        .iter()
        .flat_map(|plan| {
            let trial = if plan.trial_days > 0 {
                format!(", {}-day trial", plan.trial_days)
            } else {
                String::new()
            };
            plan.prices.iter().filter(|price| price.active).map(move |price| {
                (
                    price.id.clone(),
                    format!("{} — {}{trial}", plan.name, price_text(price)),
                )
            })
        })
        .collect();
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="subscribe-form">
            <ActionForm action=action attr:class="space-y-3">
                <input type="hidden" name="customer" value=customer />
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <fieldset>
                    <legend class="text-sm font-medium">"Subscribe to a plan"</legend>
                    <div class="mt-2 space-y-2">
                        {choices.into_iter().enumerate().map(|(index, (price, label))| view! {
                            <label class="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
                                <input type="radio" name="price" value=price checked={index == 0} />
                                {label}
                            </label>
                        }).collect_view()}
                    </div>
                    <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || value.with(|v| field_message(v, "price"))}</p>
                </fieldset>
                <button type="submit" data-testid="start-checkout" class=PRIMARY disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Opening Stripe Checkout…" } else { "Continue to Stripe Checkout" }}
                </button>
            </ActionForm>
        </div>
    }
}
