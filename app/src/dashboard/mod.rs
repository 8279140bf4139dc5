//! The dashboard: where everything stands, from real figures in the database.

mod api;
#[cfg(feature = "ssr")]
pub mod server;
mod types;
mod views;

pub use api::get_dashboard;
pub use types::{DashboardSummary, ServiceCounts, SystemFacts};
pub use views::DashboardPage;
