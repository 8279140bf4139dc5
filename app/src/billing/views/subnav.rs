//! The row of links at the top of every billing page, with the current section marked.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

const SECTIONS: [(&str, &str); 5] = [
    ("Overview", "/billing"),
    ("Plans", "/billing/plans"),
    ("Customers", "/billing/customers"),
    ("Events", "/billing/events"),
    ("Settings", "/billing/settings"),
];

/// The billing sub-navigation, rendered on the server.
#[component]
pub fn BillingNav() -> impl IntoView {
    let current = section_of(&use_location().pathname.get_untracked());
    let links = SECTIONS
        .into_iter()
        .map(|(label, href)| {
            let here = href == current;
            let class = if here {
                "inline-block border-b-2 border-indigo-600 px-3 py-2 text-sm font-semibold text-indigo-700 dark:border-indigo-400 dark:text-indigo-300"
            } else {
                "inline-block border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:border-slate-300 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
            };
            view! {
                <li><a href=href class=class aria-current=here.then_some("true")>{label}</a></li>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Billing" data-testid="billing-nav" class="mb-6 border-b border-slate-200 dark:border-slate-800">
            <ul role="list" class="-mb-px flex flex-wrap gap-1">{links}</ul>
        </nav>
    }
}

/// The section a billing path belongs to (checkouts belong to customers).
fn section_of(path: &str) -> &'static str {
    let rest = path.strip_prefix("/billing").unwrap_or_default();
    match rest.split('/').nth(1).unwrap_or_default() {
        "plans" => "/billing/plans",
        "customers" | "checkout" => "/billing/customers",
        "events" => "/billing/events",
        "settings" => "/billing/settings",
        _ => "/billing",
    }
}
