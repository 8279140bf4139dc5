//! Plans: create, edit and archive (one transaction each, audited), then pushed to Stripe. A
//! changed amount archives the old price and adds a new one: Stripe prices are never edited.

use serde_json::json;
use uuid::Uuid;

use super::plan_repo::{self, PriceRow};
use super::plan_sync;
use super::BillingError;
use crate::audit::server::{record_by_user, DEFAULT_ORG_ID};
use crate::auth::server::AuthUser;
use crate::billing::money::{parse_amount, Currency};
use crate::billing::plan_limits::parse_limits;
use crate::billing::types::{PlanForm, PlanList, PlanView};
use crate::error::{AppError, FieldError};
use crate::request_meta::RequestMeta;
use crate::services::types::slugify;
use crate::state::AppState;

/// Every plan, active first.
pub async fn list(state: &AppState) -> Result<PlanList, AppError> {
    let plans = plan_repo::plans(&state.pool).await?;
    let mut conn = state.pool.acquire().await?;
    let ids: Vec<Uuid> = plans.iter().map(|plan| plan.id).collect();
    let prices = plan_repo::prices(&mut conn, &ids).await?;
    let connected = super::credentials::is_set(&mut conn, super::credentials::API_KEY_NAME).await?;
    Ok(PlanList {
        plans: plans
            .into_iter()
            .map(|plan| plan_repo::to_view(plan, &prices))
            .collect(),
        connected,
    })
}

/// One plan.
pub async fn get(state: &AppState, id: &str) -> Result<PlanView, AppError> {
    let id = parse_id(id)?;
    let mut conn = state.pool.acquire().await?;
    load(&mut conn, id).await
}

pub(super) async fn load(conn: &mut sqlx::PgConnection, id: Uuid) -> Result<PlanView, AppError> {
    let plan = plan_repo::plan(conn, id)
        .await?
        .ok_or(BillingError::NotFound("The plan"))?;
    let prices = plan_repo::prices(conn, &[id]).await?;
    Ok(plan_repo::to_view(plan, &prices))
}

fn parse_id(id: &str) -> Result<Uuid, BillingError> {
    Uuid::parse_str(id.trim()).map_err(|_| BillingError::NotFound("The plan"))
}

/// A plan form that passed every check.
struct ValidPlan {
    name: String,
    slug: String,
    description: String,
    trial_days: i32,
    currency: Currency,
    amounts: [(&'static str, Option<i64>); 2],
    limits: serde_json::Value,
}

fn validate(form: &PlanForm) -> Result<ValidPlan, BillingError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| errors.push(FieldError::new(field, message));
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        fail("name", "Give the plan a name of up to 80 characters".into());
    }
    let slug = match form.slug.trim() {
        "" => slugify(&name).chars().take(40).collect::<String>(),
        given => given.to_owned(),
    };
    let slug_ok = slug.len() <= 40
        && slug
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        fail("slug", "Lowercase letters, digits and dashes, up to 40".into());
    }
    let description = form.description.trim().to_owned();
    if description.chars().count() > 500 {
        fail("description", "Keep the description under 500 characters".into());
    }
    let trial_days = match form.trial_days.trim() {
        "" => 0,
        text => match text.parse::<i32>() {
            Ok(days) if (0..=365).contains(&days) => days,
            _ => {
                fail("trial_days", "A whole number of days from 0 to 365".into());
                0
            }
        },
    };
    let currency = Currency::find(form.currency.trim());
    if currency.is_none() {
        fail("currency", "Choose one of the listed currencies".into());
    }
    let mut amount = |field: &str, text: &str| -> Option<i64> {
        let currency = currency?;
        if text.trim().is_empty() {
            return None;
        }
        parse_amount(text, currency)
            .map_err(|message| fail(field, message))
            .ok()
    };
    let monthly = amount("monthly", &form.monthly);
    let yearly = amount("yearly", &form.yearly);
    if form.monthly.trim().is_empty() && form.yearly.trim().is_empty() {
        fail("monthly", "Give a monthly or a yearly price (or both)".into());
    }
    let known = [
        form.limit_services.as_str(),
        form.limit_containers.as_str(),
        form.limit_monitors.as_str(),
        form.limit_seats.as_str(),
    ];
    let limits = match parse_limits(known, &form.limit_other) {
        Ok(limits) => json!(limits),
        Err(problems) => {
            for (field, message) in problems {
                fail(&field, message);
            }
            json!({})
        }
    };
    match (currency, errors.is_empty()) {
        (Some(currency), true) => Ok(ValidPlan {
            name,
            slug,
            description,
            trial_days,
            currency,
            amounts: [("month", monthly), ("year", yearly)],
            limits,
        }),
        _ => Err(BillingError::Invalid(errors)),
    }
}

