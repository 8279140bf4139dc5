//! Server half of template upgrades: render both versions with the service's answers and
//! resources, diff them, and apply = commit the new render to the repository and record it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;
use similar::TextDiff;

use super::types::{Change, FileChange, UpgradePreview};
use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::services::mirror::server as mirror;
use crate::services::server::not_found;
use crate::services::server::repo::{self, ServiceRecord};
use crate::services::wizard::server::git::{commit_files, repository_path, reset_main};
use crate::state::AppState;
use crate::templates::server::render::{render, Resources, ServiceNaming};
use crate::templates::server::repo as templates;
use crate::templates::server::source::TemplateSource;
use crate::templates::types::{ParamValue, RenderedFile};

struct Plan {
    record: ServiceRecord,
    from: TemplateSource,
    to: TemplateSource,
    old_files: Vec<RenderedFile>,
    new_files: Vec<RenderedFile>,
}

async fn plan(state: &AppState, slug: &str) -> Result<Plan, AppError> {
    let record = repo::get_by_slug(&state.pool, slug).await?.ok_or_else(not_found)?;
    let (Some(template_id), Some(current)) = (record.template_id.clone(), record.template_version.clone()) else {
        return Err(AppError::Conflict {
            message: "This service was not created from a template, so there is nothing to upgrade".into(),
        });
    };
    let latest = templates::summary(&state.pool, &template_id)
        .await?
        .ok_or_else(|| AppError::Conflict {
            message: "Its template no longer exists".into(),
        })?
        .version;
    if latest == current {
        return Err(AppError::Conflict {
            message: format!("The service already uses the latest version ({current}) of its template"),
        });
    }
    let load = |version: String| {
        let template_id = template_id.clone();
        async move {
            templates::version(&state.pool, &template_id, &version)
                .await?
                .ok_or_else(|| AppError::Conflict {
                    message: format!("Version {version} of the template is no longer stored"),
                })
        }
    };
    let (from, to) = (load(current).await?, load(latest).await?);
    let environments = repo::environments(&state.pool, record.id).await?;
    let first = environments
        .first()
        .ok_or_else(|| AppError::internal("a service without environments"))?;
    let ports: Vec<u16> = serde_json::from_value(first.ports.clone()).unwrap_or_default();
    let resources = Resources {
        port: ports.first().copied().unwrap_or(to.manifest.defaults.port),
        cpu_millis: first.cpu_millis.max(0) as u32,
        memory_mb: first.memory_mb.max(0) as u32,
        replicas: first.replicas.max(0) as u32,
        health_path: first.health_path.clone(),
    };
    let naming = ServiceNaming {
        name: record.name.clone(),
        slug: record.slug.clone(),
        description: record.description.clone(),
    };
    let answers: BTreeMap<String, ParamValue> =
        sqlx::query_scalar::<_, serde_json::Value>("select parameters from services where id = $1")
            .bind(record.id)
            .fetch_one(&state.pool)
            .await
            .map(|value| serde_json::from_value(value).unwrap_or_default())?;
    let render_with = |source: &TemplateSource| {
        // Parameters a version adds take their defaults; ones it dropped are ignored.
        let mut given = source.manifest.default_answers();
        given.extend(
            answers
                .iter()
                .filter(|(name, _)| source.manifest.parameters.iter().any(|p| &&p.name == name))
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        render(&source.manifest, &source.files, &naming, &given, &resources).map_err(|err| AppError::Invalid {
            message: format!(
                "Version {} of the template could not render {}: {}",
                source.manifest.version, err.path, err.message
            ),
            fields: Vec::new(),
        })
    };
    let old_files = render_with(&from)?;
    let new_files = render_with(&to)?;
    Ok(Plan {
        record,
        from,
        to,
        old_files,
        new_files,
    })
}

/// Per-file changes between two renders, by path.
pub fn diff(old: &[RenderedFile], new: &[RenderedFile]) -> Vec<FileChange> {
    let old: BTreeMap<&str, &str> = old.iter().map(|f| (f.path.as_str(), f.content.as_str())).collect();
    let new: BTreeMap<&str, &str> = new.iter().map(|f| (f.path.as_str(), f.content.as_str())).collect();
    let paths: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    paths
        .into_iter()
        .map(|path| {
            let (before, after) = (old.get(path).copied(), new.get(path).copied());
            let change = match (before, after) {
                (None, Some(_)) => Change::Added,
                (Some(_), None) => Change::Removed,
                (Some(a), Some(b)) if a == b => Change::Unchanged,
                _ => Change::Changed,
            };
            let diff = if change == Change::Unchanged {
                String::new()
            } else {
                TextDiff::from_lines(before.unwrap_or_default(), after.unwrap_or_default())
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
                    .to_string()
            };
            FileChange {
                path: path.to_owned(),
                change,
                diff,
            }
        })
        .collect()
}

/// What upgrading would change.
pub async fn preview(state: &AppState, slug: &str) -> Result<UpgradePreview, AppError> {
    let plan = plan(state, slug).await?;
    Ok(UpgradePreview {
        service_id: plan.record.id.to_string(),
        slug: plan.record.slug.clone(),
        name: plan.record.name.clone(),
        version: plan.record.version,
        template: plan.to.manifest.name.clone(),
        from: plan.from.manifest.version.clone(),
        to: plan.to.manifest.version.clone(),
        files: diff(&plan.old_files, &plan.new_files),
    })
}

/// Commits the new render to the repository and records the new template version, if the
/// service did not change since `version` was read.
pub async fn apply(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    slug: &str,
    version: i64,
) -> Result<(), AppError> {
    let plan = plan(state, slug).await?;
    let id = plan.record.id;
    let mut tx = state.pool.begin().await?;
    if !repo::claim_version(&mut tx, id, version).await? {
        return Err(AppError::Conflict {
            message: "Someone changed this service after you opened the upgrade. Reload to see the current diff."
                .into(),
        });
    }
    sqlx::query("update services set template_version = $2 where id = $1")
        .bind(id)
        .bind(&plan.to.manifest.version)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from service_files where service_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for file in &plan.new_files {
        sqlx::query("insert into service_files (service_id, path, content) values ($1, $2, $3)")
            .bind(id)
            .bind(&file.path)
            .bind(&file.content)
            .execute(&mut *tx)
            .await?;
    }
    let note = format!(
        "Template {} upgraded from {} to {}",
        plan.to.manifest.id, plan.from.manifest.version, plan.to.manifest.version
    );
    repo::add_history(&mut tx, id, None, &plan.record.status, &note).await?;
    let detail =
        json!({ "slug": plan.record.slug, "from": plan.from.manifest.version, "to": plan.to.manifest.version });
    record_by_user(
        &mut tx,
        meta,
        user,
        "service.template.upgraded",
        ("service", id),
        detail,
    )
    .await?;
    let path = repository_path(&state.info.data_dir, &plan.record.slug);
    let previous = commit_files(&path, &plan.new_files, &note)
        .await
        .map_err(AppError::internal)?;
    if let Err(err) = tx.commit().await {
        if let Err(reset) = reset_main(&path, &previous).await {
            tracing::error!(%reset, "could not undo the upgrade commit after the database refused the change");
        }
        return Err(err.into());
    }
    if mirror::get(&state.pool, id).await?.is_some() {
        mirror::push(state, meta, user, id, &plan.record.slug).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, content: &str) -> RenderedFile {
        RenderedFile {
            path: path.into(),
            content: content.into(),
        }
    }

    #[test]
    fn files_are_compared_by_path_with_unified_diffs() {
        let old = [
            file("a.txt", "one\ntwo\n"),
            file("gone.txt", "x\n"),
            file("same.txt", "s\n"),
        ];
        let new = [
            file("a.txt", "one\nthree\n"),
            file("new.txt", "y\n"),
            file("same.txt", "s\n"),
        ];
        let changes = diff(&old, &new);
        let kinds: Vec<(&str, Change)> = changes.iter().map(|c| (c.path.as_str(), c.change)).collect();
        assert_eq!(
            kinds,
            vec![
                ("a.txt", Change::Changed),
                ("gone.txt", Change::Removed),
                ("new.txt", Change::Added),
                ("same.txt", Change::Unchanged)
            ]
        );
        assert!(
            changes[0].diff.contains("-two") && changes[0].diff.contains("+three"),
            "{}",
            changes[0].diff
        );
        assert!(changes[3].diff.is_empty());
    }
}
