//! The dashboard page.

use leptos::prelude::*;

use super::api::get_dashboard;
use super::types::{DashboardSummary, SecretCounts, SystemFacts};
use crate::pages::ErrorPanel;
use crate::ui::{
    card::{Card, StatCard},
    empty_state::EmptyState,
    nav::Module,
    page_header::PageHeader,
};

/// `/`: figures about services and the installation.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let summary = Resource::new(|| (), |_| get_dashboard());
    view! {
        <PageHeader title="Dashboard" description="Everything the business runs, at a glance." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading figures…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => view! { <Summary summary /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Summary(summary: DashboardSummary) -> impl IntoView {
    let services = summary.services;
    let no_services = services.total == 0;
    view! {
        <div class="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
            <StatCard label="Services" value=services.total hint="Registered, not archived" test_id="stat-services" />
            <StatCard label="Running" value=services.running hint="All environments healthy" test_id="stat-running" />
            <StatCard label="Need attention" value=services.attention hint="Degraded or failed" test_id="stat-attention" />
            <StatCard label="Drafts" value=services.drafts hint="Not deployed yet" test_id="stat-drafts" />
        </div>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                {if no_services {
                    view! {
                        <EmptyState
                            module=Module::Services
                            title="No services yet"
                            body="Services you register or create from a template appear here with their health."
                        >
                            <a href="/services" class="inline-flex rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
                                "Open Services"
                            </a>
                        </EmptyState>
                    }
                    .into_any()
                } else {
                    view! {
                        <Card title="Services">
                            <p class="text-sm text-slate-600 dark:text-slate-400">
                                {format!("{} registered; {} running.", services.total, services.running)}
                            </p>
                        </Card>
                    }
                    .into_any()
                }}
            </div>
            <div class="space-y-6">
                <Secrets counts=summary.secrets />
                <System facts=summary.system />
            </div>
        </div>
    }
}

#[component]
fn Secrets(counts: SecretCounts) -> impl IntoView {
    let attention = counts.due + counts.overdue > 0;
    view! {
        <Card title="Secrets">
            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="dashboard-secrets">
                {format!("{} stored, encrypted at rest.", counts.total)}
            </p>
            {attention.then(|| view! {
                <p class="mt-2 flex flex-wrap gap-2 text-sm">
                    {(counts.overdue > 0).then(|| view! {
                        <a href="/secrets?rotation=overdue" data-testid="dashboard-overdue" class="rounded bg-red-100 px-2 py-0.5 font-medium text-red-800 hover:underline dark:bg-red-900 dark:text-red-200">
                            {format!("{} overdue for rotation", counts.overdue)}
                        </a>
                    })}
                    {(counts.due > 0).then(|| view! {
                        <a href="/secrets?rotation=due" data-testid="dashboard-due" class="rounded bg-amber-100 px-2 py-0.5 font-medium text-amber-800 hover:underline dark:bg-amber-900 dark:text-amber-200">
                            {format!("{} due soon", counts.due)}
                        </a>
                    })}
                </p>
            })}
            <a href="/secrets" class="mt-3 inline-block text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">"Open Secrets"</a>
        </Card>
    }
}

#[component]
fn System(facts: SystemFacts) -> impl IntoView {
    let database = if facts.database_embedded {
        format!("Embedded PostgreSQL {}", facts.database_version)
    } else {
        format!("PostgreSQL {}", facts.database_version)
    };
    let rows = [
        ("Version", facts.version),
        ("Up for", human_duration(facts.uptime_secs)),
        ("Database", database),
        ("Database size", human_bytes(facts.database_bytes)),
        ("Migrations applied", facts.migrations_applied.to_string()),
    ];
    view! {
        <Card title="This installation">
            <dl class="divide-y divide-slate-100 text-sm dark:divide-slate-800">
                {rows
                    .into_iter()
                    .map(|(term, value)| view! {
                        <div class="flex justify-between gap-4 py-2">
                            <dt class="text-slate-600 dark:text-slate-400">{term}</dt>
                            <dd class="text-right font-medium tabular-nums">{value}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
        </Card>
    }
}

fn human_duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        s => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::{human_bytes, human_duration};

    #[test]
    fn durations_read_in_the_largest_useful_units() {
        assert_eq!(human_duration(42), "42 s");
        assert_eq!(human_duration(125), "2 min");
        assert_eq!(human_duration(3 * 3600 + 120), "3 h 2 min");
        assert_eq!(human_duration(2 * 86_400 + 5 * 3600), "2 d 5 h");
    }

    #[test]
    fn sizes_use_binary_units_with_one_decimal() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(7_700_000), "7.3 MiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
