//! `/billing/plans/new` and `/billing/plans/:id`: the plan form (name, slug, description, trial,
//! currency, monthly and yearly amounts, limits). Saving pushes the plan to Stripe.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::subnav::BillingNav;
use super::{INPUT, SECONDARY};
use crate::billing::api::{get_plan, SavePlan};
use crate::billing::types::{minor_units_to_input, PlanForm, PlanView, CURRENCIES, LIMIT_KEYS};
use crate::pages::ErrorPanel;
use crate::ui::form::{field_message, form_message, go_to_on_success, hydrated, Field, FormAlert, SubmitButton};
use crate::ui::page_header::PageHeader;

#[component]
pub fn PlanEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id");
    let editing = params.get_untracked().get("id").is_some();
    let plan = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_plan(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <BillingNav />
        <PageHeader
            title={if editing { "Edit plan" } else { "New plan" }}
            description="Prices are in the currency's main unit; saving creates or updates the Product and Prices in Stripe."
        />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Ok(plan) => {
                        let editing = plan.is_some();
                        view! { <PlanFormIsland form=form_for(plan.as_ref()) editing /> }.into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The form's starting values: the plan as it is, or an empty plan in the first currency.
fn form_for(plan: Option<&PlanView>) -> PlanForm {
    let Some(plan) = plan else {
        return PlanForm {
            currency: CURRENCIES[0].code.to_owned(),
            trial_days: "0".to_owned(),
            ..PlanForm::default()
        };
    };
    let currency = plan
        .prices
        .iter()
        .find(|price| price.active)
        .or(plan.prices.first())
        .map_or_else(|| CURRENCIES[0].code.to_owned(), |price| price.currency.clone());
    let amount = |interval: &str| {
        plan.price(interval)
            .map(|price| minor_units_to_input(price.unit_amount, &price.currency))
            .unwrap_or_default()
    };
    let limit = |key: &str| {
        plan.limits
            .iter()
            .find(|limit| limit.key == key)
            .map(|limit| limit.value.to_string())
            .unwrap_or_default()
    };
    let other: Vec<String> = plan
        .limits
        .iter()
        .filter(|limit| !LIMIT_KEYS.iter().any(|known| known.key == limit.key))
        .map(|limit| format!("{} = {}", limit.key, limit.value))
        .collect();
    PlanForm {
        id: plan.id.clone(),
        version: plan.version.to_string(),
        name: plan.name.clone(),
        slug: plan.slug.clone(),
        description: plan.description.clone(),
        trial_days: plan.trial_days.to_string(),
        currency,
        monthly: amount("month"),
        yearly: amount("year"),
        limit_services: limit("services"),
        limit_containers: limit("containers"),
        limit_monitors: limit("monitors"),
        limit_seats: limit("seats"),
        limit_other: other.join("\n"),
    }
}

/// A textarea with its label, help and inline error.
#[component]
fn TextArea(
    label: &'static str,
    name: &'static str,
    value: String,
    help: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = false)] mono: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let help_id = format!("{id}-help");
    let class = if mono {
        format!("{INPUT} font-mono")
    } else {
        INPUT.to_owned()
    };
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700 dark:text-slate-200">{label}</label>
            <textarea id=id name=name rows="3" spellcheck="false" class=class aria-describedby=help_id.clone() aria-invalid=move || error.get().is_some().to_string()>{value}</textarea>
            <p id=help_id class="mt-1 text-xs">
                {move || match error.get() {
                    Some(message) => view! { <span class="text-red-600 dark:text-red-400">{message}</span> }.into_any(),
                    None => view! { <span class="text-slate-500 dark:text-slate-400">{help}</span> }.into_any(),
                }}
            </p>
        </div>
    }
}

#[island]
fn PlanFormIsland(form: PlanForm, editing: bool) -> impl IntoView {
    let action = ServerAction::<SavePlan>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    let error = move |field: &'static str| Signal::derive(move || value.with(|v| field_message(v, field)));
    let currency = form.currency.clone();
    view! {
        <div data-ready=move || ready.get().to_string() data-testid="plan-form">
            <ActionForm action=action attr:class="max-w-3xl space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <input type="hidden" name="form[id]" value=form.id />
                <input type="hidden" name="form[version]" value=form.version />
                <FormAlert message=Signal::derive(move || value.with(form_message)) />
                {editing.then(|| view! {
                    <p class="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-900 dark:bg-sky-950/40 dark:text-sky-200">
                        "Changing an amount creates a new Stripe Price; subscriptions already on the old price keep it."
                    </p>
                })}
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="Name" name="form[name]" value=form.name autocomplete="off" error=error("name") />
                    <Field label="Slug" name="form[slug]" value=form.slug autocomplete="off" help="Lowercase, used in URLs; from the name when empty" error=error("slug") />
                </div>
                <TextArea label="Description" name="form[description]" value=form.description help="One or two lines customers see in the pricing table (optional)" error=error("description") />
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-3">
                    <Field label="Free trial (days)" name="form[trial_days]" value=form.trial_days inputmode="numeric" help="0 for no free trial" error=error("trial_days") />
                    <div>
                        <label for="field-currency" class="block text-sm font-medium text-slate-700 dark:text-slate-200">"Currency"</label>
                        <select id="field-currency" name="form[currency]" class=INPUT aria-invalid=move || error("currency").get().is_some().to_string()>
                            {CURRENCIES.into_iter().map(|option| view! {
                                <option value=option.code selected={option.code == currency}>{option.code.to_uppercase()}</option>
                            }).collect_view()}
                        </select>
                        <p class="mt-1 text-xs text-red-600 dark:text-red-400">{move || error("currency").get()}</p>
                    </div>
                </div>
                <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                    <Field label="Monthly price" name="form[monthly]" value=form.monthly inputmode="decimal" help="e.g. 12.00; empty: no monthly price" error=error("monthly") />
                    <Field label="Yearly price" name="form[yearly]" value=form.yearly inputmode="decimal" help="e.g. 120.00; empty: no yearly price" error=error("yearly") />
                </div>
                <fieldset class="space-y-4">
                    <legend class="text-sm font-semibold text-slate-700 dark:text-slate-200">"Limits"</legend>
                    <p class="text-xs text-slate-500 dark:text-slate-400">
                        "Empty means unlimited. Services and containers are enforced now; monitors and seats are recorded now and enforced when those modules arrive."
                    </p>
                    <div class="grid grid-cols-1 gap-4 sm:grid-cols-4">
                        <Field label="Services" name="form[limit_services]" value=form.limit_services inputmode="numeric" help="Empty: unlimited" error=error("limit_services") />
                        <Field label="Containers" name="form[limit_containers]" value=form.limit_containers inputmode="numeric" help="Empty: unlimited" error=error("limit_containers") />
                        <Field label="Monitors" name="form[limit_monitors]" value=form.limit_monitors inputmode="numeric" help="Recorded; enforced later" error=error("limit_monitors") />
                        <Field label="Seats" name="form[limit_seats]" value=form.limit_seats inputmode="numeric" help="Recorded; enforced later" error=error("limit_seats") />
                    </div>
                    <TextArea label="Other limits" name="form[limit_other]" value=form.limit_other mono=true help="One key = number per line, e.g. build_minutes = 120" error=error("limit_other") />
                </fieldset>
                <div class="flex flex-wrap items-center gap-3">
                    <div class="w-72"><SubmitButton label="Save plan" busy_label="Saving and syncing to Stripe…" pending=action.pending() /></div>
                    <a href="/billing/plans" class=SECONDARY>"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}
