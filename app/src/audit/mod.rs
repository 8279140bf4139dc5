//! The audit log: an append-only, hash-chained record of who did what, when and from where.
//!
//! Features append with [`server::record`] inside the transaction that makes the change; the
//! `/audit` page lists entries with filters and re-checks the chain on request.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
mod types;
mod views;

pub use api::{list_audit, verify_audit_chain};
pub use types::{AuditFilter, AuditPage, AuditRow, ChainStatus, AUDIT_PAGE_SIZE};
pub use views::{AuditPage, VerifyChain};
