//! Brute-force protection: failure counters per account and per client address, kept in
//! PostgreSQL so they survive restarts.
//!
//! After `threshold` failures in a row a key is blocked for 30 s, doubling with each further
//! failure up to 15 minutes. Counters forget failures older than an hour, so nobody (the last
//! admin included) is ever locked out for longer than the cap.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::error::AppError;

const BASE_DELAY_SECS: i64 = 30;
const MAX_DELAY_SECS: i64 = 15 * 60;
const FORGET_AFTER_SECS: i64 = 60 * 60;

/// What a key names and after how many failures it starts to back off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub threshold: i32,
}

impl Limit {
    /// Five failures per account, counted by the email typed so unknown accounts behave the same.
    pub fn account(email: &str) -> Self {
        Self {
            key: format!("account:{}", email.trim().to_lowercase()),
            threshold: 5,
        }
    }

    /// Twenty failures per client address (offices share one address).
    pub fn ip(ip: Option<&str>) -> Self {
        Self {
            key: format!("ip:{}", ip.unwrap_or("unknown")),
            threshold: 20,
        }
    }

    /// Five wrong second-factor codes per user.
    pub fn second_factor(user_id: uuid::Uuid) -> Self {
        Self {
            key: format!("mfa:{user_id}"),
            threshold: 5,
        }
    }
}

/// The delay after `failures` failures against a limit of `threshold`.
pub fn delay_after(failures: i32, threshold: i32) -> Option<Duration> {
    if failures < threshold {
        return None;
    }
    let doublings = (failures - threshold).min(20) as u32;
    Some(Duration::seconds((BASE_DELAY_SECS << doublings).min(MAX_DELAY_SECS)))
}

/// Refuses with `RateLimited` while any of the limits is blocked. Runs before any password hashing.
pub async fn check(pool: &PgPool, limits: &[Limit]) -> Result<(), AppError> {
    let keys: Vec<String> = limits.iter().map(|limit| limit.key.clone()).collect();
    let until: Option<DateTime<Utc>> = sqlx::query_scalar(
        "select max(blocked_until) from auth_throttle where key = any($1) and blocked_until > now()",
    )
    .bind(&keys)
    .fetch_one(pool)
    .await?;
    match until {
        Some(until) => {
            let secs = (until - Utc::now()).num_seconds().max(1);
            Err(AppError::RateLimited {
                retry_after_secs: secs as u64,
            })
        }
        None => Ok(()),
    }
}

/// Counts one failure against each limit.
pub async fn record_failure(pool: &PgPool, limits: &[Limit]) -> Result<(), AppError> {
    for limit in limits {
        let failures: i32 = sqlx::query_scalar(
            "insert into auth_throttle (key, failures, last_failure_at) values ($1, 1, now())
             on conflict (key) do update set
               failures = case when auth_throttle.last_failure_at < now() - make_interval(secs => $2)
                               then 1 else auth_throttle.failures + 1 end,
               last_failure_at = now()
             returning failures",
        )
        .bind(&limit.key)
        .bind(FORGET_AFTER_SECS as f64)
        .fetch_one(pool)
        .await?;
        if let Some(delay) = delay_after(failures, limit.threshold) {
            sqlx::query("update auth_throttle set blocked_until = now() + make_interval(secs => $2) where key = $1")
                .bind(&limit.key)
                .bind(delay.num_seconds() as f64)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// Clears the counters of these limits after a success.
pub async fn reset(pool: &PgPool, limits: &[Limit]) -> Result<(), AppError> {
    let keys: Vec<String> = limits.iter().map(|limit| limit.key.clone()).collect();
    sqlx::query("delete from auth_throttle where key = any($1)")
        .bind(&keys)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_delay_below_the_threshold_then_doubling_up_to_the_cap() {
        assert_eq!(delay_after(4, 5), None);
        assert_eq!(delay_after(5, 5), Some(Duration::seconds(30)));
        assert_eq!(delay_after(6, 5), Some(Duration::seconds(60)));
        assert_eq!(delay_after(8, 5), Some(Duration::seconds(240)));
        assert_eq!(delay_after(50, 5), Some(Duration::seconds(15 * 60)));
    }

    #[test]
    fn account_keys_ignore_case_and_surrounding_spaces() {
        assert_eq!(
            Limit::account(" Admin@Example.com ").key,
            Limit::account("admin@example.com").key
        );
    }
}
