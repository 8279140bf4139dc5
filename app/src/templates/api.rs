//! Server functions of the template catalog.

use leptos::prelude::*;

use super::types::{TemplateDetail, TemplateSummary};
use crate::error::AppError;

/// The catalog, narrowed by a search text and a category.
#[server(endpoint = "templates/list")]
pub async fn list_templates(q: Option<String>, category: Option<String>) -> Result<Vec<TemplateSummary>, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::list(&state, q, category).await
}

/// One template with a preview of its files.
#[server(endpoint = "templates/get")]
pub async fn get_template(id: String) -> Result<TemplateDetail, AppError> {
    crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    super::server::detail(&state, &id).await
}
