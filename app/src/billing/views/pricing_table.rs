//! The pricing table preview: the plans for sale side by side, as a customer would see them.

use leptos::prelude::*;

use crate::billing::types::{format_money, PlanView};

/// One column per plan: name, monthly price, yearly price, trial, limits; the Subscribe button
/// is disabled because this is only a preview.
#[component]
pub fn PricingTable(plans: Vec<PlanView>) -> impl IntoView {
    if plans.is_empty() {
        return view! {
            <p data-testid="pricing-preview" class="rounded-xl border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
                "No plan is for sale: every plan is archived."
            </p>
        }
        .into_any();
    }
    view! {
        <div data-testid="pricing-preview" class="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {plans.into_iter().map(|plan| view! { <Column plan /> }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn Column(plan: PlanView) -> impl IntoView {
    let amount = |interval: &str| {
        plan.price(interval)
            .map(|price| format_money(price.unit_amount, &price.currency))
    };
    let (monthly, yearly) = (amount("month"), amount("year"));
    let headline = match (&monthly, &yearly) {
        (Some(monthly), _) => view! {
            <p class="mt-4"><span class="text-3xl font-bold tabular-nums">{monthly.clone()}</span><span class="text-sm text-slate-500">" / month"</span></p>
        }
        .into_any(),
        (None, Some(yearly)) => view! {
            <p class="mt-4"><span class="text-3xl font-bold tabular-nums">{yearly.clone()}</span><span class="text-sm text-slate-500">" / year"</span></p>
        }
        .into_any(),
        (None, None) => view! { <p class="mt-4 text-sm text-slate-500">"No price yet"</p> }.into_any(),
    };
    let yearly_line = monthly.and(yearly).map(|yearly| {
        view! { <p class="mt-1 text-sm text-slate-600 dark:text-slate-400 tabular-nums">{format!("or {yearly} / year")}</p> }
    });
    let trial = (plan.trial_days > 0).then(|| {
        view! { <p class="mt-2 text-sm font-medium text-emerald-700 dark:text-emerald-400">{format!("{}-day free trial", plan.trial_days)}</p> }
    });
    let note_id = format!("preview-note-{}", plan.id);
    view! {
        <div data-testid="pricing-column" class="flex flex-col rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <h3 class="text-base font-semibold">{plan.name.clone()}</h3>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{plan.description.clone()}</p>
            {headline}
            {yearly_line}
            {trial}
            <ul role="list" class="mt-4 flex-1 space-y-2 text-sm">
                {if plan.limits.is_empty() {
                    view! { <li class="flex gap-2"><Check />"No limits"</li> }.into_any()
                } else {
                    plan.limits.iter().map(|limit| view! {
                        <li class="flex gap-2"><Check />{format!("{}: {}", limit.label, limit.value)}</li>
                    }).collect_view().into_any()
                }}
            </ul>
            <button type="button" disabled=true aria-describedby=note_id.clone() class="mt-6 w-full cursor-not-allowed rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white opacity-60">
                "Subscribe"
            </button>
            <p id=note_id class="mt-2 text-center text-xs text-slate-500">"Preview only: customers subscribe through Stripe Checkout from their page."</p>
        </div>
    }
}

#[component]
fn Check() -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" class="mt-0.5 h-4 w-4 shrink-0 text-indigo-600 dark:text-indigo-400">
            <path fill-rule="evenodd" d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" clip-rule="evenodd" />
        </svg>
    }
}