/// Saves a plan (new when `form.id` is empty) and pushes it to Stripe; returns its id. The plan
/// is saved even when Stripe refuses or cannot be reached: its page shows why and can retry.
pub async fn save(state: &AppState, meta: &RequestMeta, user: &AuthUser, form: PlanForm) -> Result<Uuid, AppError> {
    let plan = validate(&form)?;
    let mut tx = state.pool.begin().await?;
    let (id, created) = match form.id.trim() {
        "" => {
            let id = Uuid::now_v7();
            sqlx::query(
                "insert into billing_plans (id, org_id, slug, name, description, trial_days, limits) \
                 values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(DEFAULT_ORG_ID)
            .bind(&plan.slug)
            .bind(&plan.name)
            .bind(&plan.description)
            .bind(plan.trial_days)
            .bind(&plan.limits)
            .execute(&mut *tx)
            .await
            .map_err(duplicate_slug)?;
            (id, true)
        }
        given => {
            let id = parse_id(given)?;
            let version: i32 = form.version.trim().parse().unwrap_or(-1);
            let updated = sqlx::query(
                "update billing_plans set slug = $3, name = $4, description = $5, trial_days = $6, limits = $7, \
                 version = version + 1, sync_status = 'pending', updated_at = now() \
                 where id = $1 and version = $2 and org_id = $8 and archived_at is null",
            )
            .bind(id)
            .bind(version)
            .bind(&plan.slug)
            .bind(&plan.name)
            .bind(&plan.description)
            .bind(plan.trial_days)
            .bind(&plan.limits)
            .bind(DEFAULT_ORG_ID)
            .execute(&mut *tx)
            .await
            .map_err(duplicate_slug)?
            .rows_affected();
            if updated == 0 {
                return Err(BillingError::Conflict(
                    "This plan was changed or archived since you opened it; reload the page and make your change again"
                        .into(),
                )
                .into());
            }
            (id, false)
        }
    };
    let current = plan_repo::prices(&mut tx, &[id]).await?;
    let (added, archived) = replace_prices(&mut tx, id, &plan, &current).await?;
    let action = if created {
        "billing.plan.created"
    } else {
        "billing.plan.updated"
    };
    let detail = json!({
        "name": plan.name,
        "slug": plan.slug,
        "trial_days": plan.trial_days,
        "currency": plan.currency.code,
        "prices": plan.amounts.iter().filter_map(|(interval, amount)| amount.map(|a| json!({ "interval": interval, "unit_amount": a }))).collect::<Vec<_>>(),
        "limits": plan.limits,
        "prices_added": added,
        "prices_archived": archived,
    });
    record_by_user(&mut tx, meta, user, action, ("billing_plan", id), detail).await?;
    tx.commit().await?;
    plan_sync::push(state, meta, user, id).await?;
    Ok(id)
}

/// Archives prices whose amount or currency changed (or that were removed) and adds new ones;
/// returns (added, archived).
async fn replace_prices(
    conn: &mut sqlx::PgConnection,
    plan_id: Uuid,
    plan: &ValidPlan,
    current: &[PriceRow],
) -> Result<(usize, usize), sqlx::Error> {
    let (mut added, mut archived) = (0, 0);
    for (interval, wanted) in plan.amounts {
        let active = current.iter().find(|price| price.active && price.interval == interval);
        let unchanged = matches!((active, wanted), (Some(price), Some(amount))
            if price.unit_amount == amount && price.currency == plan.currency.code);
        if unchanged {
            continue;
        }
        if let Some(price) = active {
            sqlx::query("update billing_prices set active = false, archived_at = now() where id = $1")
                .bind(price.id)
                .execute(&mut *conn)
                .await?;
            archived += 1;
        }
        if let Some(amount) = wanted {
            sqlx::query(
                "insert into billing_prices (id, plan_id, interval, currency, unit_amount) values ($1, $2, $3, $4, $5)",
            )
            .bind(Uuid::now_v7())
            .bind(plan_id)
            .bind(interval)
            .bind(plan.currency.code)
            .bind(amount)
            .execute(&mut *conn)
            .await?;
            added += 1;
        }
    }
    Ok((added, archived))
}

fn duplicate_slug(err: sqlx::Error) -> BillingError {
    match &err {
        sqlx::Error::Database(db) if db.constraint() == Some("billing_plans_org_slug_key") => {
            BillingError::Invalid(vec![FieldError::new("slug", "Another plan already uses this slug")])
        }
        _ => BillingError::Database(err),
    }
}

/// Archives a plan: it can no longer be bought; subscriptions already on it carry on.
pub async fn archive(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: &str) -> Result<(), AppError> {
    let id = parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let name: Option<String> = sqlx::query_scalar(
        "update billing_plans set archived_at = now(), sync_status = 'pending', version = version + 1, updated_at = now() \
         where id = $1 and org_id = $2 and archived_at is null returning name",
    )
    .bind(id)
    .bind(DEFAULT_ORG_ID)
    .fetch_optional(&mut *tx)
    .await?;
    let name = name.ok_or(BillingError::Conflict("The plan is already archived".into()))?;
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.plan.archived",
        ("billing_plan", id),
        json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    plan_sync::push(state, meta, user, id).await?;
    Ok(())
}

/// Pushes a plan to Stripe again; returns it as it is afterwards.
pub async fn resync(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: &str) -> Result<PlanView, AppError> {
    let id = parse_id(id)?;
    plan_sync::push(state, meta, user, id).await?;
    let mut conn = state.pool.acquire().await?;
    load(&mut conn, id).await
}
