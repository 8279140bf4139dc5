//! SQL of the audit page: one page of matching entries and their count.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::PgPool;

use super::filter::ValidFilter;
use super::DEFAULT_ORG_ID;
use crate::audit::types::{AuditPage, AuditRow, AUDIT_PAGE_SIZE};

/// The filters, shared by the page and the count. Actor and object match any part, in any
/// case (`strpos`, so `%` and `_` in the input are plain characters); action matches a prefix.
macro_rules! filtered {
    () => {
        " from audit_log
          where org_id = $1
            and ($2::text is null or strpos(lower(actor_label), lower($2)) > 0)
            and ($3::text is null or starts_with(action, $3))
            and ($4::text is null
                 or strpos(lower(object_type), lower($4)) > 0
                 or strpos(lower(object_id), lower($4)) > 0)
            and ($5::timestamptz is null or at >= $5)
            and ($6::timestamptz is null or at < $6)"
    };
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    id: i64,
    at: DateTime<Utc>,
    actor_label: String,
    action: String,
    object_type: String,
    object_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    request_id: Option<String>,
    detail: String,
}

/// One page of entries matching `filter`, newest first, with the number of matches.
pub async fn list(pool: &PgPool, filter: &ValidFilter) -> sqlx::Result<AuditPage> {
    let offset = i64::from(filter.page.saturating_sub(1)) * i64::from(AUDIT_PAGE_SIZE);
    let rows: Vec<ListedRow> = sqlx::query_as(concat!(
        "select id, at, actor_label, action, object_type, object_id, ip, user_agent, request_id,
                jsonb_pretty(detail) as detail",
        filtered!(),
        " order by id desc limit $7 offset $8"
    ))
    .bind(DEFAULT_ORG_ID)
    .bind(&filter.actor)
    .bind(&filter.action)
    .bind(&filter.object)
    .bind(filter.since)
    .bind(filter.before)
    .bind(i64::from(AUDIT_PAGE_SIZE))
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(concat!("select count(*)", filtered!()))
        .bind(DEFAULT_ORG_ID)
        .bind(&filter.actor)
        .bind(&filter.action)
        .bind(&filter.object)
        .bind(filter.since)
        .bind(filter.before)
        .fetch_one(pool)
        .await?;
    let total = u64::try_from(total).unwrap_or_default();
    Ok(AuditPage {
        rows: rows.into_iter().map(AuditRow::from).collect(),
        page: filter.page,
        has_more: u64::from(filter.page) * u64::from(AUDIT_PAGE_SIZE) < total,
        total,
    })
}

impl From<ListedRow> for AuditRow {
    fn from(row: ListedRow) -> Self {
        Self {
            id: row.id,
            at: row.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            actor_label: row.actor_label,
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            ip: row.ip,
            user_agent: row.user_agent,
            request_id: row.request_id,
            detail: row.detail,
        }
    }
}
