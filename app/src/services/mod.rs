//! The service registry: every service the business runs, its environments and how each runs.
//!
//! Pages: the list (`/services`, search, filters, sort, paging), register (`/services/register`),
//! the service page with tabs (`/services/:slug`) and its edit forms.

mod api;
pub mod mirror;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
pub mod upgrade;
mod views;
pub mod wizard;

pub use api::*;
pub use views::{RegisterServicePage, ServiceDetailPage, ServicesPage};
