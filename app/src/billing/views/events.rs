//! `/billing/events`: the webhook inbox. Where Stripe should send events, how many wait or
//! failed, every event with its attempts and last error, and a replay button per event.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::row_action::{RowAction, RowActionButton};
use super::subnav::BillingNav;
use super::{StatusBadge, INPUT, PRIMARY, SECONDARY};
use crate::billing::api::list_stripe_events;
use crate::billing::types::{EventFilter, EventList, EventRow};
use crate::pages::ErrorPanel;
use crate::ui::card::Card;
use crate::ui::time::Time;
use crate::ui::{empty_state::EmptyState, nav::Module, page_header::PageHeader};

const STATUSES: [&str; 4] = ["pending", "processed", "ignored", "failed"];

#[component]
pub fn EventsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || EventFilter {
        status: query.read().get("status").filter(|status| !status.trim().is_empty()),
    };
    let events = Resource::new(filter, list_stripe_events);
    view! {
        <BillingNav />
        <PageHeader title="Stripe events" description="What Stripe sent to Gantry's webhook, processed in order and retried with back-off when processing fails." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let status = filter().status.unwrap_or_default();
                match events.await {
                    Ok(list) => view! { <Listing list status /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Listing(list: EventList, status: String) -> impl IntoView {
    let body = if !list.events.is_empty() {
        view! { <Table events=list.events /> }.into_any()
    } else if status.is_empty() {
        view! {
            <EmptyState
                module=Module::Billing
                title="No events yet"
                body="No events yet: Stripe sends events here once the webhook endpoint is set up. Paste the address above into Stripe's webhook settings."
            >
                <a href="/billing/settings" class=PRIMARY>"Set up the webhook"</a>
            </EmptyState>
        }
        .into_any()
    } else {
        view! {
            <p class="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
                "No event has this status. "
                <a href="/billing/events" class="font-semibold text-indigo-600 dark:text-indigo-400">"Show all events"</a>
            </p>
        }
        .into_any()
    };
    view! {
        <div class="mb-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <Card title="Webhook endpoint">
                    <p class="mb-2 text-sm text-slate-600 dark:text-slate-400">"Paste this address into Stripe (Developers → Webhooks → Add endpoint):"</p>
                    <pre class="overflow-x-auto rounded-md bg-slate-100 px-3 py-2 text-sm dark:bg-slate-800"><code data-testid="webhook-endpoint" class="font-mono">{list.endpoint}</code></pre>
                </Card>
            </div>
            <Card title="Inbox">
                <dl class="grid grid-cols-2 gap-4 text-sm">
                    <div><dt class="text-slate-500">"Waiting"</dt><dd class="text-2xl font-semibold tabular-nums" data-testid="pending-count">{list.pending}</dd></div>
                    <div><dt class="text-slate-500">"Failed"</dt><dd class=format!("text-2xl font-semibold tabular-nums {}", if list.failed > 0 { "text-red-700 dark:text-red-400" } else { "" }) data-testid="failed-count">{list.failed}</dd></div>
                </dl>
            </Card>
        </div>
        <FilterForm status />
        {body}
    }
}

#[component]
fn FilterForm(status: String) -> impl IntoView {
    view! {
        <form method="get" action="/billing/events" aria-label="Filter events" class="mb-4 flex flex-wrap items-end gap-3">
            <div>
                <label for="event-status" class="block text-sm font-medium">"Status"</label>
                <select id="event-status" name="status" class=INPUT>
                    <option value="" selected={status.is_empty()}>"All"</option>
                    {STATUSES.into_iter().map(|option| view! { <option value=option selected={status == option}>{option}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class=SECONDARY>"Apply"</button>
        </form>
    }
}

#[component]
fn Table(events: Vec<EventRow>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <table class="min-w-full text-left text-sm" data-testid="events">
                <thead class="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800 dark:text-slate-400">
                    <tr>
                        <th scope="col" class="px-4 py-3">"Event"</th>
                        <th scope="col" class="px-4 py-3">"Status"</th>
                        <th scope="col" class="px-4 py-3">"Attempts"</th>
                        <th scope="col" class="px-4 py-3">"Deliveries"</th>
                        <th scope="col" class="px-4 py-3">"Received"</th>
                        <th scope="col" class="px-4 py-3">"Processed / next attempt"</th>
                        <th scope="col" class="px-4 py-3"></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {events.into_iter().map(|event| {
                        let (row_id, shown_id, row_status) = (event.id.clone(), event.id.clone(), event.status.clone());
                        view! {
                            <tr data-testid="event-row" data-id=row_id data-status=row_status>
                                <td class="px-4 py-3">
                                    <p class="font-mono text-xs">{shown_id}</p>
                                    <p class="text-slate-700 dark:text-slate-300">{event.event_type}</p>
                                    {event.last_error.map(|error| view! { <p data-testid="event-error" class="mt-1 max-w-md break-words text-xs text-red-700 dark:text-red-400">{error}</p> })}
                                </td>
                                <td class="px-4 py-3"><StatusBadge status=event.status /></td>
                                <td class="px-4 py-3 tabular-nums">{event.attempts}</td>
                                <td class="px-4 py-3 tabular-nums">{event.deliveries}</td>
                                <td class="px-4 py-3 text-xs"><Time at=event.received_at /></td>
                                <td class="px-4 py-3 text-xs">
                                    {match (event.processed_at, event.next_attempt_at) {
                                        (Some(at), _) => view! { <Time at /> }.into_any(),
                                        (None, Some(at)) => view! { "next " <Time at /> }.into_any(),
                                        (None, None) => view! { <span class="text-slate-500">"—"</span> }.into_any(),
                                    }}
                                </td>
                                <td class="px-4 py-3 text-right"><RowActionButton action=RowAction::ReplayEvent id=event.id /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
