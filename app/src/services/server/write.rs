//! Changes to services: register, edit, edit an environment, archive, delete.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::repo::{self, EnvironmentValues, NewRecord};
use super::{invalid, invalid_fields, not_found, parse_id};
use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::billing::server::standing::{ensure_room, Resource};
use crate::error::{AppError, FieldError};
use crate::request_meta::RequestMeta;
use crate::secrets::types::{check_environment, check_name};
use crate::services::types::{
    check_service_name, check_slug, parse_env_vars, parse_links, parse_tags, slugify, EnvironmentChanges, NewService,
    ServiceChanges,
};
use crate::state::AppState;

/// Resources a registered service starts with.
const DEFAULT_CPU_MILLIS: i32 = 500;
const DEFAULT_MEMORY_MB: i32 = 256;

/// Registers a service with its environments; returns its slug.
pub async fn create(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    form: NewService,
) -> Result<String, AppError> {
    let mut errors = Vec::new();
    let mut check = |field: &str, result: Result<(), String>| {
        if let Err(message) = result {
            errors.push(FieldError::new(field, message));
        }
    };
    let name = form.name.trim().to_owned();
    check("name", check_service_name(&name).map_err(str::to_owned));
    let slug = match form.slug.trim() {
        "" => slugify(&name),
        given => given.to_owned(),
    };
    check("slug", check_slug(&slug).map_err(str::to_owned));
    let tags = parse_tags(&form.tags).map_err(str::to_owned);
    check("tags", tags.as_ref().map(|_| ()).map_err(Clone::clone));
    let environments: Vec<String> = form
        .environments
        .split(',')
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    let environments = if environments.is_empty() {
        vec!["production".to_owned()]
    } else {
        environments
    };
    check(
        "environments",
        environments
            .iter()
            .try_for_each(|e| check_environment(e))
            .map_err(str::to_owned),
    );
    let image = form.image.trim();
    check(
        "image",
        if image.contains(char::is_whitespace) {
            Err("An image reference has no spaces, e.g. nginx:1.27-alpine".into())
        } else {
            Ok(())
        },
    );
    let ports = parse_ports(&form.port);
    check("port", ports.as_ref().map(|_| ()).map_err(Clone::clone));
    let (Ok(tags), Ok(ports), true) = (tags, ports, errors.is_empty()) else {
        return Err(invalid_fields(errors));
    };

    let mut tx = state.pool.begin().await?;
    ensure_room(&mut tx, Resource::Services).await?;
    let id = Uuid::now_v7();
    repo::insert(
        &mut tx,
        NewRecord {
            id,
            slug: &slug,
            name: &name,
            description: form.description.trim(),
            owner: form.owner.trim(),
            tags: &tags,
            template: None,
            parameters: json!({}),
        },
    )
    .await
    .map_err(|err| slug_taken(err, &slug))?;
    let values = EnvironmentValues {
        image: (!image.is_empty()).then_some(image),
        build_context: None,
        ports: &ports,
        env_vars: &[],
        secret_refs: &[],
        cpu_millis: DEFAULT_CPU_MILLIS,
        memory_mb: DEFAULT_MEMORY_MB,
        replicas: 1,
        health_path: "",
    };
    for environment in &environments {
        repo::insert_environment(&mut tx, id, environment, &values).await?;
    }
    audit(
        &mut tx,
        meta,
        user,
        "service.created",
        id,
        json!({ "slug": slug, "environments": environments }),
    )
    .await?;
    tx.commit().await?;
    Ok(slug)
}

