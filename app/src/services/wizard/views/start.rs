//! Step 1 (`/services/new`): choose a template; starting one saves a draft.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::stepper::Stepper;
use crate::pages::ErrorPanel;
use crate::services::wizard::api::StartWizard;
use crate::templates::list_templates;
use crate::templates::types::{Category, TemplateSummary};
use crate::ui::form::{form_message, go_to_on_success, hydrated, FormAlert};
use crate::ui::page_header::PageHeader;

#[component]
pub fn WizardStartPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        (query.get("q"), query.get("category"))
    };
    let templates = Resource::new(filter, |(q, category)| list_templates(q, category));
    view! {
        <PageHeader title="New service" description="Start from a template: answer a few questions and get a service with its files, secrets and git repository." />
        <Stepper current=1 done=0 draft=None />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                let (q, category) = filter();
                match templates.await {
                    Ok(templates) => view! {
                        <Search q=q.unwrap_or_default() category=category.unwrap_or_default() />
                        {if templates.is_empty() {
                            view! { <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="no-template-matches">"No template matches. "<a class="font-semibold text-indigo-600 dark:text-indigo-400" href="/services/new">"Show all"</a></p> }.into_any()
                        } else {
                            view! { <Chooser templates /> }.into_any()
                        }}
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Search and category filter: a plain GET form.
#[component]
fn Search(q: String, category: String) -> impl IntoView {
    let input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950";
    view! {
        <form method="get" action="/services/new" aria-label="Search templates" class="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-4 sm:items-end">
            <div class="sm:col-span-2">
                <label for="wizard-q" class="block text-sm font-medium">"Search"</label>
                <input id="wizard-q" name="q" type="search" value=q placeholder="web, api, database…" class=input />
            </div>
            <div>
                <label for="wizard-category" class="block text-sm font-medium">"Category"</label>
                <select id="wizard-category" name="category" class=input>
                    <option value="" selected={category.is_empty()}>"All"</option>
                    {Category::ALL.into_iter().map(|c| view! { <option value=c.as_str() selected={category == c.as_str()}>{c.label()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold dark:border-slate-700">"Search"</button>
        </form>
    }
}

#[component]
fn Chooser(templates: Vec<TemplateSummary>) -> impl IntoView {
    Category::ALL
        .into_iter()
        .filter_map(|category| {
            let members: Vec<TemplateSummary> = templates.iter().filter(|t| t.category == category).cloned().collect();
            (!members.is_empty()).then(|| view! {
                <section class="mb-6">
                    <h2 class="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">{category.label()}</h2>
                    <div class="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
                        {members.into_iter().map(|t| view! {
                            <div class="flex flex-col justify-between rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid="choose-template">
                                <div>
                                    <h3 class="font-semibold">{t.name.clone()}</h3>
                                    <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{t.description.clone()}</p>
                                </div>
                                <div class="mt-4 flex items-center justify-between gap-3">
                                    <a href=format!("/templates/{}", t.id) class="text-sm text-indigo-600 hover:underline dark:text-indigo-400">"See its files"</a>
                                    <UseTemplate id=t.id.clone() name=t.name.clone() />
                                </div>
                            </div>
                        }).collect_view()}
                    </div>
                </section>
            })
        })
        .collect_view()
}

#[island]
fn UseTemplate(id: String, name: String) -> impl IntoView {
    let action = ServerAction::<StartWizard>::new();
    let value = action.value();
    go_to_on_success(value);
    let ready = hydrated();
    view! {
        <div data-ready=move || ready.get().to_string()>
            <FormAlert message=Signal::derive(move || value.with(form_message)) />
            <button type="button" aria-label=format!("Use the {name} template") data-testid="use-template"
                class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-70"
                disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(StartWizard { template: id.clone() }); }>
                {move || if action.pending().get() { "Starting…" } else { "Use this template" }}
            </button>
        </div>
    }
}
