//! The empty state: what this place is for and the first thing to do here.

use leptos::prelude::*;

use super::icon::Icon;
use super::nav::Module;

/// A centred explanation with an optional first action.
#[component]
pub fn EmptyState(
    module: Module,
    title: &'static str,
    #[prop(into)] body: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center dark:border-slate-700 dark:bg-slate-900">
            <div class="mx-auto grid h-12 w-12 place-items-center rounded-full bg-indigo-50 text-indigo-600 dark:bg-indigo-950 dark:text-indigo-300">
                <Icon module=module class="h-6 w-6" />
            </div>
            <h2 class="mt-4 text-base font-semibold">{title}</h2>
            <p class="mx-auto mt-2 max-w-md text-sm text-slate-600 dark:text-slate-400">{body}</p>
            {children.map(|c| view! { <div class="mt-6">{c()}</div> })}
        </div>
    }
}
