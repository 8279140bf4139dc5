//! Pages of deployments: the service's deployments tab and a deployment's live page.

mod live;
mod page;
mod tab;

pub use page::DeploymentPage;
pub use tab::DeploymentsTab;

use leptos::prelude::*;

use crate::deployments::types::DeployStatus;

/// A deployment's status in colour and words.
#[component]
pub fn DeployBadge(status: DeployStatus) -> impl IntoView {
    let colour = match status {
        DeployStatus::Succeeded => "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
        DeployStatus::Failed => "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200",
        _ => "bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200",
    };
    view! { <span data-testid="deploy-status" class=format!("inline-flex rounded px-1.5 py-0.5 text-xs font-medium {colour}")>{status.label()}</span> }
}
