//! Server functions of the template catalog.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::types::{TemplateDetail, TemplateSummary, UploadedTemplate};
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

/// Adds a custom template from an uploaded `.tar.gz` or `.zip` of its folder (form field
/// `archive`). Bad archives and manifests come back as field errors; nothing is half-stored.
#[server(endpoint = "templates/upload", input = MultipartFormData)]
pub async fn upload_template(data: MultipartData) -> Result<UploadedTemplate, AppError> {
    let user = crate::auth::server::require_user()?;
    let state = crate::state::AppState::current()?;
    let meta = crate::request_meta::RequestMeta::current();
    let bytes = super::server::upload::read_field(data).await?;
    super::server::upload::upload(&state, &meta, &user, &bytes).await
}
