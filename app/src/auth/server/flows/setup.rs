//! First run: the first admin account, created exactly once.

use std::sync::atomic::Ordering;

use secrecy::SecretString;
use tower_sessions::Session;
use uuid::Uuid;

use super::{audit, field_error};
use crate::{
    auth::{
        server::{policy, repo, session},
        types::{parse_display_name, parse_email},
    },
    error::{AppError, FieldError},
    request_meta::RequestMeta,
    state::AppState,
};

/// What the setup form sends.
pub struct SetupForm {
    pub email: String,
    pub display_name: String,
    pub password: SecretString,
    pub confirm: SecretString,
}

/// Creates the first admin and starts their MFA enrollment; refused once any user exists.
pub async fn create_first_admin(
    state: &AppState,
    cookie: &Session,
    meta: &RequestMeta,
    form: SetupForm,
) -> Result<String, AppError> {
    use secrecy::ExposeSecret;
    let mut fields = Vec::new();
    let email = parse_email(&form.email).map_err(|m| {
        fields.push(FieldError {
            field: "email".into(),
            message: m,
        })
    });
    let name = parse_display_name(&form.display_name).map_err(|m| {
        fields.push(FieldError {
            field: "display_name".into(),
            message: m,
        })
    });
    let inputs = [form.email.as_str(), form.display_name.as_str(), "gantry"];
    if let Err(m) = policy::check_policy(form.password.expose_secret(), &inputs) {
        fields.push(FieldError {
            field: "password".into(),
            message: m,
        });
    } else if form.password.expose_secret() != form.confirm.expose_secret() {
        fields.push(FieldError {
            field: "confirm".into(),
            message: "The two passwords differ".into(),
        });
    }
    let (Ok(email), Ok(name), true) = (email, name, fields.is_empty()) else {
        return Err(AppError::Invalid {
            message: "Check the highlighted fields".into(),
            fields,
        });
    };
    if state.setup_done.load(Ordering::Relaxed) || repo::any_user_exists(&state.pool).await? {
        return Err(AppError::Conflict {
            message: "Gantry is already set up; sign in instead".into(),
        });
    }
    let hash = state
        .security
        .hasher
        .hash(form.password)
        .await
        .map_err(AppError::internal)?;
    let id = Uuid::now_v7();
    let mut tx = state.pool.begin().await?;
    if !repo::create_first_admin(&mut tx, id, &email, &name, &hash).await? {
        return Err(AppError::Conflict {
            message: "Gantry is already set up; sign in instead".into(),
        });
    }
    audit(
        &mut tx,
        meta,
        (Some(id), &email),
        "auth.setup",
        id,
        serde_json::json!({ "email": email, "role": "admin" }),
    )
    .await?;
    tx.commit().await.map_err(|err| match err {
        sqlx::Error::Database(db) if db.constraint() == Some("users_email_key") => {
            field_error("email", "This email is already registered")
        }
        other => AppError::internal(other),
    })?;
    state.setup_done.store(true, Ordering::Relaxed);
    session::password_ok(cookie, id).await?;
    Ok("/mfa/enroll".into())
}
