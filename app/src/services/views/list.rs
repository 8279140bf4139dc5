//! `/services`: every service with its status and environments; search, filters, sort and paging
//! live in the URL (a plain GET form), so they work before any script runs.

use leptos::prelude::*;
use leptos_router::{hooks::use_query_map, location::Url, params::ParamsMap};

use super::badge::StatusBadge;
use super::{PRIMARY, SECONDARY};
use crate::error::AppError;
use crate::pages::ErrorPanel;
use crate::services::api::list_services;
use crate::services::types::{ServiceFilter, ServicePage, ServiceRow, Status};
use crate::ui::time::Time;
use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

#[component]
pub fn ServicesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || filter_from_query(&query.read());
    let page = Resource::new(filter, list_services);
    view! {
        <div class="flex flex-wrap items-start justify-between gap-4">
            <PageHeader title="Services" description=Module::Services.summary() />
            <div class="flex gap-3">
                <a href="/services/register" class=SECONDARY data-testid="register-service">"Register a service"</a>
                <a href="/services/new" class=PRIMARY data-testid="new-service">"New service"</a>
            </div>
        </div>
        <crate::services::wizard::DraftsList />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading services…"</p> }>
            {move || Suspend::new(async move {
                let filter = filter();
                match page.await {
                    Ok(page) => view! { <Listing page filter /> }.into_any(),
                    Err(AppError::Invalid { message, .. }) => view! {
                        <p role="alert" class="text-sm text-red-700 dark:text-red-300">{message}" "<a class="font-semibold underline" href="/services">"Clear filters"</a></p>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn filter_from_query(query: &ParamsMap) -> ServiceFilter {
    let text = |key: &str| query.get(key).filter(|value| !value.trim().is_empty());
    ServiceFilter {
        q: text("q"),
        status: text("status"),
        environment: text("environment"),
        tag: text("tag"),
        template: text("template"),
        sort: text("sort"),
        page: query.get_str("page").and_then(|page| page.parse().ok()),
    }
}

fn href(filter: &ServiceFilter, page: u32) -> String {
    let mut pairs: Vec<String> = [
        ("q", &filter.q),
        ("status", &filter.status),
        ("environment", &filter.environment),
        ("tag", &filter.tag),
        ("template", &filter.template),
        ("sort", &filter.sort),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some(format!("{key}={}", Url::escape(value.as_deref()?))))
    .collect();
    if page > 1 {
        pairs.push(format!("page={page}"));
    }
    if pairs.is_empty() {
        "/services".into()
    } else {
        format!("/services?{}", pairs.join("&"))
    }
}

#[component]
fn Listing(page: ServicePage, filter: ServiceFilter) -> impl IntoView {
    let unfiltered = ServiceFilter {
        page: None,
        sort: None,
        ..filter.clone()
    } == ServiceFilter::default();
    if page.total == 0 && unfiltered {
        return view! {
            <EmptyState module=Module::Services title="No services yet" body="Create a service from a template (a web site, an API, a worker, a database…) or register one you already run.">
                <div class="flex justify-center gap-3">
                    <a href="/services/new" class=PRIMARY>"Create from a template"</a>
                    <a href="/services/register" class=SECONDARY>"Register a service"</a>
                </div>
            </EmptyState>
        }
        .into_any();
    }
    let shown_from = (page.page - 1) * crate::services::types::SERVICES_PAGE_SIZE + 1;
    let shown_to = shown_from + page.rows.len() as u32 - 1;
    let summary = if page.rows.is_empty() {
        "No service matches these filters.".to_owned()
    } else {
        format!("{shown_from}–{shown_to} of {} services", page.total)
    };
    let (previous, next) = (
        (page.page > 1).then(|| href(&filter, page.page - 1)),
        page.has_more.then(|| href(&filter, page.page + 1)),
    );
    view! {
        <Filters filter=filter.clone() page=page.clone() />
        <p class="mb-3 text-sm text-slate-600 dark:text-slate-400" data-testid="service-count">{summary}</p>
        {(!page.rows.is_empty()).then(|| view! { <Table rows=page.rows.clone() /> })}
        <nav aria-label="Pages" class="mt-4 flex justify-between text-sm">
            {previous.map(|href| view! { <a href=href class=SECONDARY rel="prev">"Previous"</a> })}
            <span></span>
            {next.map(|href| view! { <a href=href class=SECONDARY rel="next" data-testid="next-page">"Next"</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn Filters(filter: ServiceFilter, page: ServicePage) -> impl IntoView {
    let select = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950";
    let chosen = |value: &Option<String>| value.clone().unwrap_or_default();
    let (status, environment, tag, template, sort) = (
        chosen(&filter.status),
        chosen(&filter.environment),
        chosen(&filter.tag),
        chosen(&filter.template),
        chosen(&filter.sort),
    );
    let option = move |value: String, label: String, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <form method="get" action="/services" aria-label="Filter services" class="mb-4 grid grid-cols-2 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 lg:grid-cols-7 lg:items-end">
            <div class="col-span-2">
                <label for="service-q" class="block text-sm font-medium">"Search"</label>
                <input id="service-q" name="q" type="search" value=chosen(&filter.q) placeholder="Name, slug or description" class=select />
            </div>
            <div>
                <label for="service-status" class="block text-sm font-medium">"Status"</label>
                <select id="service-status" name="status" class=select>
                    <option value="">"Any"</option>
                    {Status::ALL.into_iter().map(|s| option(s.as_str().into(), s.label().into(), &status)).collect_view()}
                </select>
            </div>
            <div>
                <label for="service-environment" class="block text-sm font-medium">"Environment"</label>
                <select id="service-environment" name="environment" class=select>
                    <option value="">"Any"</option>
                    {page.environments.into_iter().map(|e| option(e.clone(), e, &environment)).collect_view()}
                </select>
            </div>
            <div>
                <label for="service-tag" class="block text-sm font-medium">"Tag"</label>
                <select id="service-tag" name="tag" class=select>
                    <option value="">"Any"</option>
                    {page.tags.into_iter().map(|t| option(t.clone(), t, &tag)).collect_view()}
                </select>
            </div>
            <div>
                <label for="service-template" class="block text-sm font-medium">"Template"</label>
                <select id="service-template" name="template" class=select>
                    <option value="">"Any"</option>
                    {page.templates.into_iter().map(|(id, name)| option(id, name, &template)).collect_view()}
                </select>
            </div>
            <div>
                <label for="service-sort" class="block text-sm font-medium">"Sort"</label>
                <select id="service-sort" name="sort" class=select>
                    {[("name", "Name A–Z"), ("-name", "Name Z–A"), ("updated", "Recently changed"), ("-updated", "Least recently changed"), ("status", "Status")]
                        .into_iter()
                        .map(|(value, label)| option(value.into(), label.into(), if sort.is_empty() { "name" } else { &sort }))
                        .collect_view()}
                </select>
            </div>
            <div class="col-span-2 flex items-center gap-4 lg:col-span-7">
                <button type="submit" class=PRIMARY>"Apply"</button>
                <a href="/services" class="text-sm font-semibold text-indigo-600 dark:text-indigo-400">"Clear"</a>
            </div>
        </form>
    }
}

#[component]
fn Table(rows: Vec<ServiceRow>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full text-left text-sm">
                <thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="px-4 py-3">"Service"</th>
                        <th scope="col" class="px-4 py-3">"Status"</th>
                        <th scope="col" class="px-4 py-3">"Environments"</th>
                        <th scope="col" class="px-4 py-3">"Owner"</th>
                        <th scope="col" class="px-4 py-3">"Changed"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {rows.into_iter().map(|row| view! {
                        <tr data-testid="service-row">
                            <td class="px-4 py-3">
                                <a href=format!("/services/{}", row.slug) class="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{row.name}</a>
                                <p class="font-mono text-xs text-slate-500">{row.slug}</p>
                                <p class="mt-1 flex flex-wrap gap-1">
                                    {row.tags.into_iter().map(|tag| view! { <span class="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">{tag}</span> }).collect_view()}
                                </p>
                            </td>
                            <td class="px-4 py-3"><StatusBadge status=row.status /></td>
                            <td class="px-4 py-3 text-xs">{row.environments.join(", ")}</td>
                            <td class="px-4 py-3 text-xs">{row.owner}</td>
                            <td class="px-4 py-3 text-xs text-slate-500"><Time at=row.updated_at /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
