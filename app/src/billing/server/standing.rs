//! Where the organisation stands with its plan, and the check other modules make before they
//! create something. The plan of the customer that owns the organisation sets the limits; a
//! past-due subscription keeps working for the grace period, then blocks new services and
//! containers (running ones are never touched). No owning customer: nothing is limited.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{customers, inbox, rfc3339};
use crate::audit::server::DEFAULT_ORG_ID;
use crate::billing::plan_limits::{label_of, LIMIT_KEYS};
use crate::billing::types::{BannerState, Overview, Standing, Usage};
use crate::error::AppError;
use crate::state::AppState;

/// What is about to be created.
#[derive(Clone, Copy, Debug)]
pub enum Resource {
    Services,
    /// `adding` containers for one environment, whose current containers do not count twice.
    Containers {
        adding: i64,
        environment: Uuid,
    },
}

#[derive(sqlx::FromRow)]
struct LivePlan {
    stripe_subscription_id: String,
    status: String,
    past_due_since: Option<DateTime<Utc>>,
    plan: Option<String>,
    limits: Option<serde_json::Value>,
}

struct OrgPlan {
    customer: Option<Uuid>,
    grace_days: i32,
    live: Option<LivePlan>,
}

async fn org_plan(conn: &mut PgConnection) -> Result<OrgPlan, sqlx::Error> {
    let (customer, grace_days): (Option<Uuid>, i32) = sqlx::query_as(
        "select o.customer_id, b.grace_days from organizations o join billing_settings b on b.org_id = o.id where o.id = $1",
    )
    .bind(DEFAULT_ORG_ID)
    .fetch_one(&mut *conn)
    .await?;
    let live = match customer {
        Some(customer) => {
            sqlx::query_as(
                "select s.stripe_subscription_id, s.status, s.past_due_since, p.name as plan, p.limits \
                 from billing_subscriptions s left join billing_plans p on p.id = s.plan_id \
                 where s.customer_id = $1 and s.status in ('trialing', 'active', 'past_due', 'unpaid') \
                 order by s.stripe_created desc limit 1",
            )
            .bind(customer)
            .fetch_optional(&mut *conn)
            .await?
        }
        None => None,
    };
    Ok(OrgPlan {
        customer,
        grace_days,
        live,
    })
}

fn standing_of(plan: &OrgPlan, now: DateTime<Utc>) -> Standing {
    match (&plan.customer, &plan.live) {
        (None, _) => Standing::Unmetered,
        (Some(_), None) => Standing::NoPlan,
        (Some(_), Some(live)) => match (live.status.as_str(), live.past_due_since) {
            ("past_due" | "unpaid", since) => {
                let since = since.unwrap_or(now);
                let blocks_at = since + Duration::days(i64::from(plan.grace_days));
                Standing::PastDue {
                    since: rfc3339(since),
                    blocks_at: rfc3339(blocks_at),
                    blocked: now >= blocks_at,
                }
            }
            _ => Standing::Good,
        },
    }
}

/// How many of `key` the organisation uses now; `None` for what Gantry does not count yet.
async fn used(
    conn: &mut PgConnection,
    key: &str,
    except_environment: Option<Uuid>,
) -> Result<Option<i64>, sqlx::Error> {
    let count = match key {
        "services" => {
            sqlx::query_scalar("select count(*) from services where org_id = $1 and archived_at is null")
                .bind(DEFAULT_ORG_ID)
                .fetch_one(conn)
                .await?
        }
        "containers" => {
            sqlx::query_scalar(
                "select coalesce(sum(e.replicas), 0)::bigint from service_environments e \
                 join services s on s.id = e.service_id \
                 where s.org_id = $1 and s.archived_at is null \
                 and e.status in ('provisioning', 'running', 'degraded') and e.id is distinct from $2",
            )
            .bind(DEFAULT_ORG_ID)
            .bind(except_environment)
            .fetch_one(conn)
            .await?
        }
        _ => return Ok(None),
    };
    Ok(Some(count))
}

fn limit_of(live: &LivePlan, key: &str) -> Option<i64> {
    live.limits.as_ref()?.get(key)?.as_i64()
}

