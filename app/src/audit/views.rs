//! The audit log page: filters in the URL, a page of entries, and the chain check.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::{hooks::use_query_map, location::Url, params::ParamsMap};

use super::api::{list_audit, VerifyAuditChain};
use super::types::{AuditFilter, AuditPage, AuditRow, ChainStatus, AUDIT_PAGE_SIZE};
use crate::error::{AppError, FieldError};
use crate::pages::ErrorPanel;
use crate::ui::{
    empty_state::EmptyState,
    form::{hydrated, Field},
    nav::Module,
    page_header::PageHeader,
};

/// `/audit`: who did what, when and from where, newest first. The filters are a plain GET form,
/// so filtering and paging work without JavaScript; only "Verify chain" is an island.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || filter_from_query(&query.read());
    let entries = Resource::new(filter, list_audit);
    view! {
        <PageHeader title="Audit log" description=Module::Audit.summary() />
        <section class="mb-6 flex flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 sm:flex-row sm:items-center sm:justify-between">
            <p class="text-sm text-slate-600 dark:text-slate-400">
                "Every entry carries a SHA-256 hash of itself and of the entry before it, so an edited or deleted entry breaks the chain."
            </p>
            <VerifyChain />
        </section>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading entries…"</p> }>
            {move || Suspend::new(async move {
                let filter = filter();
                match entries.await {
                    Ok(page) => {
                        view! {
                            <FilterForm filter=filter.clone() errors=Vec::new() />
                            <Entries page filter />
                        }
                            .into_any()
                    }
                    Err(AppError::Invalid { message, fields }) => {
                        view! {
                            <FilterForm filter errors=fields />
                            <p role="alert" class="text-sm font-medium text-red-700 dark:text-red-300">{message}</p>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <FilterForm filter errors=Vec::new() />
                            <ErrorPanel error />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The filters as the query string gives them; a missing or unreadable page is the first.
fn filter_from_query(query: &ParamsMap) -> AuditFilter {
    let text = |key: &str| query.get(key).filter(|value| !value.trim().is_empty());
    AuditFilter {
        actor: text("actor"),
        action: text("action"),
        object: text("object"),
        from: text("from"),
        to: text("to"),
        page: query.get_str("page").and_then(|page| page.parse().ok()).unwrap_or(1),
    }
}

/// `/audit?…` for `page` of the same filters.
fn page_href(filter: &AuditFilter, page: u32) -> String {
    let mut pairs: Vec<(&str, String)> = [
        ("actor", &filter.actor),
        ("action", &filter.action),
        ("object", &filter.object),
        ("from", &filter.from),
        ("to", &filter.to),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key, value.clone()?)))
    .collect();
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", Url::escape(value)))
        .collect();
    if query.is_empty() {
        "/audit".to_owned()
    } else {
        format!("/audit?{}", query.join("&"))
    }
}

#[component]
fn FilterForm(filter: AuditFilter, errors: Vec<FieldError>) -> impl IntoView {
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let filtered = !filter.is_unfiltered();
    view! {
        <form
            method="get"
            action="/audit"
            aria-label="Filter the audit log"
            class="mb-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
        >
            <div class="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5">
                <Field label="Actor" name="actor" value=filter.actor.unwrap_or_default() help="Any part of an email, or system" error=error("actor") />
                <Field label="Action starts with" name="action" value=filter.action.unwrap_or_default() help="For example auth.login" error=error("action") />
                <Field label="Object" name="object" value=filter.object.unwrap_or_default() help="Any part of its type or id" error=error("object") />
                <Field label="From" name="from" kind="date" value=filter.from.unwrap_or_default() help="First day, UTC" error=error("from") />
                <Field label="To" name="to" kind="date" value=filter.to.unwrap_or_default() help="Last day, UTC" error=error("to") />
            </div>
            <div class="mt-4 flex items-center gap-4">
                <button
                    type="submit"
                    class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500"
                >
                    "Apply"
                </button>
                {filtered
                    .then(|| {
                        view! {
                            <a href="/audit" class="text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
                                "Clear filters"
                            </a>
                        }
                    })}
            </div>
        </form>
    }
}

#[component]
fn Entries(page: AuditPage, filter: AuditFilter) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <NoEntries page filter /> }.into_any();
    }
    let now = Utc::now();
    let first = u64::from(page.page - 1) * u64::from(AUDIT_PAGE_SIZE) + 1;
    let last = first + page.rows.len() as u64 - 1;
    let previous = (page.page > 1).then(|| page_href(&filter, page.page - 1));
    let next = page.has_more.then(|| page_href(&filter, page.page + 1));
    let rows = page
        .rows
        .into_iter()
        .map(|row| view! { <EntryRow row now /> })
        .collect_view();
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
                <caption class="sr-only">"Audit entries, newest first"</caption>
                <thead class="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:bg-slate-800/50 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="px-4 py-3">"Time"</th>
                        <th scope="col" class="px-4 py-3">"Actor"</th>
                        <th scope="col" class="px-4 py-3">"Action"</th>
                        <th scope="col" class="px-4 py-3">"Object"</th>
                        <th scope="col" class="px-4 py-3">"IP"</th>
                        <th scope="col" class="px-4 py-3">"Request id"</th>
                        <th scope="col" class="px-4 py-3">"Details"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">{rows}</tbody>
            </table>
        </div>
        <nav aria-label="Audit log pages" class="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm">
            <p class="text-slate-600 dark:text-slate-400">{format!("Entries {first}–{last} of {}", page.total)}</p>
            <div class="flex gap-2">
                <PageLink href=previous label="Previous" rel="prev" />
                <PageLink href=next label="Next" rel="next" />
            </div>
        </nav>
    }
    .into_any()
}

#[component]
fn EntryRow(row: AuditRow, now: DateTime<Utc>) -> impl IntoView {
    let when = DateTime::parse_from_rfc3339(&row.at)
        .map(|at| relative_time(at.with_timezone(&Utc), now))
        .unwrap_or_else(|_| row.at.clone());
    let none = || view! { <span class="text-slate-400 dark:text-slate-500">"—"</span> };
    view! {
        <tr class="align-top">
            <td class="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-400">
                <time datetime=row.at.clone() title=row.at>{when}</time>
            </td>
            <td class="px-4 py-3 font-medium">{row.actor_label}</td>
            <td class="px-4 py-3"><code class="font-mono text-xs">{row.action}</code></td>
            <td class="px-4 py-3">
                {row.object_type}
                {row.object_id.map(|id| view! { " " <code class="break-all font-mono text-xs text-slate-600 dark:text-slate-400">{id}</code> })}
            </td>
            <td class="whitespace-nowrap px-4 py-3 font-mono text-xs">{row.ip.map(IntoAny::into_any).unwrap_or_else(|| none().into_any())}</td>
            <td class="px-4 py-3 font-mono text-xs break-all">{row.request_id.map(IntoAny::into_any).unwrap_or_else(|| none().into_any())}</td>
            <td class="px-4 py-3">
                <details>
                    <summary class="cursor-pointer text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">"Show"</summary>
                    {row.user_agent.map(|agent| view! { <p class="mt-2 max-w-md text-xs text-slate-600 dark:text-slate-400">{agent}</p> })}
                    <pre class="mt-2 max-w-md overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs dark:bg-slate-800">{row.detail}</pre>
                </details>
            </td>
        </tr>
    }
}

#[component]
fn PageLink(href: Option<String>, label: &'static str, rel: &'static str) -> impl IntoView {
    match href {
        Some(href) => view! {
            <a href=href rel=rel class="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-semibold text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800">
                {label}
            </a>
        }
        .into_any(),
        None => view! {
            <span aria-disabled="true" class="rounded-md border border-slate-200 px-3 py-1.5 text-slate-400 dark:border-slate-800 dark:text-slate-600">
                {label}
            </span>
        }
        .into_any(),
    }
}

#[component]
fn NoEntries(page: AuditPage, filter: AuditFilter) -> impl IntoView {
    if page.total > 0 {
        return view! {
            <EmptyState module=Module::Audit title="This page is past the last entry" body=format!("{} entries match these filters.", page.total)>
                <a href=page_href(&filter, 1) class="text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
                    "Go to the first page"
                </a>
            </EmptyState>
        }
        .into_any();
    }
    if filter.is_unfiltered() {
        return view! {
            <EmptyState
                module=Module::Audit
                title="Nothing has been recorded yet"
                body="Sign-ins, changes and reads of secrets appear here as they happen, with who did them, when and from where."
            />
        }
        .into_any();
    }
    view! {
        <EmptyState
            module=Module::Audit
            title="No audit entries match these filters"
            body="Try part of an email, a shorter action such as auth., or a wider range of days."
        >
            <a href="/audit" class="text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
                "Clear filters"
            </a>
        </EmptyState>
    }
    .into_any()
}

/// "just now", "5 min ago", "3 h ago", "2 d ago", then the date.
fn relative_time(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds();
    match secs {
        s if s < 60 => "just now".to_owned(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s if s < 30 * 86_400 => format!("{} d ago", s / 86_400),
        _ => at.format("%Y-%m-%d").to_string(),
    }
}

/// Re-checks the whole hash chain on the server and says whether it holds.
#[island]
pub fn VerifyChain() -> impl IntoView {
    let ready = hydrated();
    let verify = ServerAction::<VerifyAuditChain>::new();
    let pending = verify.pending();
    let outcome = verify.value();
    view! {
        <div class="flex shrink-0 flex-wrap items-center gap-3">
            <div aria-live="polite" data-testid="verify-chain-result" class="text-sm font-medium">
                {move || {
                    if pending.get() {
                        return None;
                    }
                    outcome.get().map(|result| match result {
                        Ok(ChainStatus { rows_checked, first_broken: None }) => {
                            let noun = if rows_checked == 1 { "entry" } else { "entries" };
                            view! {
                                <p class="text-emerald-700 dark:text-emerald-400">
                                    {format!("Chain intact: {rows_checked} {noun} checked")}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(ChainStatus { first_broken: Some(id), .. }) => {
                            view! { <p class="text-red-700 dark:text-red-400">{format!("Chain broken at entry #{id}")}</p> }
                                .into_any()
                        }
                        Err(error) => view! { <p class="text-red-700 dark:text-red-400">{error.to_string()}</p> }.into_any(),
                    })
                }}
            </div>
            <button
                type="button"
                data-testid="verify-chain"
                data-ready=move || ready.get().to_string()
                disabled=move || !ready.get() || pending.get()
                aria-busy=move || pending.get().to_string()
                on:click=move |_| {
                    verify.dispatch(VerifyAuditChain {});
                }
                class="inline-flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800"
            >
                <Show when=move || pending.get()>
                    <span aria-hidden="true" class="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600 dark:border-slate-600 dark:border-t-indigo-400"></span>
                </Show>
                {move || if pending.get() { "Verifying…" } else { "Verify chain" }}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::{page_href, relative_time};
    use crate::audit::types::AuditFilter;

    #[test]
    fn paging_links_keep_the_filters_and_escape_them() {
        let filter = AuditFilter {
            actor: Some("ann@example.com".into()),
            action: Some("auth.".into()),
            to: Some("2026-11-30".into()),
            ..AuditFilter::default()
        };
        assert_eq!(
            page_href(&filter, 2),
            "/audit?actor=ann%40example%2Ecom&action=auth%2E&to=2026%2D11%2D30&page=2"
        );
        assert_eq!(page_href(&AuditFilter::default(), 1), "/audit");
    }

    #[test]
    fn times_read_relative_to_now_then_as_dates() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .single()
            .expect("valid time");
        assert_eq!(relative_time(now - Duration::seconds(5), now), "just now");
        assert_eq!(relative_time(now - Duration::minutes(5), now), "5 min ago");
        assert_eq!(relative_time(now - Duration::hours(3), now), "3 h ago");
        assert_eq!(relative_time(now - Duration::days(2), now), "2 d ago");
        assert_eq!(relative_time(now - Duration::days(45), now), "2026-10-08");
    }
}
