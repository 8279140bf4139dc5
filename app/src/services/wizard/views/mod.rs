//! Pages of the creation wizard.

mod drafts;
mod naming;
mod params;
mod review;
mod start;
mod stepper;

pub use drafts::DraftsList;
pub use start::WizardStartPage;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::pages::ErrorPanel;
use crate::services::wizard::api::{get_draft, review_draft};
use naming::NamingForm;
use params::ParamsForm;
use review::ReviewStep;
use stepper::Stepper;

/// `/services/new/:draft?step=2|3|4`: one step of a saved draft.
#[component]
pub fn WizardPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("draft").unwrap_or_default();
    let step = move || {
        query
            .read()
            .get("step")
            .and_then(|s| s.parse::<u8>().ok())
            .unwrap_or(2)
            .clamp(2, 4)
    };
    let draft = Resource::new(id, get_draft);
    let review = Resource::new(
        move || (id(), step()),
        |(id, step)| async move {
            if step == 4 {
                Some(review_draft(id).await)
            } else {
                None
            }
        },
    );
    view! {
        <crate::ui::page_header::PageHeader title="New service" description="Your answers are saved after every step: come back any time from the Services page." />
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading the draft…"</p> }>
            {move || Suspend::new(async move {
                let step = step();
                let draft = match draft.await {
                    Ok(draft) => draft,
                    Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                };
                let stepper = view! { <Stepper current=step done=draft.step draft=Some(draft.id.clone()) /> };
                let body = match (step, review.await) {
                    (4, Some(Ok(review))) => view! { <ReviewStep review /> }.into_any(),
                    (4, Some(Err(error))) => view! { <ErrorPanel error /> }.into_any(),
                    (3, _) => view! { <NamingForm draft /> }.into_any(),
                    _ => view! { <ParamsForm draft /> }.into_any(),
                };
                view! { {stepper} {body} }.into_any()
            })}
        </Suspense>
    }
}
