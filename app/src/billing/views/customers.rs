//! `/billing/customers`: every customer with their plan and subscription status, which one limits
//! the organisation, and which are not in Stripe yet.

use leptos::prelude::*;

use super::subnav::BillingNav;
use super::{StatusBadge, PRIMARY};
use crate::billing::api::list_customers;
use crate::billing::types::CustomerSummary;
use crate::pages::ErrorPanel;
use crate::ui::time::Time;
use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

#[component]
pub fn CustomersPage() -> impl IntoView {
    let customers = Resource::new(|| (), |_| list_customers());
    view! {
        <BillingNav />
        <div class="flex flex-wrap items-start justify-between gap-4">
            <PageHeader title="Customers" description="The people and companies you bill, with their plans and standing." />
            <a href="/billing/customers/new" class=PRIMARY data-testid="new-customer">"New customer"</a>
        </div>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match customers.await {
                    Ok(customers) if customers.is_empty() => view! {
                        <EmptyState
                            module=Module::Billing
                            title="No customers yet"
                            body="A customer is who you sell a plan to: Gantry creates them in Stripe, sends them to Checkout, and follows their subscription."
                        >
                            <a href="/billing/customers/new" class=PRIMARY>"Add the first customer"</a>
                        </EmptyState>
                    }
                    .into_any(),
                    Ok(customers) => view! { <Table customers /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Table(customers: Vec<CustomerSummary>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full text-left text-sm" data-testid="customers">
                <thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="px-4 py-3">"Customer"</th>
                        <th scope="col" class="px-4 py-3">"Company"</th>
                        <th scope="col" class="px-4 py-3">"Plan"</th>
                        <th scope="col" class="px-4 py-3">"Status"</th>
                        <th scope="col" class="px-4 py-3">"Notes"</th>
                        <th scope="col" class="px-4 py-3">"Created"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {customers.into_iter().map(|customer| view! {
                        <tr data-testid="customer-row" data-id=customer.id.clone()>
                            <td class="px-4 py-3">
                                <a href=format!("/billing/customers/{}", customer.id) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{customer.name}</a>
                                <p class="text-xs text-slate-500 dark:text-slate-400">{customer.email}</p>
                            </td>
                            <td class="px-4 py-3">{customer.company}</td>
                            <td class="px-4 py-3">{customer.plan.unwrap_or_else(|| "—".into())}</td>
                            <td class="px-4 py-3">
                                {match customer.status {
                                    Some(status) => view! { <StatusBadge status /> }.into_any(),
                                    None => view! { <span class="text-xs text-slate-500">"No subscription"</span> }.into_any(),
                                }}
                            </td>
                            <td class="px-4 py-3">
                                <div class="flex flex-wrap gap-1">
                                    {customer.owns_org.then(|| view! {
                                        <span data-testid="owns-org" class="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950/50 dark:text-indigo-300">"Limits this organisation"</span>
                                    })}
                                    {customer.stripe_customer_id.is_none().then(|| view! {
                                        <span data-testid="not-in-stripe" class="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-950/50 dark:text-amber-300">"Not in Stripe yet"</span>
                                    })}
                                </div>
                            </td>
                            <td class="px-4 py-3 text-xs text-slate-600 dark:text-slate-400"><Time at=customer.created_at /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
