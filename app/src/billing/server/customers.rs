//! Customers: the people and companies the business bills. Each gets a Stripe Customer (at once
//! when Stripe is connected, else at their first checkout); one of them may own the organisation,
//! whose limits then come from that customer's plan.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;
use stripe::{CreateCustomer, Customer};
use uuid::Uuid;

use super::stripe_api::{describe, Stripe};
use super::{rfc3339, BillingError};
use crate::audit::server::{record_by_user, DEFAULT_ORG_ID};
use crate::auth::server::AuthUser;
use crate::billing::types::{CheckoutView, CustomerDetail, CustomerForm, CustomerSummary, SubscriptionView};
use crate::error::{AppError, FieldError};
use crate::request_meta::RequestMeta;
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: Uuid,
    name: String,
    email: String,
    company: String,
    stripe_customer_id: Option<String>,
    plan: Option<String>,
    status: Option<String>,
    owns_org: bool,
    created_at: DateTime<Utc>,
}

const CUSTOMER_COLUMNS: &str = "select c.id, c.name, c.email, c.company, c.stripe_customer_id, \
     s.plan, s.status, coalesce(o.customer_id = c.id, false) as owns_org, c.created_at \
     from billing_customers c \
     join organizations o on o.id = c.org_id \
     left join lateral (select p.name as plan, s.status from billing_subscriptions s \
        left join billing_plans p on p.id = s.plan_id where s.customer_id = c.id \
        order by (s.status in ('trialing', 'active', 'past_due', 'unpaid')) desc, s.stripe_created desc limit 1) s on true";

fn summary(row: CustomerRow) -> CustomerSummary {
    CustomerSummary {
        id: row.id.to_string(),
        name: row.name,
        email: row.email,
        company: row.company,
        stripe_customer_id: row.stripe_customer_id,
        plan: row.plan,
        status: row.status,
        owns_org: row.owns_org,
        created_at: rfc3339(row.created_at),
    }
}

pub async fn list(state: &AppState) -> Result<Vec<CustomerSummary>, AppError> {
    let rows: Vec<CustomerRow> =
        sqlx::query_as(&format!("{CUSTOMER_COLUMNS} where c.org_id = $1 order by c.name, c.id"))
            .bind(DEFAULT_ORG_ID)
            .fetch_all(&state.pool)
            .await?;
    Ok(rows.into_iter().map(summary).collect())
}

pub(super) async fn one(conn: &mut PgConnection, id: Uuid) -> Result<CustomerSummary, BillingError> {
    let row: Option<CustomerRow> = sqlx::query_as(&format!("{CUSTOMER_COLUMNS} where c.org_id = $1 and c.id = $2"))
        .bind(DEFAULT_ORG_ID)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(summary).ok_or(BillingError::NotFound("The customer"))
}

pub(super) fn parse_id(id: &str) -> Result<Uuid, BillingError> {
    Uuid::parse_str(id.trim()).map_err(|_| BillingError::NotFound("The customer"))
}

fn validate(form: &CustomerForm) -> Result<(String, String, String), BillingError> {
    let mut errors = Vec::new();
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new("name", "Give a name of up to 120 characters"));
    }
    let email = form.email.trim().to_owned();
    let looks_like_email = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.ends_with('.'))
        && !email.chars().any(char::is_whitespace);
    if !looks_like_email {
        errors.push(FieldError::new(
            "email",
            "Give an email address like billing@example.com",
        ));
    }
    let company = form.company.trim().to_owned();
    if company.chars().count() > 120 {
        errors.push(FieldError::new("company", "Keep the company name under 120 characters"));
    }
    if errors.is_empty() {
        Ok((name, email, company))
    } else {
        Err(BillingError::Invalid(errors))
    }
}

