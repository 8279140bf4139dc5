//! Pages of the billing module, and what they share: button classes, the status badge, the
//! "Stripe is not connected" notice, price wording and the page reload after an action.

mod banner;
mod checkout;
mod customer_detail;
mod customers;
mod events;
mod new_customer;
mod overview;
mod plan_edit;
mod plans;
mod pricing_table;
mod row_action;
mod settings;
mod subnav;

pub use banner::{BillingBanner, PlanLimitNotice};
pub use checkout::{CheckoutCancelPage, CheckoutSuccessPage};
pub use customer_detail::CustomerPage;
pub use customers::CustomersPage;
pub use events::EventsPage;
pub use new_customer::NewCustomerPage;
pub use overview::BillingOverviewPage;
pub use plan_edit::PlanEditPage;
pub use plans::PlansPage;
pub use settings::BillingSettingsPage;

use leptos::prelude::*;

use crate::billing::types::{format_money, PriceView};

/// A primary action link or button.
const PRIMARY: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-wait disabled:opacity-70";
/// A secondary action.
const SECONDARY: &str = "inline-flex items-center justify-center gap-2 whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:cursor-wait disabled:opacity-70 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";
/// A destructive action.
const DANGER: &str = "inline-flex items-center justify-center gap-2 rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:cursor-wait disabled:opacity-70 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950";
/// A select or textarea, styled like the kit's inputs.
const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950";

/// The status of a subscription, invoice, checkout, webhook event or plan sync, as a word on a
/// coloured chip (the word is always there: colour is never the only signal).
#[component]
pub fn StatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let tone = match status.as_str() {
        "active" | "paid" | "processed" | "synced" | "complete" => {
            "bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950/50 dark:text-emerald-300"
        }
        "trialing" | "open" | "pending" => {
            "bg-sky-50 text-sky-800 ring-sky-600/20 dark:bg-sky-950/50 dark:text-sky-300"
        }
        "past_due" | "unpaid" | "failed" => {
            "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-950/50 dark:text-red-300"
        }
        _ => "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300",
    };
    let word = status.replace('_', " ");
    view! {
        <span data-status=status class=format!("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {tone}")>
            {word}
        </span>
    }
}

/// Shown where Stripe is not connected yet, with the way to connect it.
#[component]
fn NotConnectedNotice() -> impl IntoView {
    view! {
        <p role="status" data-testid="not-connected" class="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
            "Stripe is not connected yet: plans and customers are kept in Gantry and pushed to Stripe once it is. "
            <a href="/billing/settings" class="font-semibold underline">"Connect Stripe in billing settings"</a>
        </p>
    }
}

/// A price as people read it: "£12.00 / month".
fn price_text(price: &PriceView) -> String {
    let per = if price.interval == "year" { "year" } else { "month" };
    format!("{} / {per}", format_money(price.unit_amount, &price.currency))
}

/// Loads the current page again (without its fragment, so the browser really reloads it).
fn reload_page() {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    crate::ui::form::go_to(&format!("{path}{search}"));
}
