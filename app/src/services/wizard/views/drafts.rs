//! The Services page's list of unfinished wizard drafts.

use leptos::prelude::*;

use crate::services::wizard::api::list_drafts;
use crate::ui::time::Time;

#[component]
pub fn DraftsList() -> impl IntoView {
    let drafts = Resource::new(|| (), |_| list_drafts());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let drafts = drafts.await.unwrap_or_default();
                (!drafts.is_empty()).then(|| view! {
                    <section class="mb-6 rounded-xl border border-amber-200 bg-amber-50 p-4 dark:border-amber-900 dark:bg-amber-950/40" data-testid="drafts">
                        <h2 class="text-sm font-semibold">"Unfinished new services"</h2>
                        <ul class="mt-2 divide-y divide-amber-200 text-sm dark:divide-amber-900">
                            {drafts.into_iter().map(|d| view! {
                                <li class="flex flex-wrap items-center justify-between gap-2 py-2">
                                    <span>{d.name.unwrap_or_else(|| "Unnamed".into())}" · from "{d.template_name}" · "<Time at=d.updated_at /></span>
                                    <a class="font-semibold text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/services/new/{}?step={}", d.id, (d.step + 1).min(4))>"Continue"</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}
