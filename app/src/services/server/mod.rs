//! Server half of the service registry: reading pages, and every change in one transaction with
//! its audit row. Edits carry the version they read; a stale one is a conflict, never a silent
//! overwrite.

pub mod repo;
mod write;

pub use write::{archive, create, delete, update_environment, update_general};

use uuid::Uuid;

use crate::error::{AppError, FieldError};
use crate::services::types::{
    EnvironmentInfo, Link, ServiceDetail, ServiceFilter, ServicePage, ServiceRow, Status, StatusChange,
    SERVICES_PAGE_SIZE,
};
use crate::state::AppState;
use repo::{EnvironmentRecord, ListQuery, Order, ServiceRecord};

/// One page of the list.
pub async fn list(state: &AppState, filter: ServiceFilter) -> Result<ServicePage, AppError> {
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (q, status, environment, tag, template) = (
        text(&filter.q),
        text(&filter.status),
        text(&filter.environment),
        text(&filter.tag),
        text(&filter.template),
    );
    if let Some(status) = status.as_deref() {
        if Status::parse(status).is_none() {
            return Err(invalid("status", "Choose one of the listed states"));
        }
    }
    let order = match text(&filter.sort) {
        Some(sort) => Order::parse(&sort).ok_or_else(|| invalid("sort", "Choose one of the listed orders"))?,
        None => Order::Name,
    };
    let page = filter.page.unwrap_or(1).max(1);
    let query = ListQuery {
        q: q.as_deref(),
        status: status.as_deref(),
        environment: environment.as_deref(),
        tag: tag.as_deref(),
        template: template.as_deref(),
        order,
        page,
    };
    let (mut records, total) = repo::list(&state.pool, &query).await?;
    let has_more = records.len() > SERVICES_PAGE_SIZE as usize;
    records.truncate(SERVICES_PAGE_SIZE as usize);
    let (tags, environments, templates) = repo::filter_choices(&state.pool).await?;
    Ok(ServicePage {
        rows: records.iter().map(row).collect(),
        page,
        total,
        has_more,
        tags,
        environments,
        templates,
    })
}

/// The service page's data, by slug.
pub async fn detail(state: &AppState, slug: &str) -> Result<ServiceDetail, AppError> {
    let record = repo::get_by_slug(&state.pool, slug).await?.ok_or_else(not_found)?;
    let environments = repo::environments(&state.pool, record.id).await?;
    let history = repo::history(&state.pool, record.id).await?;
    let template_latest = match &record.template_id {
        Some(id) => sqlx::query_scalar::<_, String>("select latest_version from templates where id = $1")
            .bind(id)
            .fetch_optional(&state.pool)
            .await?
            .filter(|latest| Some(latest) != record.template_version.as_ref()),
        None => None,
    };
    Ok(ServiceDetail {
        row: row(&record),
        version: record.version,
        links: serde_json::from_value::<Vec<Link>>(record.links.clone()).unwrap_or_default(),
        environments: environments.iter().map(environment).collect(),
        history: history
            .into_iter()
            .map(|h| StatusChange {
                at: h.at.to_rfc3339(),
                environment: h.environment,
                status: h.status,
                note: h.note,
            })
            .collect(),
        template_version: record.template_version.clone(),
        template_latest,
        files: repo::file_paths(&state.pool, record.id).await?,
        mirror: crate::services::mirror::server::get(&state.pool, record.id).await?,
        archived: record.archived_at.is_some(),
        created_at: record.created_at.to_rfc3339(),
    })
}

fn row(record: &ServiceRecord) -> ServiceRow {
    ServiceRow {
        id: record.id.to_string(),
        slug: record.slug.clone(),
        name: record.name.clone(),
        description: record.description.clone(),
        owner: record.owner.clone(),
        tags: record.tags.clone(),
        status: Status::parse(&record.status).unwrap_or(Status::Draft),
        environments: record.environments.clone(),
        template: record.template_id.clone(),
        updated_at: record.updated_at.to_rfc3339(),
    }
}

fn environment(record: &EnvironmentRecord) -> EnvironmentInfo {
    let pairs = |value: &serde_json::Value| -> Vec<(String, String)> {
        value
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    EnvironmentInfo {
        id: record.id.to_string(),
        name: record.name.clone(),
        image: record.image.clone(),
        build_context: record.build_context.clone(),
        ports: serde_json::from_value(record.ports.clone()).unwrap_or_default(),
        env_vars: pairs(&record.env_vars),
        secret_refs: pairs(&record.secret_refs),
        cpu_millis: record.cpu_millis,
        memory_mb: record.memory_mb,
        replicas: record.replicas,
        health_path: record.health_path.clone(),
        health_interval_secs: record.health_interval_secs,
        status: Status::parse(&record.status).unwrap_or(Status::Draft),
    }
}

pub(crate) fn not_found() -> AppError {
    AppError::NotFound {
        what: "The service".into(),
    }
}

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> AppError {
    invalid_fields(vec![FieldError::new(field, message)])
}

pub(crate) fn invalid_fields(fields: Vec<FieldError>) -> AppError {
    AppError::Invalid {
        message: "Check the highlighted fields".into(),
        fields,
    }
}

pub(crate) fn parse_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.trim()).map_err(|_| not_found())
}