/// Refuses the creation when the plan does not allow it. Call it on the creating transaction:
/// it takes a lock so that two creations at once cannot both take the last place.
pub async fn ensure_room(conn: &mut PgConnection, resource: Resource) -> Result<(), AppError> {
    sqlx::query("select pg_advisory_xact_lock(hashtext('gantry-plan-limits'))")
        .execute(&mut *conn)
        .await?;
    let plan = org_plan(conn).await?;
    let refuse = |message: String| Err(AppError::PlanLimit { message });
    match standing_of(&plan, Utc::now()) {
        Standing::Unmetered => return Ok(()),
        Standing::NoPlan => {
            return refuse(
                "This organisation has no active plan: subscribe to a plan to create services and containers".into(),
            )
        }
        Standing::PastDue { since, blocked: true, .. } => {
            return refuse(format!(
                "A payment is overdue since {}: new services and containers are blocked until it is paid (running services keep running)",
                since.get(..10).unwrap_or(&since)
            ))
        }
        Standing::Good | Standing::PastDue { .. } => {}
    }
    let Some(live) = plan.live else {
        return Ok(());
    };
    let (key, adding, except) = match resource {
        Resource::Services => ("services", 1, None),
        Resource::Containers { adding, environment } => ("containers", adding, Some(environment)),
    };
    let Some(limit) = limit_of(&live, key) else {
        return Ok(());
    };
    let in_use = used(conn, key, except).await?.unwrap_or_default();
    if in_use + adding > limit {
        let plan_name = live.plan.unwrap_or_else(|| "current".into());
        let wanted = if adding > 1 {
            format!(" and this needs {adding} more")
        } else {
            String::new()
        };
        return refuse(format!(
            "The {plan_name} plan allows {limit} {}; {in_use} in use{wanted}. Upgrade the plan to add more",
            label_of(key).to_lowercase()
        ));
    }
    Ok(())
}

/// The billing overview of the organisation.
pub async fn overview(state: &AppState) -> Result<Overview, AppError> {
    let mut conn = state.pool.acquire().await?;
    let plan = org_plan(&mut conn).await?;
    let standing = standing_of(&plan, Utc::now());
    let customer = match plan.customer {
        Some(id) => Some(customers::one(&mut conn, id).await?),
        None => None,
    };
    let subscription = match (&plan.customer, &plan.live) {
        (Some(customer), Some(live)) => customers::subscriptions(&mut conn, *customer)
            .await?
            .into_iter()
            .find(|s| s.stripe_subscription_id == live.stripe_subscription_id),
        _ => None,
    };
    let mut keys: Vec<String> = LIMIT_KEYS.iter().map(|k| k.key.to_owned()).collect();
    if let Some(limits) = plan
        .live
        .as_ref()
        .and_then(|l| l.limits.as_ref())
        .and_then(|l| l.as_object())
    {
        keys.extend(
            limits
                .keys()
                .filter(|k| !LIMIT_KEYS.iter().any(|known| known.key == k.as_str()))
                .cloned(),
        );
    }
    let mut usage = Vec::new();
    for key in keys {
        usage.push(Usage {
            label: label_of(&key),
            used: used(&mut conn, &key, None).await?,
            limit: plan.live.as_ref().and_then(|live| limit_of(live, &key)),
            key,
        });
    }
    let connected = super::credentials::is_set(&mut conn, super::credentials::API_KEY_NAME).await?;
    let (plans, customers): (i64, i64) = sqlx::query_as(
        "select (select count(*) from billing_plans where org_id = $1 and archived_at is null), \
         (select count(*) from billing_customers where org_id = $1)",
    )
    .bind(DEFAULT_ORG_ID)
    .fetch_one(&mut *conn)
    .await?;
    let (_, failed_events) = inbox::counts(&state.pool).await?;
    Ok(Overview {
        customer,
        subscription,
        standing,
        usage,
        connected,
        plans,
        customers,
        failed_events,
    })
}

/// The banner's state: set while the owning customer's payment is overdue.
pub async fn banner(state: &AppState) -> Result<Option<BannerState>, AppError> {
    let mut conn = state.pool.acquire().await?;
    let plan = org_plan(&mut conn).await?;
    Ok(match (standing_of(&plan, Utc::now()), plan.customer) {
        (
            Standing::PastDue {
                since,
                blocks_at,
                blocked,
            },
            Some(customer),
        ) => Some(BannerState {
            customer_id: customer.to_string(),
            since,
            blocks_at,
            blocked,
        }),
        _ => None,
    })
}