/// Saves name, description, owner, tags and links, if nobody changed the service since `version`.
pub async fn update_general(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    form: ServiceChanges,
) -> Result<String, AppError> {
    let id = parse_id(&form.id)?;
    let mut errors = Vec::new();
    let name = form.name.trim().to_owned();
    if let Err(message) = check_service_name(&name) {
        errors.push(FieldError::new("name", message));
    }
    let tags = parse_tags(&form.tags).map_err(|m| errors.push(FieldError::new("tags", m)));
    let links = parse_links(&form.links).map_err(|m| errors.push(FieldError::new("links", m)));
    let (Ok(tags), Ok(links), true) = (tags, links, errors.is_empty()) else {
        return Err(invalid_fields(errors));
    };
    let mut tx = state.pool.begin().await?;
    let record = repo::get(&mut tx, id).await?.ok_or_else(not_found)?;
    claim(&mut tx, id, form.version).await?;
    repo::update_general(
        &mut tx,
        id,
        &name,
        form.description.trim(),
        form.owner.trim(),
        &tags,
        json!(links),
    )
    .await?;
    audit(
        &mut tx,
        meta,
        user,
        "service.updated",
        id,
        json!({ "slug": record.slug, "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(record.slug)
}

/// Saves one environment's image, ports, variables, secret references and resources.
pub async fn update_environment(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    form: EnvironmentChanges,
) -> Result<String, AppError> {
    let id = parse_id(&form.service_id)?;
    let mut errors = Vec::new();
    let mut field = |name: &str, message: String| errors.push(FieldError::new(name, message));
    let image = form.image.trim();
    if image.contains(char::is_whitespace) {
        field("image", "An image reference has no spaces".into());
    }
    let ports = parse_ports(&form.ports).map_err(|m| field("ports", m));
    let env_vars = parse_env_vars(&form.env_vars).map_err(|m| field("env_vars", m));
    let secret_refs = parse_secret_refs(&form.secret_refs).map_err(|m| field("secret_refs", m));
    let number = |raw: &str, range: std::ops::RangeInclusive<i32>, message: &str| {
        raw.trim()
            .parse::<i32>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| message.to_owned())
    };
    let cpu = number(&form.cpu_millis, 10..=64_000, "Use 10 to 64000 thousandths of a core")
        .map_err(|m| field("cpu_millis", m));
    let memory = number(&form.memory_mb, 16..=262_144, "Use 16 to 262144 MiB").map_err(|m| field("memory_mb", m));
    let replicas = number(&form.replicas, 0..=20, "Use 0 to 20 replicas").map_err(|m| field("replicas", m));
    let health_path = form.health_path.trim();
    if !health_path.is_empty() && !health_path.starts_with('/') {
        field(
            "health_path",
            "Start the path with /, or leave it empty for a TCP check".into(),
        );
    }
    let (Ok(ports), Ok(env_vars), Ok(secret_refs), Ok(cpu), Ok(memory), Ok(replicas), true) =
        (ports, env_vars, secret_refs, cpu, memory, replicas, errors.is_empty())
    else {
        return Err(invalid_fields(errors));
    };
    let mut tx = state.pool.begin().await?;
    let record = repo::get(&mut tx, id).await?.ok_or_else(not_found)?;
    claim(&mut tx, id, form.version).await?;
    let values = EnvironmentValues {
        image: (!image.is_empty()).then_some(image),
        build_context: None,
        ports: &ports,
        env_vars: &env_vars,
        secret_refs: &secret_refs,
        cpu_millis: cpu,
        memory_mb: memory,
        replicas,
        health_path,
    };
    if !repo::update_environment(&mut tx, id, &form.environment, &values).await? {
        return Err(AppError::NotFound {
            what: format!("The environment {}", form.environment),
        });
    }
    audit(
        &mut tx,
        meta,
        user,
        "service.environment.updated",
        id,
        json!({ "slug": record.slug, "environment": form.environment, "replicas": replicas, "image": image }),
    )
    .await?;
    tx.commit().await?;
    Ok(record.slug)
}

/// Archives (hides from the list, keeps everything) or restores a service.
pub async fn archive(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    id: &str,
    archived: bool,
) -> Result<String, AppError> {
    let id = parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let record = repo::get(&mut tx, id).await?.ok_or_else(not_found)?;
    if archived {
        refuse_while_live(&mut tx, id, "archive").await?;
    }
    repo::set_archived(&mut tx, id, archived).await?;
    let action = if archived {
        "service.archived"
    } else {
        "service.restored"
    };
    audit(&mut tx, meta, user, action, id, json!({ "slug": record.slug })).await?;
    tx.commit().await?;
    Ok(record.slug)
}

/// Deletes a service for good, once its name is typed and no container of it runs.
pub async fn delete(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    id: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let id = parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let record = repo::get(&mut tx, id).await?.ok_or_else(not_found)?;
    if confirm.trim() != record.slug {
        return Err(invalid("confirm", format!("Type {} to confirm", record.slug)));
    }
    refuse_while_live(&mut tx, id, "delete").await?;
    repo::delete(&mut tx, id).await?;
    audit(
        &mut tx,
        meta,
        user,
        "service.deleted",
        id,
        json!({ "slug": record.slug, "name": record.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn refuse_while_live(conn: &mut PgConnection, id: Uuid, what: &str) -> Result<(), AppError> {
    let live = repo::live_environments(conn, id).await?;
    if live.is_empty() {
        return Ok(());
    }
    Err(AppError::Conflict {
        message: format!(
            "Containers of {} may be running; stop them before you {what} the service",
            live.join(", ")
        ),
    })
}

async fn claim(conn: &mut PgConnection, id: Uuid, version: i64) -> Result<(), AppError> {
    if repo::claim_version(conn, id, version).await? {
        return Ok(());
    }
    Err(AppError::Conflict {
        message:
            "Someone changed this service after you opened it. Reload to see their changes, then apply yours again."
                .into(),
    })
}

fn slug_taken(err: sqlx::Error, slug: &str) -> AppError {
    match &err {
        sqlx::Error::Database(db) if db.constraint() == Some("services_org_slug_key") => invalid(
            "slug",
            format!("A service called {slug} exists already; choose another short name"),
        ),
        _ => AppError::from(err),
    }
}

/// Ports from a comma-separated field.
fn parse_ports(raw: &str) -> Result<Vec<u16>, String> {
    let mut ports = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<u16>() {
            Ok(port) if port > 0 && !ports.contains(&port) => ports.push(port),
            _ => return Err(format!("{part} is not a port (1 to 65535, each once)")),
        }
    }
    Ok(ports)
}

/// Secret references, one `VARIABLE=SECRET_NAME` per line.
fn parse_secret_refs(raw: &str) -> Result<Vec<(String, String)>, String> {
    let mut refs = Vec::new();
    for (n, line) in raw.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let (var, secret) = line
            .split_once('=')
            .ok_or_else(|| format!("Line {}: write VARIABLE=SECRET_NAME", n + 1))?;
        let (var, secret) = (
            var.trim(),
            secret.trim().trim_start_matches("${secret:").trim_end_matches('}'),
        );
        check_name(var).map_err(|m| format!("Line {}: {m}", n + 1))?;
        check_name(secret).map_err(|m| format!("Line {}: {m}", n + 1))?;
        refs.push((var.to_owned(), secret.to_owned()));
    }
    Ok(refs)
}

async fn audit(
    conn: &mut PgConnection,
    meta: &RequestMeta,
    user: &AuthUser,
    action: &str,
    id: Uuid,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    record_by_user(conn, meta, user, action, ("service", id), detail).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_secret_references_are_read_with_clear_errors() {
        assert_eq!(parse_ports("8080, 443"), Ok(vec![8080, 443]));
        assert!(parse_ports("0").is_err());
        assert!(parse_ports("80,80").is_err());
        assert_eq!(
            parse_secret_refs("DATABASE_URL=${secret:DB_URL}\nAPI_KEY = STRIPE_KEY"),
            Ok(vec![
                ("DATABASE_URL".into(), "DB_URL".into()),
                ("API_KEY".into(), "STRIPE_KEY".into())
            ])
        );
        assert!(parse_secret_refs("x").unwrap_err().starts_with("Line 1"));
    }
}