/// Creates a customer; then, when Stripe is connected, its Stripe Customer. Returns its id.
pub async fn create(
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    form: CustomerForm,
) -> Result<Uuid, AppError> {
    let (name, email, company) = validate(&form)?;
    let id = Uuid::now_v7();
    let mut tx = state.pool.begin().await?;
    sqlx::query("insert into billing_customers (id, org_id, name, email, company) values ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(DEFAULT_ORG_ID)
        .bind(&name)
        .bind(&email)
        .bind(&company)
        .execute(&mut *tx)
        .await
        .map_err(|err| match &err {
            sqlx::Error::Database(db) if db.constraint() == Some("billing_customers_email_key") => {
                BillingError::Invalid(vec![FieldError::new(
                    "email",
                    "Another customer has this email address",
                )])
            }
            _ => BillingError::Database(err),
        })?;
    if form.owns_org {
        set_owner(&mut tx, Some(id)).await?;
    }
    let detail = json!({ "name": name, "email": email, "company": company, "owns_org": form.owns_org });
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.customer.created",
        ("billing_customer", id),
        detail,
    )
    .await?;
    tx.commit().await?;
    let mut conn = state.pool.acquire().await?;
    match ensure_in_stripe(state, &mut conn, meta, user, id).await {
        Ok(_) | Err(BillingError::NotConnected) => {}
        Err(BillingError::Stripe(message)) => {
            tracing::warn!(customer = %id, %message, "customer not created in Stripe yet; checkout will retry")
        }
        Err(other) => return Err(other.into()),
    }
    Ok(id)
}

async fn set_owner(conn: &mut PgConnection, customer: Option<Uuid>) -> Result<(), sqlx::Error> {
    sqlx::query("update organizations set customer_id = $2 where id = $1")
        .bind(DEFAULT_ORG_ID)
        .bind(customer)
        .execute(conn)
        .await?;
    Ok(())
}

