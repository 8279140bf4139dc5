//! Pushes a plan to Stripe: its Product (created once, then updated), a Price for every new price
//! row, and archiving in Stripe what was archived here. Creations carry idempotency keys named
//! after Gantry's row ids, so a retry after a crash or a lost answer never makes a duplicate.

use std::collections::HashMap;
use std::str::FromStr;

use serde_json::json;
use stripe::{
    CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval, CreateProduct, IdOrCreate, Price, PriceId,
    Product, ProductId, UpdatePrice, UpdateProduct,
};
use uuid::Uuid;

use super::plan_repo::{self, PlanRow, PriceRow};
use super::stripe_api::{describe, Stripe};
use super::BillingError;
use crate::audit::server::record_by_user;
use crate::auth::server::AuthUser;
use crate::error::AppError;
use crate::request_meta::RequestMeta;
use crate::state::AppState;

/// Pushes the plan and records the outcome on it (`synced`, or `failed` with the reason).
pub async fn push(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: Uuid) -> Result<(), AppError> {
    let mut conn = state.pool.acquire().await?;
    let outcome = match Stripe::connect(&mut conn, &state.security.keys).await {
        Ok(stripe) => push_with(&stripe, &mut conn, id).await,
        Err(err) => Err(err),
    };
    let error = match outcome {
        Ok(()) => None,
        Err(BillingError::Stripe(message)) => Some(format!("Stripe {message}")),
        Err(BillingError::NotConnected) => Some(BillingError::NotConnected.to_string()),
        Err(other) => return Err(other.into()),
    };
    let mut tx = state.pool.begin().await?;
    plan_repo::set_sync(&mut tx, id, error.as_deref()).await?;
    let action = if error.is_some() {
        "billing.plan.sync_failed"
    } else {
        "billing.plan.synced"
    };
    record_by_user(
        &mut tx,
        meta,
        user,
        action,
        ("billing_plan", id),
        json!({ "error": error }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn push_with(stripe: &Stripe, conn: &mut sqlx::PgConnection, id: Uuid) -> Result<(), BillingError> {
    let plan = plan_repo::plan(conn, id)
        .await?
        .ok_or(BillingError::NotFound("The plan"))?;
    let product = product(stripe, conn, &plan).await?;
    for price in plan_repo::prices(conn, &[id]).await? {
        let wanted_active = price.active && plan.archived_at.is_none();
        match (&price.stripe_price_id, wanted_active, price.stripe_active) {
            (None, true, _) => create_price(stripe, conn, &plan, &product, &price).await?,
            (Some(stripe_id), false, true) => set_price_active(stripe, conn, &price, stripe_id, false).await?,
            (Some(stripe_id), true, false) => set_price_active(stripe, conn, &price, stripe_id, true).await?,
            _ => {}
        }
    }
    Ok(())
}

fn metadata(pairs: &[(&str, String)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// The plan's Stripe Product id, creating the product the first time.
async fn product(stripe: &Stripe, conn: &mut sqlx::PgConnection, plan: &PlanRow) -> Result<String, BillingError> {
    let description = (!plan.description.is_empty()).then_some(plan.description.as_str());
    let meta = metadata(&[
        ("gantry_plan_id", plan.id.to_string()),
        ("gantry_plan_slug", plan.slug.clone()),
    ]);
    match &plan.stripe_product_id {
        Some(existing) => {
            let product_id = ProductId::from_str(existing).map_err(|err| BillingError::Internal(err.to_string()))?;
            let mut update = UpdateProduct::new();
            update.name = Some(&plan.name);
            update.description = Some(description.unwrap_or_default().to_owned());
            update.active = Some(plan.archived_at.is_none());
            update.metadata = Some(meta);
            Product::update(
                &stripe.idempotent(format!("gantry-product-{}-v{}", plan.id, plan.version)),
                &product_id,
                update,
            )
            .await
            .map_err(|err| BillingError::Stripe(describe(&err)))?;
            Ok(existing.clone())
        }
        None => {
            let mut create = CreateProduct::new(&plan.name);
            create.description = description;
            create.metadata = Some(meta);
            let product = Product::create(&stripe.idempotent(format!("gantry-product-{}", plan.id)), create)
                .await
                .map_err(|err| BillingError::Stripe(describe(&err)))?;
            sqlx::query("update billing_plans set stripe_product_id = $2 where id = $1")
                .bind(plan.id)
                .bind(product.id.as_str())
                .execute(&mut *conn)
                .await?;
            Ok(product.id.to_string())
        }
    }
}

async fn create_price(
    stripe: &Stripe,
    conn: &mut sqlx::PgConnection,
    plan: &PlanRow,
    product: &str,
    price: &PriceRow,
) -> Result<(), BillingError> {
    let currency =
        stripe::Currency::from_str(&price.currency).map_err(|err| BillingError::Internal(err.to_string()))?;
    let nickname = format!("{} ({}ly)", plan.name, price.interval);
    let mut create = CreatePrice::new(currency);
    create.product = Some(IdOrCreate::Id(product));
    create.unit_amount = Some(price.unit_amount);
    create.nickname = Some(&nickname);
    create.recurring = Some(CreatePriceRecurring {
        interval: if price.interval == "year" {
            CreatePriceRecurringInterval::Year
        } else {
            CreatePriceRecurringInterval::Month
        },
        ..Default::default()
    });
    create.metadata = Some(metadata(&[
        ("gantry_plan_id", plan.id.to_string()),
        ("gantry_price_id", price.id.to_string()),
    ]));
    let created = Price::create(&stripe.idempotent(format!("gantry-price-{}", price.id)), create)
        .await
        .map_err(|err| BillingError::Stripe(describe(&err)))?;
    sqlx::query("update billing_prices set stripe_price_id = $2, stripe_active = true where id = $1")
        .bind(price.id)
        .bind(created.id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

async fn set_price_active(
    stripe: &Stripe,
    conn: &mut sqlx::PgConnection,
    price: &PriceRow,
    stripe_id: &str,
    active: bool,
) -> Result<(), BillingError> {
    let price_id = PriceId::from_str(stripe_id).map_err(|err| BillingError::Internal(err.to_string()))?;
    let mut update = UpdatePrice::new();
    update.active = Some(active);
    Price::update(&stripe.reader(), &price_id, update)
        .await
        .map_err(|err| BillingError::Stripe(describe(&err)))?;
    sqlx::query("update billing_prices set stripe_active = $2 where id = $1")
        .bind(price.id)
        .bind(active)
        .execute(conn)
        .await?;
    Ok(())
}
