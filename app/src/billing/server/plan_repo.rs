//! SQL of plans and their prices.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::rfc3339;
use crate::audit::server::DEFAULT_ORG_ID;
use crate::billing::plan_limits::label_of;
use crate::billing::types::{PlanLimit, PlanView, PriceView};

#[derive(sqlx::FromRow)]
pub struct PlanRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub trial_days: i32,
    pub limits: serde_json::Value,
    pub archived_at: Option<DateTime<Utc>>,
    pub stripe_product_id: Option<String>,
    pub sync_status: String,
    pub sync_error: Option<String>,
    pub version: i32,
    pub subscribers: i64,
}

#[derive(sqlx::FromRow)]
pub struct PriceRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub interval: String,
    pub currency: String,
    pub unit_amount: i64,
    pub active: bool,
    pub stripe_price_id: Option<String>,
    pub stripe_active: bool,
    pub created_at: DateTime<Utc>,
}

const PLAN_COLUMNS: &str = "select p.id, p.slug, p.name, p.description, p.trial_days, p.limits, p.archived_at, \
     p.stripe_product_id, p.sync_status, p.sync_error, p.version, \
     (select count(*) from billing_subscriptions s where s.plan_id = p.id \
        and s.status in ('trialing', 'active', 'past_due', 'unpaid')) as subscribers \
     from billing_plans p";

pub async fn plans(pool: &PgPool) -> Result<Vec<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{PLAN_COLUMNS} where p.org_id = $1 order by p.archived_at nulls first, p.created_at"
    ))
    .bind(DEFAULT_ORG_ID)
    .fetch_all(pool)
    .await
}

pub async fn plan(conn: &mut PgConnection, id: Uuid) -> Result<Option<PlanRow>, sqlx::Error> {
    sqlx::query_as(&format!("{PLAN_COLUMNS} where p.org_id = $1 and p.id = $2"))
        .bind(DEFAULT_ORG_ID)
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn prices(conn: &mut PgConnection, plan_ids: &[Uuid]) -> Result<Vec<PriceRow>, sqlx::Error> {
    sqlx::query_as(
        "select id, plan_id, interval, currency, unit_amount, active, stripe_price_id, stripe_active, created_at \
         from billing_prices where plan_id = any($1) \
         order by active desc, (interval = 'month') desc, created_at desc",
    )
    .bind(plan_ids)
    .fetch_all(conn)
    .await
}

/// A plan row and its prices as the pages show them.
pub fn to_view(plan: PlanRow, prices: &[PriceRow]) -> PlanView {
    let limits = plan
        .limits
        .as_object()
        .map(|map| {
            map.iter()
                .filter_map(|(key, value)| {
                    Some(PlanLimit {
                        key: key.clone(),
                        label: label_of(key),
                        value: value.as_i64()?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    PlanView {
        id: plan.id.to_string(),
        slug: plan.slug,
        name: plan.name,
        description: plan.description,
        trial_days: plan.trial_days,
        limits,
        prices: prices
            .iter()
            .filter(|price| price.plan_id == plan.id)
            .map(|price| PriceView {
                id: price.id.to_string(),
                interval: price.interval.clone(),
                currency: price.currency.clone(),
                unit_amount: price.unit_amount,
                active: price.active,
                stripe_price_id: price.stripe_price_id.clone(),
                created_at: rfc3339(price.created_at),
            })
            .collect(),
        archived: plan.archived_at.is_some(),
        sync_status: plan.sync_status,
        sync_error: plan.sync_error,
        stripe_product_id: plan.stripe_product_id,
        subscribers: plan.subscribers,
        version: plan.version,
    }
}

/// Records the outcome of pushing a plan to Stripe.
pub async fn set_sync(conn: &mut PgConnection, id: Uuid, error: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update billing_plans set sync_status = case when $2::text is null then 'synced' else 'failed' end, \
         sync_error = $2, synced_at = case when $2::text is null then now() else synced_at end where id = $1",
    )
    .bind(id)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}
