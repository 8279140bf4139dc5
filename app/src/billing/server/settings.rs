//! The Stripe connection: API base, grace period and the two keys (stored in Secrets), and the
//! connection test that asks Stripe whose account the key opens.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use super::credentials::{self, API_KEY_NAME, SIGNING_KEY_NAME};
use super::stripe_api::{explain, Stripe};
use super::{rfc3339, BillingError};
use crate::audit::server::{record_by_user, DEFAULT_ORG_ID};
use crate::auth::server::AuthUser;
use crate::billing::types::{ConnectionCheck, SettingsForm, SettingsView};
use crate::error::{AppError, FieldError};
use crate::request_meta::RequestMeta;
use crate::secrets::server::write::set_global;
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct SettingsRow {
    api_base: String,
    grace_days: i32,
    account_id: Option<String>,
    account_name: Option<String>,
    checked_at: Option<DateTime<Utc>>,
}

/// The settings as the page shows them.
pub async fn view(state: &AppState) -> Result<SettingsView, AppError> {
    let mut conn = state.pool.acquire().await?;
    let row: SettingsRow = sqlx::query_as(
        "select api_base, grace_days, account_id, account_name, checked_at from billing_settings where org_id = $1",
    )
    .bind(DEFAULT_ORG_ID)
    .fetch_one(&mut *conn)
    .await?;
    Ok(SettingsView {
        api_base: row.api_base,
        grace_days: row.grace_days,
        has_api_key: credentials::is_set(&mut conn, API_KEY_NAME).await?,
        has_signing_key: credentials::is_set(&mut conn, SIGNING_KEY_NAME).await?,
        account_id: row.account_id,
        account_name: row.account_name,
        checked_at: row.checked_at.map(rfc3339),
        endpoint: format!("{}/webhooks/stripe", public_base()),
    })
}

/// Saves the settings and any key typed in, in one transaction.
pub async fn save(state: &AppState, meta: &RequestMeta, user: &AuthUser, form: SettingsForm) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let api_base = form.api_base.trim().trim_end_matches('/').to_owned();
    if let Err(message) = check_api_base(&api_base) {
        errors.push(FieldError::new("api_base", message));
    }
    let grace_days = match form.grace_days.trim().parse::<i32>() {
        Ok(days) if (0..=90).contains(&days) => days,
        _ => {
            errors.push(FieldError::new("grace_days", "A whole number of days from 0 to 90"));
            0
        }
    };
    let api_key = form.api_key.0.trim().to_owned();
    if !(api_key.is_empty() || api_key.starts_with("sk_") || api_key.starts_with("rk_")) {
        errors.push(FieldError::new(
            "api_key",
            "A Stripe secret key starts with sk_live_ or sk_test_ (restricted keys: rk_)",
        ));
    }
    let signing_key = form.signing_key.0.trim().to_owned();
    if !signing_key.is_empty() && !signing_key.starts_with("whsec_") {
        errors.push(FieldError::new(
            "signing_key",
            "A webhook signing secret starts with whsec_",
        ));
    }
    if !errors.is_empty() {
        return Err(BillingError::Invalid(errors).into());
    }
    let mut tx = state.pool.begin().await?;
    sqlx::query("update billing_settings set api_base = $2, grace_days = $3, updated_at = now() where org_id = $1")
        .bind(DEFAULT_ORG_ID)
        .bind(&api_base)
        .bind(grace_days)
        .execute(&mut *tx)
        .await?;
    if !api_key.is_empty() {
        let description = "Stripe secret API key (Billing settings)";
        set_global(
            state,
            &mut tx,
            meta,
            user,
            API_KEY_NAME,
            description,
            &SecretString::from(api_key.clone()),
        )
        .await?;
        sqlx::query(
            "update billing_settings set account_id = null, account_name = null, checked_at = null where org_id = $1",
        )
        .bind(DEFAULT_ORG_ID)
        .execute(&mut *tx)
        .await?;
    }
    if !signing_key.is_empty() {
        let description = "Stripe webhook signing secret (Billing settings)";
        set_global(
            state,
            &mut tx,
            meta,
            user,
            SIGNING_KEY_NAME,
            description,
            &SecretString::from(signing_key.clone()),
        )
        .await?;
    }
    let detail = json!({
        "api_base": api_base,
        "grace_days": grace_days,
        "api_key_changed": !api_key.is_empty(),
        "signing_key_changed": !signing_key.is_empty(),
    });
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.settings.updated",
        ("organization", DEFAULT_ORG_ID),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn check_api_base(base: &str) -> Result<(), &'static str> {
    let rest = base
        .strip_prefix("https://")
        .or_else(|| base.strip_prefix("http://"))
        .ok_or("Start with https:// (or http:// for a local server)")?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || base.chars().any(char::is_whitespace) || base.len() > 300 {
        return Err("Give a full URL, like https://api.stripe.com");
    }
    Ok(())
}

#[derive(Deserialize)]
struct Account {
    id: String,
    business_profile: Option<BusinessProfile>,
    settings: Option<AccountSettings>,
    email: Option<String>,
}

#[derive(Deserialize)]
struct BusinessProfile {
    name: Option<String>,
}

#[derive(Deserialize)]
struct AccountSettings {
    dashboard: Option<Dashboard>,
}

#[derive(Deserialize)]
struct Dashboard {
    display_name: Option<String>,
}

/// Asks Stripe for the account the key belongs to and remembers its name.
pub async fn test_connection(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
) -> Result<ConnectionCheck, AppError> {
    let mut conn = state.pool.acquire().await?;
    let stripe = Stripe::connect(&mut conn, &state.security.keys).await?;
    drop(conn);
    let account: Account = stripe.reader().get("/account").await.map_err(explain)?;
    let name = account
        .settings
        .and_then(|s| s.dashboard)
        .and_then(|d| d.display_name)
        .or_else(|| account.business_profile.and_then(|p| p.name))
        .or(account.email)
        .unwrap_or_else(|| account.id.clone());
    let mut tx = state.pool.begin().await?;
    sqlx::query("update billing_settings set account_id = $2, account_name = $3, checked_at = now() where org_id = $1")
        .bind(DEFAULT_ORG_ID)
        .bind(&account.id)
        .bind(&name)
        .execute(&mut *tx)
        .await?;
    let detail = json!({ "account": account.id, "account_name": name });
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.connection.checked",
        ("organization", DEFAULT_ORG_ID),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(ConnectionCheck {
        account_id: account.id,
        account_name: name,
    })
}

/// The panel's address as the browser sees it (from the request's Origin, else its Host), for
/// the URLs Stripe sends people and events back to.
pub fn public_base() -> String {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return String::new();
    };
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(origin) = header("origin").filter(|o| o.starts_with("http")) {
        return origin.trim_end_matches('/').to_owned();
    }
    let scheme = header("x-forwarded-proto").unwrap_or_else(|| "http".into());
    match header("host") {
        Some(host) => format!("{scheme}://{host}"),
        None => String::new(),
    }
}
