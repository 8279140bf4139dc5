//! The wizard's step indicator: where you are, which steps are done (links), which are ahead.

use leptos::prelude::*;

use crate::services::wizard::types::STEPS;

/// `current` is 1–4; `done` the last step saved; `draft` links the saved steps.
#[component]
pub fn Stepper(current: u8, done: u8, draft: Option<String>) -> impl IntoView {
    view! {
        <ol class="mb-6 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" aria-label="Steps" data-testid="stepper">
            {STEPS.into_iter().enumerate().map(|(n, title)| {
                let step = n as u8 + 1;
                let (state, class) = if step == current {
                    ("current", "border-indigo-600 bg-indigo-50 font-semibold text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200")
                } else if step <= done.saturating_add(1) {
                    ("done", "border-emerald-500 text-slate-700 dark:text-slate-300")
                } else {
                    ("ahead", "border-slate-200 text-slate-400 dark:border-slate-800")
                };
                let href = match (&draft, step) {
                    (_, 1) => Some("/services/new".to_owned()),
                    (Some(draft), _) if state == "done" => Some(format!("/services/new/{draft}?step={step}")),
                    _ => None,
                };
                let label = format!("{step}. {title}");
                view! {
                    <li class=format!("rounded-md border-l-4 px-3 py-2 {class}") aria-current=(state == "current").then_some("step")>
                        {match href {
                            Some(href) if state != "current" => view! { <a href=href class="hover:underline">{label}</a> }.into_any(),
                            _ => view! { <span>{label}</span> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
