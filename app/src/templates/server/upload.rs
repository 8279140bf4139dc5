//! Custom templates uploaded from the UI: unpacked in memory, checked like a built-in (manifest
//! rules, then a test render with the defaults), and stored as a new version, never over one.

use super::archive::{self, ArchiveError};
use super::manifest::ManifestError;
use super::render::{self, Resources, ServiceNaming};
use super::repo;
use super::source::TemplateSource;
use crate::audit::server::{record, NewAuditEntry};
use crate::auth::server::AuthUser;
use crate::error::{AppError, FieldError};
use crate::request_meta::RequestMeta;
use crate::state::AppState;
use crate::templates::types::UploadedTemplate;

/// The form field that carries the archive.
pub const FIELD: &str = "archive";

/// The largest archive accepted (the server's request body limit is 2 MiB as well).
pub const MAX_ARCHIVE_BYTES: usize = 2 * 1024 * 1024;

/// Reads the archive from the multipart body, refusing anything over the archive limit.
pub async fn read_field(data: leptos::server_fn::codec::MultipartData) -> Result<Vec<u8>, AppError> {
    let missing = || invalid(vec![FieldError::new(FIELD, "Choose a .tar.gz or .zip file to upload")]);
    let mut multipart = data.into_inner().ok_or_else(missing)?;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| missing())? {
        if field.name() != Some(FIELD) {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| missing())? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_ARCHIVE_BYTES {
                return Err(invalid(vec![FieldError::new(
                    FIELD,
                    format!(
                        "The archive is over {} MiB; templates are text and should be far smaller",
                        MAX_ARCHIVE_BYTES / 1024 / 1024
                    ),
                )]));
            }
        }
        return if bytes.is_empty() { Err(missing()) } else { Ok(bytes) };
    }
    Err(missing())
}

/// Checks and stores an uploaded template folder; every problem comes back as a field error.
pub async fn upload(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    bytes: &[u8],
) -> Result<UploadedTemplate, AppError> {
    let folder = archive::unpack(bytes).map_err(|err| invalid(vec![archive_error(&err)]))?;
    let source = TemplateSource::from_files(folder).map_err(|errors| invalid(errors.iter().map(to_field).collect()))?;
    test_render(&source)?;
    let manifest = &source.manifest;
    let mut tx = state.pool.begin().await?;
    let existing: Option<(bool,)> = sqlx::query_as("select builtin from templates where id = $1 for update")
        .bind(&manifest.id)
        .fetch_optional(&mut *tx)
        .await?;
    if existing.is_some_and(|(builtin,)| builtin) {
        return Err(invalid(vec![FieldError::new(
            "id",
            format!("{} is a built-in template; give yours another id", manifest.id),
        )]));
    }
    let taken: bool =
        sqlx::query_scalar("select exists (select 1 from template_versions where template_id = $1 and version = $2)")
            .bind(&manifest.id)
            .bind(&manifest.version)
            .fetch_one(&mut *tx)
            .await?;
    if taken {
        return Err(invalid(vec![FieldError::new(
            "version",
            format!(
                "{} {} exists already; raise the version to upload a change",
                manifest.id, manifest.version
            ),
        )]));
    }
    repo::upsert_version(&mut tx, &source, false).await?;
    let entry = NewAuditEntry {
        actor_id: Some(user.id),
        actor_label: user.email.clone(),
        action: "template.uploaded".into(),
        object_type: "template".into(),
        object_id: Some(manifest.id.clone()),
        detail: serde_json::json!({ "version": manifest.version, "files": source.files.len() }),
    };
    record(&mut tx, entry, meta).await?;
    tx.commit().await?;
    Ok(UploadedTemplate {
        id: manifest.id.clone(),
        version: manifest.version.clone(),
        files: source.files.len(),
    })
}

/// A template that parses but cannot render for its own defaults would fail every wizard run:
/// refuse it now, naming the file and line.
fn test_render(source: &TemplateSource) -> Result<(), AppError> {
    let example = ServiceNaming {
        name: "Example service".into(),
        slug: "example-service".into(),
        description: "Upload check".into(),
    };
    render::render(
        &source.manifest,
        &source.files,
        &example,
        &source.manifest.default_answers(),
        &Resources::defaults(&source.manifest),
    )
    .map(drop)
    .map_err(|err| {
        invalid(vec![FieldError::new(
            format!("files/{}", err.path),
            format!("does not render with the default answers: {}", err.message),
        )])
    })
}

fn archive_error(err: &ArchiveError) -> FieldError {
    FieldError::new(FIELD, format!("The archive {err}"))
}

fn to_field(err: &ManifestError) -> FieldError {
    FieldError::new(err.field.clone(), err.message.clone())
}

fn invalid(fields: Vec<FieldError>) -> AppError {
    AppError::Invalid {
        message: "The template was not added; fix what is listed below and upload it again".into(),
        fields,
    }
}
