//! Billing: the business sells plans to its own customers through Stripe.
//!
//! Plans (prices in integer minor units, trial days, limits) are pushed to Stripe as Products and
//! Prices; customers buy them in Stripe Checkout and manage them in Stripe's billing portal; Stripe's
//! webhooks (`/webhooks/stripe`, signature-checked) land in an inbox and are processed in order,
//! re-reading each subscription and invoice from Stripe so Gantry's copy converges to Stripe's
//! whatever order events arrive in. The plan of the customer that owns the organisation limits
//! what can be created; a failed payment shows a banner and, after a grace period, blocks new
//! creations (never running services). No card data ever reaches Gantry.
//!
//! Pages: `/billing` (overview), `/billing/plans`, `/billing/customers`, `/billing/events`,
//! `/billing/settings`, and the checkout success and cancel pages.

mod api;
mod money;
mod plan_limits;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use api::*;
pub use views::{
    BillingBanner, BillingOverviewPage, BillingSettingsPage, CheckoutCancelPage, CheckoutSuccessPage, CustomerPage,
    CustomersPage, EventsPage, NewCustomerPage, PlanEditPage, PlanLimitNotice, PlansPage,
};
