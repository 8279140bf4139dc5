//! SQL of the template catalog.

use std::collections::BTreeMap;

use sqlx::{PgConnection, PgPool};

use super::source::TemplateSource;
use crate::templates::types::{Category, Manifest, TemplateSummary};

/// Stores a template version and makes it the latest when it is the newest. A built-in version
/// is refreshed in place (its files may be fixed without a version bump during development); an
/// uploaded version that exists already is refused by the caller before this runs.
pub async fn upsert_version(
    conn: &mut PgConnection,
    source: &TemplateSource,
    builtin: bool,
) -> Result<(), sqlx::Error> {
    let manifest = &source.manifest;
    let latest: Option<String> = sqlx::query_scalar("select latest_version from templates where id = $1 for update")
        .bind(&manifest.id)
        .fetch_optional(&mut *conn)
        .await?;
    let newest = match latest.as_deref().map(semver::Version::parse) {
        Some(Ok(current)) => semver::Version::parse(&manifest.version).is_ok_and(|new| new >= current),
        _ => true,
    };
    if newest {
        sqlx::query(
            "insert into templates (id, name, description, category, latest_version, builtin) values ($1, $2, $3, $4, $5, $6) \
             on conflict (id) do update set name = $2, description = $3, category = $4, latest_version = $5, updated_at = now()",
        )
        .bind(&manifest.id)
        .bind(&manifest.name)
        .bind(&manifest.description)
        .bind(manifest.category.as_str())
        .bind(&manifest.version)
        .bind(builtin)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "insert into template_versions (template_id, version, manifest, files) values ($1, $2, $3, $4) \
         on conflict (template_id, version) do update set manifest = $3, files = $4",
    )
    .bind(&manifest.id)
    .bind(&manifest.version)
    .bind(sqlx::types::Json(manifest))
    .bind(sqlx::types::Json(&source.files))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    name: String,
    description: String,
    category: String,
    latest_version: String,
    builtin: bool,
    services: i64,
}

impl SummaryRow {
    fn into_summary(self) -> TemplateSummary {
        TemplateSummary {
            category: Category::ALL
                .into_iter()
                .find(|c| c.as_str() == self.category)
                .unwrap_or(Category::Web),
            id: self.id,
            name: self.name,
            description: self.description,
            version: self.latest_version,
            builtin: self.builtin,
            services: self.services,
        }
    }
}

const SUMMARY: &str = "select t.id, t.name, t.description, t.category, t.latest_version, t.builtin, \
     (select count(*) from services s where s.template_id = t.id and s.archived_at is null) as services from templates t";

/// The catalog, by category then name, optionally narrowed by a search text and a category.
pub async fn list(pool: &PgPool, q: Option<&str>, category: Option<&str>) -> Result<Vec<TemplateSummary>, sqlx::Error> {
    let pattern = q.map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY} where ($1::text is null or t.name ilike $1 or t.description ilike $1 or t.id ilike $1) \
         and ($2::text is null or t.category = $2) order by t.category, t.name"
    ))
    .bind(pattern)
    .bind(category)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(SummaryRow::into_summary).collect())
}

pub async fn summary(pool: &PgPool, id: &str) -> Result<Option<TemplateSummary>, sqlx::Error> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} where t.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(SummaryRow::into_summary))
}

type VersionRow = (sqlx::types::Json<Manifest>, sqlx::types::Json<BTreeMap<String, String>>);

/// One stored version's manifest and source files.
pub async fn version(pool: &PgPool, id: &str, version: &str) -> Result<Option<TemplateSource>, sqlx::Error> {
    let row: Option<VersionRow> =
        sqlx::query_as("select manifest, files from template_versions where template_id = $1 and version = $2")
            .bind(id)
            .bind(version)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(manifest, files)| TemplateSource {
        manifest: manifest.0,
        files: files.0,
    }))
}

/// Every stored version of a template, newest first.
pub async fn versions(pool: &PgPool, id: &str) -> Result<Vec<String>, sqlx::Error> {
    let mut versions: Vec<String> = sqlx::query_scalar("select version from template_versions where template_id = $1")
        .bind(id)
        .fetch_all(pool)
        .await?;
    versions.sort_by(|a, b| match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(a), Ok(b)) => b.cmp(&a),
        _ => b.cmp(a),
    });
    Ok(versions)
}
