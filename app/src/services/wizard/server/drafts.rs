//! Wizard drafts: saved after every step, so a reload (or tomorrow) finds the answers again.
//! A draft belongs to the user who started it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::server::AuthUser;
use crate::error::{AppError, FieldError};
use crate::services::server::{invalid_fields, parse_id};
use crate::services::types::{check_service_name, check_slug, slugify};
use crate::services::wizard::types::{Draft, DraftSummary, Naming, NamingForm};
use crate::state::AppState;
use crate::templates::server::{repo as templates, source::TemplateSource};
use crate::templates::types::{parse_answer, pattern_message, ParamValue};

/// What a draft stores besides its step.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Answers {
    version: String,
    #[serde(default)]
    params: BTreeMap<String, ParamValue>,
    #[serde(default)]
    naming: Option<Naming>,
}

type Json<T> = sqlx::types::Json<T>;
type Stamp = chrono::DateTime<chrono::Utc>;
/// A draft's row: template, step, answers, last change.
type DraftRow = (Option<String>, i32, Json<Answers>, Stamp);

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    template: Option<String>,
    step: i32,
    answers: Json<Answers>,
    updated_at: Stamp,
}

fn not_found() -> AppError {
    AppError::NotFound {
        what: "The draft".into(),
    }
}

/// Starts a draft for the latest version of a template; returns its id.
pub async fn start(state: &AppState, user: &AuthUser, template_id: &str) -> Result<Uuid, AppError> {
    let summary = templates::summary(&state.pool, template_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: "The template".into(),
        })?;
    let source = templates::version(&state.pool, template_id, &summary.version)
        .await?
        .ok_or_else(|| AppError::internal("a template's latest version is missing"))?;
    let answers = Answers {
        version: summary.version,
        params: source.manifest.default_answers(),
        naming: None,
    };
    let id = Uuid::now_v7();
    sqlx::query("insert into wizard_drafts (id, user_id, template_id, step, answers) values ($1, $2, $3, 1, $4)")
        .bind(id)
        .bind(user.id)
        .bind(template_id)
        .bind(sqlx::types::Json(&answers))
        .execute(&state.pool)
        .await?;
    Ok(id)
}

/// A draft with the template version it was started with.
pub async fn load(state: &AppState, user: &AuthUser, id: &str) -> Result<(Draft, TemplateSource), AppError> {
    let id = parse_id(id).map_err(|_| not_found())?;
    let row: Option<DraftRow> = sqlx::query_as(
        "select template_id, step, answers, updated_at from wizard_drafts where id = $1 and user_id = $2",
    )
    .bind(id)
    .bind(user.id)
    .fetch_optional(&state.pool)
    .await?;
    let (template_id, step, answers, updated_at) = row.ok_or_else(not_found)?;
    let template_id = template_id.ok_or_else(|| AppError::Conflict {
        message: "The template of this draft was removed; discard the draft and start again".into(),
    })?;
    let source = templates::version(&state.pool, &template_id, &answers.version)
        .await?
        .ok_or_else(|| AppError::Conflict {
            message: "The template version of this draft is gone; discard the draft and start again".into(),
        })?;
    let draft = Draft {
        id: id.to_string(),
        step: step.clamp(1, 3) as u8,
        template_id,
        template_name: source.manifest.name.clone(),
        manifest: source.manifest.clone(),
        params: answers.0.params,
        naming: answers.0.naming,
        updated_at: updated_at.to_rfc3339(),
    };
    Ok((draft, source))
}

/// Checks and saves step 2, the template's parameters. Field errors are keyed by parameter name.
pub async fn save_params(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    raw: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let (draft, _) = load(state, user, id).await?;
    let mut params = BTreeMap::new();
    let mut errors = Vec::new();
    for param in &draft.manifest.parameters {
        let given = raw.get(&param.name).map(String::as_str).unwrap_or_default();
        match parse_answer(param, given) {
            Ok(Some(ParamValue::Text(text))) => {
                if let Some(pattern) = &param.pattern {
                    let whole = format!("^(?:{pattern})$");
                    if !regex_lite::Regex::new(&whole).is_ok_and(|re| re.is_match(&text)) {
                        errors.push(FieldError::new(&param.name, pattern_message(pattern)));
                        continue;
                    }
                }
                params.insert(param.name.clone(), ParamValue::Text(text));
            }
            Ok(Some(value)) => {
                params.insert(param.name.clone(), value);
            }
            Ok(None) => {}
            Err(message) => errors.push(FieldError::new(&param.name, message)),
        }
    }
    if !errors.is_empty() {
        return Err(invalid_fields(errors));
    }
    update(state, user, &draft, 2, |answers| answers.params = params).await
}

