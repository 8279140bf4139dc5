//! Server half of templates: manifests, rendering, the built-in catalog and its storage.

pub mod archive;
pub mod builtin;
pub mod manifest;
pub mod render;
pub mod repo;
pub mod source;
pub mod upload;

use crate::error::AppError;
use crate::state::AppState;
use crate::templates::types::{TemplateDetail, TemplateSummary};
use render::{Resources, ServiceNaming};

/// The catalog, narrowed by a search text and a category.
pub async fn list(
    state: &AppState,
    q: Option<String>,
    category: Option<String>,
) -> Result<Vec<TemplateSummary>, AppError> {
    let q = q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let category = category.as_deref().filter(|c| !c.is_empty());
    Ok(repo::list(&state.pool, q, category).await?)
}

/// A template's page: the latest manifest and its files rendered for an example service.
pub async fn detail(state: &AppState, id: &str) -> Result<TemplateDetail, AppError> {
    let not_found = || AppError::NotFound {
        what: "The template".into(),
    };
    let summary = repo::summary(&state.pool, id).await?.ok_or_else(not_found)?;
    let source = repo::version(&state.pool, id, &summary.version)
        .await?
        .ok_or_else(not_found)?;
    let example = ServiceNaming {
        name: "Example service".into(),
        slug: "example-service".into(),
        description: format!("Made from {}", source.manifest.name),
    };
    let preview = render::render(
        &source.manifest,
        &source.files,
        &example,
        &source.manifest.default_answers(),
        &Resources::defaults(&source.manifest),
    )
    .map_err(AppError::internal)?;
    Ok(TemplateDetail {
        versions: repo::versions(&state.pool, id).await?,
        summary,
        manifest: source.manifest,
        preview,
    })
}
