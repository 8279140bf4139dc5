//! What the audit page shows and asks for, as it travels between server and page.

use serde::{Deserialize, Serialize};

/// Rows per page of the audit log.
pub const AUDIT_PAGE_SIZE: u32 = 50;

/// One audit entry as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// RFC 3339 in UTC, to the microsecond.
    pub at: String,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    /// The entry's detail as indented JSON.
    pub detail: String,
}

/// The filters of the audit page, as they come from its query string. Empty strings mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's label (usually an email), any case.
    pub actor: Option<String>,
    /// The start of the action, e.g. `auth.` or `auth.login`.
    pub action: Option<String>,
    /// Part of the object's type or id, any case.
    pub object: Option<String>,
    /// First day included, `YYYY-MM-DD` in UTC.
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` in UTC.
    pub to: Option<String>,
    /// Page number, from 1 (0 reads as 1).
    pub page: u32,
}

impl AuditFilter {
    /// True when no filter narrows the log (the page number does not count).
    pub fn is_unfiltered(&self) -> bool {
        [&self.actor, &self.action, &self.object, &self.from, &self.to]
            .into_iter()
            .all(|value| value.as_deref().is_none_or(|v| v.trim().is_empty()))
    }
}

/// One page of matching entries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// The page these rows are, from 1.
    pub page: u32,
    pub has_more: bool,
    /// Entries matching the filters, on all pages.
    pub total: u64,
}

/// The outcome of re-checking the hash chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainStatus {
    pub rows_checked: u64,
    /// The id of the first entry whose hash or link does not match, if any.
    pub first_broken: Option<i64>,
}
