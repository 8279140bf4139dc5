//! `/templates`: the catalog by category, with search; a plain GET form, no script needed.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::pages::ErrorPanel;
use crate::templates::api::list_templates;
use crate::templates::types::{Category, TemplateSummary};
use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let query = query.read();
        (query.get("q"), query.get("category"))
    };
    let templates = Resource::new(filter, |(q, category)| list_templates(q, category));
    view! {
        <div class="flex flex-wrap items-start justify-between gap-3">
            <PageHeader title="Templates" description=Module::Templates.summary() />
            <a href="/templates/upload" class="rounded-md border border-slate-300 px-3 py-2 text-sm font-semibold hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800">"Upload a template"</a>
        </div>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the catalog…"</p> }>
            {move || Suspend::new(async move {
                let (q, category) = filter();
                match templates.await {
                    Ok(templates) => view! { <Catalog templates q=q.unwrap_or_default() category=category.unwrap_or_default() /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Catalog(templates: Vec<TemplateSummary>, q: String, category: String) -> impl IntoView {
    let filtered = !q.is_empty() || !category.is_empty();
    let input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950";
    view! {
        <form method="get" action="/templates" aria-label="Search templates" class="mb-6 grid grid-cols-1 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:grid-cols-4 sm:items-end">
            <div class="sm:col-span-2">
                <label for="template-q" class="block text-sm font-medium">"Search"</label>
                <input id="template-q" name="q" type="search" value=q placeholder="nginx, postgres, api…" class=input />
            </div>
            <div>
                <label for="template-category" class="block text-sm font-medium">"Category"</label>
                <select id="template-category" name="category" class=input>
                    <option value="" selected={category.is_empty()}>"All"</option>
                    {Category::ALL.into_iter().map(|c| view! { <option value=c.as_str() selected={category == c.as_str()}>{c.label()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Apply"</button>
        </form>
        {if templates.is_empty() {
            view! {
                <EmptyState module=Module::Templates title=if filtered { "No template matches" } else { "No templates" } body="Try another search, or clear the filters.">
                    <a href="/templates" class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"Clear filters"</a>
                </EmptyState>
            }
            .into_any()
        } else {
            let groups = Category::ALL.into_iter().filter_map(|category| {
                let members: Vec<TemplateSummary> = templates.iter().filter(|t| t.category == category).cloned().collect();
                (!members.is_empty()).then(|| view! {
                    <section class="mb-8">
                        <h2 class="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{category.label()}</h2>
                        <div class="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
                            {members.into_iter().map(|template| view! { <TemplateCard template /> }).collect_view()}
                        </div>
                    </section>
                })
            });
            view! { <div>{groups.collect_view()}</div> }.into_any()
        }}
    }
}

#[component]
fn TemplateCard(template: TemplateSummary) -> impl IntoView {
    view! {
        <a href=format!("/templates/{}", template.id) data-testid="template-card" class="block rounded-xl border border-slate-200 bg-white p-5 shadow-sm hover:border-indigo-400 hover:shadow dark:border-slate-800 dark:bg-slate-900 dark:hover:border-indigo-500">
            <div class="flex items-start justify-between gap-3">
                <h3 class="font-semibold">{template.name}</h3>
                <span class="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">{format!("v{}", template.version)}</span>
            </div>
            <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">{template.description}</p>
            <p class="mt-3 text-xs text-slate-500">
                {if template.builtin { "Built in" } else { "Custom" }}
                {format!(" · used by {} service(s)", template.services)}
            </p>
        </a>
    }
}
