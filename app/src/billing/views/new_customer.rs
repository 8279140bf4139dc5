//! `/billing/customers/new`: name, email, company, and whether this customer's plan limits the
//! organisation. Gantry creates the Stripe customer when Stripe is connected.

use leptos::prelude::*;

use super::subnav::BillingNav;
use super::SECONDARY;
use crate::billing::api::CreateCustomer;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};
use crate::ui::page_header::PageHeader;

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    view! {
        <BillingNav />
        <PageHeader title="New customer" description="Who you sell a plan to; their card details stay with Stripe and never reach Gantry." />
        <NewCustomerForm />
    }
}

#[island]
fn NewCustomerForm() -> impl IntoView {
    let action = ServerAction::<CreateCustomer>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="new-customer-form">
            <ActionForm action=action attr:class="max-w-2xl space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                <Field label="Name" name="form[name]" autocomplete="off" help="A person or the account's contact" error=error("name") />
                <Field label="Email" name="form[email]" kind="email" autocomplete="off" help="Stripe sends receipts and invoices here" error=error("email") />
                <Field label="Company" name="form[company]" autocomplete="off" help="Optional" error=error("company") />
                <div>
                    <label class="flex items-start gap-2 text-sm">
                        <input type="checkbox" name="form[owns_org]" value="true" class="mt-0.5" />
                        <span>
                            "This customer's plan limits this organisation"
                            <span class="block text-xs text-slate-500 dark:text-slate-400">"Its plan's limits then apply to what can be created in this panel."</span>
                        </span>
                    </label>
                    <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || error("owns_org").get()}</p>
                </div>
                <div class="flex items-center gap-3">
                    <div class="w-48"><SubmitButton label="Create customer" busy_label="Creating…" pending=action.pending() /></div>
                    <a href="/billing/customers" class=SECONDARY>"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}
