//! TOTP enrollment: first time (mandatory before anything else) and re-enrollment (step-up).
//!
//! The new seed waits, sealed, in the cookie session until a valid code confirms it; only then
//! does it replace the account's seed, together with a fresh set of recovery codes.

use base64::{engine::general_purpose::STANDARD, Engine};
use tower_sessions::Session;
use uuid::Uuid;

use super::{audit, complete_sign_in, now_unix, open_seed, seal_seed, totp_aad};
use crate::{
    auth::{
        server::{
            recovery, repo,
            session::{self, PendingUser, ENROLL_KEY},
            totp, AuthUser,
        },
        types::{EnrollmentDone, EnrollmentStart},
    },
    error::AppError,
    request_meta::RequestMeta,
    state::AppState,
};

/// Who is enrolling: someone mid-sign-in without MFA, or a signed-in user re-enrolling.
pub enum Enrollee {
    FirstTime(PendingUser),
    Reenroll(AuthUser),
}

impl Enrollee {
    fn user_id(&self) -> Uuid {
        match self {
            Enrollee::FirstTime(pending) => pending.user_id,
            Enrollee::Reenroll(user) => user.id,
        }
    }
}

fn pending_aad(user_id: Uuid) -> Vec<u8> {
    format!("gantry:totp-pending:{user_id}").into_bytes()
}

/// Makes a new seed, keeps it sealed in the session, and returns what the page shows.
pub async fn start(state: &AppState, cookie: &Session, who: &Enrollee) -> Result<EnrollmentStart, AppError> {
    let user = repo::user_by_id(&state.pool, who.user_id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    if matches!(who, Enrollee::FirstTime(_)) && user.totp_secret.is_some() {
        return Err(AppError::Conflict {
            message: "Your authenticator is already set up".into(),
        });
    }
    let secret = totp::new_secret();
    let mut conn = state.pool.acquire().await?;
    let sealed = seal_seed(state, &mut conn, &pending_aad(user.id), &secret).await?;
    drop(conn);
    session::put(cookie, ENROLL_KEY, STANDARD.encode(sealed)).await?;
    let url = totp::otpauth_url(&secret, "Gantry", &user.email);
    Ok(EnrollmentStart {
        qr_svg: totp::qr_svg(&url),
        secret_base32: totp::secret_base32(&secret),
        account: user.email,
    })
}

/// Confirms the pending seed with a code from the app; stores it and issues recovery codes.
pub async fn confirm(
    state: &AppState,
    cookie: &Session,
    meta: &RequestMeta,
    who: &Enrollee,
    code: &str,
) -> Result<EnrollmentDone, AppError> {
    let user = repo::user_by_id(&state.pool, who.user_id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    let Some(sealed) = session::peek::<String>(cookie, ENROLL_KEY).await? else {
        return Err(AppError::Conflict {
            message: "Start the setup again: no QR code is waiting for confirmation".into(),
        });
    };
    let sealed = STANDARD.decode(sealed).map_err(AppError::internal)?;
    let secret = open_seed(state, &pending_aad(user.id), &sealed).await?;
    let Some(step) = totp::verify(&secret, code, now_unix(), None) else {
        return Err(super::field_error(
            "code",
            "That code does not match; enter the current 6-digit code from the app",
        ));
    };
    let codes = recovery::generate();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|code| recovery::hash(code)).collect();
    let mut tx = state.pool.begin().await?;
    let stored = seal_seed(state, &mut tx, &totp_aad(user.id), &secret).await?;
    repo::set_totp(&mut tx, user.id, &stored, step).await?;
    repo::replace_recovery_codes(&mut tx, user.id, &hashes).await?;
    let action = if matches!(who, Enrollee::FirstTime(_)) {
        "auth.mfa.enrolled"
    } else {
        "auth.mfa.reenrolled"
    };
    audit(
        &mut tx,
        meta,
        (Some(user.id), &user.email),
        action,
        user.id,
        serde_json::json!({ "recovery_issued": codes.len() }),
    )
    .await?;
    tx.commit().await?;
    session::take::<String>(cookie, ENROLL_KEY).await?;
    let next = match who {
        Enrollee::FirstTime(_) => {
            complete_sign_in(state, cookie, meta, &user, "totp").await?;
            session::take_next(cookie).await?
        }
        Enrollee::Reenroll(current) => {
            repo::set_session_mfa(&state.pool, current.session_id).await?;
            session::rotate(cookie).await?;
            "/account".into()
        }
    };
    Ok(EnrollmentDone {
        next,
        recovery_codes: codes,
    })
}
