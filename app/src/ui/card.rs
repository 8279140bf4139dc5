//! Cards: a titled panel, and the figure cards of the dashboard.

use leptos::prelude::*;

/// A titled panel.
#[component]
pub fn Card(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <h2 class="mb-4 text-sm font-semibold text-slate-900 dark:text-slate-100">{title}</h2>
            {children()}
        </section>
    }
}

/// One figure with its label and a short explanation.
#[component]
pub fn StatCard(label: &'static str, value: i64, hint: &'static str, test_id: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <p class="text-sm font-medium text-slate-600 dark:text-slate-400">{label}</p>
            <p data-testid=test_id class="mt-2 text-3xl font-semibold tabular-nums">{value}</p>
            <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">{hint}</p>
        </div>
    }
}