/// The customer's Stripe id, creating the Stripe Customer first if it has none.
pub(super) async fn ensure_in_stripe(
    state: &AppState,
    conn: &mut PgConnection,
    meta: &RequestMeta,
    user: &AuthUser,
    id: Uuid,
) -> Result<String, BillingError> {
    let customer = one(conn, id).await?;
    if let Some(existing) = customer.stripe_customer_id {
        return Ok(existing);
    }
    let stripe = Stripe::connect(conn, &state.security.keys).await?;
    let description = (!customer.company.is_empty()).then_some(customer.company.as_str());
    let mut create = CreateCustomer::new();
    create.name = Some(&customer.name);
    create.email = Some(&customer.email);
    create.description = description;
    create.metadata = Some(HashMap::from([("gantry_customer_id".to_owned(), id.to_string())]));
    let created = Customer::create(&stripe.idempotent(format!("gantry-customer-{id}")), create)
        .await
        .map_err(|err| BillingError::Stripe(describe(&err)))?;
    let mut tx = state.pool.begin().await?;
    sqlx::query("update billing_customers set stripe_customer_id = $2, updated_at = now() where id = $1")
        .bind(id)
        .bind(created.id.as_str())
        .execute(&mut *tx)
        .await?;
    let detail = json!({ "stripe_customer": created.id.as_str() });
    record_by_user(
        &mut tx,
        meta,
        user,
        "billing.customer.linked_to_stripe",
        ("billing_customer", id),
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(created.id.to_string())
}

/// Makes the customer own the organisation (its plan limits it), or stops that.
pub async fn link(state: &AppState, meta: &RequestMeta, user: &AuthUser, id: &str, owns: bool) -> Result<(), AppError> {
    let id = parse_id(id)?;
    let mut tx = state.pool.begin().await?;
    let customer = one(&mut tx, id).await?;
    let owner = if owns { Some(id) } else { None };
    if owns || customer.owns_org {
        set_owner(&mut tx, owner).await?;
    }
    let action = if owns {
        "billing.customer.owns_org"
    } else {
        "billing.customer.released_org"
    };
    record_by_user(
        &mut tx,
        meta,
        user,
        action,
        ("billing_customer", id),
        json!({ "name": customer.name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A customer's page: subscriptions, invoices (see `invoices`), checkouts.
pub async fn detail(state: &AppState, id: &str) -> Result<CustomerDetail, AppError> {
    let id = parse_id(id)?;
    let mut conn = state.pool.acquire().await?;
    let customer = one(&mut conn, id).await?;
    let subscriptions = subscriptions(&mut conn, id).await?;
    let checkouts = checkouts(&mut conn, id).await?;
    let stripe = match Stripe::connect(&mut conn, &state.security.keys).await {
        Ok(stripe) => Some(stripe),
        Err(BillingError::NotConnected) => None,
        Err(other) => return Err(other.into()),
    };
    let invoices =
        super::invoices::for_customer(&mut conn, id, customer.stripe_customer_id.as_deref(), stripe.as_ref()).await?;
    let plans = super::plans::list(state)
        .await?
        .plans
        .into_iter()
        .filter(|plan| !plan.archived && plan.prices.iter().any(|p| p.active && p.stripe_price_id.is_some()))
        .collect();
    Ok(CustomerDetail {
        customer,
        subscriptions,
        invoices,
        checkouts,
        plans,
        connected: stripe.is_some(),
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct SubscriptionRow {
    stripe_subscription_id: String,
    plan: Option<String>,
    status: String,
    current_period_end: Option<DateTime<Utc>>,
    cancel_at_period_end: bool,
    trial_end: Option<DateTime<Utc>>,
    past_due_since: Option<DateTime<Utc>>,
    canceled_at: Option<DateTime<Utc>>,
    synced_at: DateTime<Utc>,
}

pub(super) const SUBSCRIPTION_COLUMNS: &str = "select s.stripe_subscription_id, p.name as plan, s.status, \
     s.current_period_end, s.cancel_at_period_end, s.trial_end, s.past_due_since, s.canceled_at, s.synced_at \
     from billing_subscriptions s left join billing_plans p on p.id = s.plan_id";

pub(super) fn subscription_view(row: SubscriptionRow) -> SubscriptionView {
    SubscriptionView {
        stripe_subscription_id: row.stripe_subscription_id,
        plan: row.plan,
        status: row.status,
        current_period_end: row.current_period_end.map(rfc3339),
        cancel_at_period_end: row.cancel_at_period_end,
        trial_end: row.trial_end.map(rfc3339),
        past_due_since: row.past_due_since.map(rfc3339),
        canceled_at: row.canceled_at.map(rfc3339),
        synced_at: rfc3339(row.synced_at),
    }
}

/// The customer's subscriptions, live ones first, newest first.
pub(super) async fn subscriptions(conn: &mut PgConnection, id: Uuid) -> Result<Vec<SubscriptionView>, sqlx::Error> {
    let rows: Vec<SubscriptionRow> = sqlx::query_as(&format!(
        "{SUBSCRIPTION_COLUMNS} where s.customer_id = $1 \
         order by (s.status in ('trialing', 'active', 'past_due', 'unpaid')) desc, s.stripe_created desc"
    ))
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(subscription_view).collect())
}

#[derive(sqlx::FromRow)]
struct CheckoutRow {
    stripe_session_id: String,
    plan: String,
    status: String,
    created_at: DateTime<Utc>,
    created_by_label: String,
}

async fn checkouts(conn: &mut PgConnection, id: Uuid) -> Result<Vec<CheckoutView>, sqlx::Error> {
    let rows: Vec<CheckoutRow> = sqlx::query_as(
        "select k.stripe_session_id, p.name as plan, k.status, k.created_at, k.created_by_label \
         from billing_checkouts k join billing_plans p on p.id = k.plan_id where k.customer_id = $1 \
         order by k.created_at desc limit 20",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| CheckoutView {
            session_id: row.stripe_session_id,
            plan: row.plan,
            status: row.status,
            created_at: rfc3339(row.created_at),
            created_by: row.created_by_label,
        })
        .collect())
}