/// Checks and saves step 3: name, environments and resources.
pub async fn save_naming(state: &AppState, user: &AuthUser, form: NamingForm) -> Result<(), AppError> {
    let (draft, _) = load(state, user, &form.draft).await?;
    let mut errors = Vec::new();
    let mut field = |name: &str, message: &str| errors.push(FieldError::new(name, message));
    let name = form.name.trim().to_owned();
    if let Err(message) = check_service_name(&name) {
        field("name", message);
    }
    let slug = match form.slug.trim() {
        "" => slugify(&name),
        given => given.to_owned(),
    };
    if let Err(message) = check_slug(&slug) {
        field("slug", message);
    }
    let mut environments: Vec<String> = [
        (form.production, "production"),
        (form.staging, "staging"),
        (form.development, "development"),
    ]
    .into_iter()
    .filter(|(chosen, _)| *chosen)
    .map(|(_, name)| name.to_owned())
    .collect();
    let custom = form.custom_environment.trim();
    if !custom.is_empty() {
        environments.push(custom.to_owned());
    }
    environments.retain(|e| !e.is_empty());
    environments.dedup();
    if environments.is_empty() {
        field("environments", "Choose at least one environment");
    }
    if let Some(Err(message)) = environments
        .iter()
        .map(|e| crate::secrets::types::check_environment(e))
        .find(Result::is_err)
    {
        field("environments", message);
    }
    let number =
        |raw: &str, range: std::ops::RangeInclusive<u32>| raw.trim().parse::<u32>().ok().filter(|n| range.contains(n));
    let port = number(&form.port, 1..=65535);
    let cpu = number(&form.cpu_millis, 10..=64_000);
    let memory = number(&form.memory_mb, 16..=262_144);
    let replicas = number(&form.replicas, 1..=20);
    for (value, name, message) in [
        (port, "port", "Use a port from 1 to 65535"),
        (cpu, "cpu_millis", "Use 10 to 64000 thousandths of a core"),
        (memory, "memory_mb", "Use 16 to 262144 MiB"),
        (replicas, "replicas", "Use 1 to 20 replicas"),
    ] {
        if value.is_none() {
            field(name, message);
        }
    }
    let health_path = form.health_path.trim().to_owned();
    if !health_path.is_empty() && !health_path.starts_with('/') {
        field(
            "health_path",
            "Start the path with /, or leave it empty for a TCP check",
        );
    }
    let (Some(port), Some(cpu), Some(memory), Some(replicas), true) = (port, cpu, memory, replicas, errors.is_empty())
    else {
        return Err(invalid_fields(errors));
    };
    let taken: bool = sqlx::query_scalar("select exists (select 1 from services where slug = $1)")
        .bind(&slug)
        .fetch_one(&state.pool)
        .await?;
    if taken {
        return Err(invalid_fields(vec![FieldError::new(
            "slug",
            format!("A service called {slug} exists already; choose another short name"),
        )]));
    }
    let naming = Naming {
        name,
        slug,
        description: form.description.trim().to_owned(),
        environments,
        port: port as u16,
        cpu_millis: cpu,
        memory_mb: memory,
        replicas,
        health_path,
    };
    update(state, user, &draft, 3, |answers| answers.naming = Some(naming)).await
}

async fn update(
    state: &AppState,
    user: &AuthUser,
    draft: &Draft,
    step: u8,
    change: impl FnOnce(&mut Answers),
) -> Result<(), AppError> {
    let mut answers = Answers {
        version: draft.manifest.version.clone(),
        params: draft.params.clone(),
        naming: draft.naming.clone(),
    };
    change(&mut answers);
    sqlx::query(
        "update wizard_drafts set answers = $3, step = greatest(step, $4), updated_at = now() where id = $1 and user_id = $2",
    )
    .bind(parse_id(&draft.id)?)
    .bind(user.id)
    .bind(sqlx::types::Json(&answers))
    .bind(i32::from(step))
    .execute(&state.pool)
    .await?;
    Ok(())
}

/// The signed-in user's drafts, newest first.
pub async fn list(state: &AppState, user: &AuthUser) -> Result<Vec<DraftSummary>, AppError> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "select d.id, t.name as template, d.step, d.answers, d.updated_at from wizard_drafts d left join templates t on t.id = d.template_id \
         where d.user_id = $1 order by d.updated_at desc limit 50",
    )
    .bind(user.id)
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| DraftSummary {
            id: row.id.to_string(),
            template_name: row.template.unwrap_or_else(|| "a removed template".into()),
            name: row.answers.0.naming.map(|n| n.name),
            step: row.step.clamp(1, 3) as u8,
            updated_at: row.updated_at.to_rfc3339(),
        })
        .collect())
}

/// Deletes a draft.
pub async fn discard(state: &AppState, user: &AuthUser, id: &str) -> Result<(), AppError> {
    let id = parse_id(id).map_err(|_| not_found())?;
    sqlx::query("delete from wizard_drafts where id = $1 and user_id = $2")
        .bind(id)
        .bind(user.id)
        .execute(&state.pool)
        .await?;
    Ok(())
}
