//! Server functions of the creation wizard.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::types::{Draft, DraftSummary, NamingForm, Review};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn context() -> Result<(crate::state::AppState, crate::auth::server::AuthUser), AppError> {
    let user = crate::auth::server::require_user()?;
    Ok((crate::state::AppState::current()?, user))
}

/// Starts a draft from a template; returns the parameters step.
#[server(endpoint = "wizard/start")]
pub async fn start_wizard(template: String) -> Result<String, AppError> {
    let (state, user) = context()?;
    let id = super::server::drafts::start(&state, &user, &template).await?;
    Ok(format!("/services/new/{id}?step=2"))
}

/// A draft and its template.
#[server(endpoint = "wizard/draft")]
pub async fn get_draft(id: String) -> Result<Draft, AppError> {
    let (state, user) = context()?;
    Ok(super::server::drafts::load(&state, &user, &id).await?.0)
}

/// Saves the parameters; returns the next step.
#[server(endpoint = "wizard/parameters")]
pub async fn save_parameters(draft: String, answers: BTreeMap<String, String>) -> Result<String, AppError> {
    let (state, user) = context()?;
    super::server::drafts::save_params(&state, &user, &draft, answers).await?;
    Ok(format!("/services/new/{draft}?step=3"))
}

/// Saves name, environments and resources; returns the review step.
#[server(endpoint = "wizard/naming")]
pub async fn save_naming(form: NamingForm) -> Result<String, AppError> {
    let (state, user) = context()?;
    let next = format!("/services/new/{}?step=4", form.draft);
    super::server::drafts::save_naming(&state, &user, form).await?;
    Ok(next)
}

/// What creating the draft will make.
#[server(endpoint = "wizard/review")]
pub async fn review_draft(id: String) -> Result<Review, AppError> {
    let (state, user) = context()?;
    super::server::create::review(&state, &user, &id).await
}

/// Creates the service; returns its page.
#[server(endpoint = "wizard/create")]
pub async fn create_from_draft(id: String) -> Result<String, AppError> {
    let (state, user) = context()?;
    let meta = crate::request_meta::RequestMeta::current();
    let slug = super::server::create::create(&state, &meta, &user, &id).await?;
    Ok(format!("/services/{slug}"))
}

/// The signed-in user's drafts.
#[server(endpoint = "wizard/drafts")]
pub async fn list_drafts() -> Result<Vec<DraftSummary>, AppError> {
    let (state, user) = context()?;
    super::server::drafts::list(&state, &user).await
}

/// Deletes a draft; returns the Services page.
#[server(endpoint = "wizard/discard")]
pub async fn discard_draft(id: String) -> Result<String, AppError> {
    let (state, user) = context()?;
    super::server::drafts::discard(&state, &user, &id).await?;
    Ok("/services".into())
}
