//! Gantry's application crate: every feature from page to SQL.
//!
//! A tour:
//! - [`app`] holds the HTML shell and the router: one route per page.
//! - [`ui`] is the small UI kit every page uses (layout, navigation, cards, empty states).
//! - [`dashboard`] is the first feature: real figures read from PostgreSQL.
//! - [`pages`] holds the pages that belong to no feature yet: modules still to come, 404.
//! - [`billing`] sells plans through Stripe and enforces their limits.
//! - [`containers`] and [`deployments`] drive the Docker engine: deploy, operate, watch.
//! - [`error`] is [`error::AppError`], the one error type that crosses the wire.
//! - [`state`] (server only) is [`state::AppState`], provided once to SSR and server functions.
//!
//! The crate compiles twice: with `ssr` for the server (sqlx and friends) and with `hydrate` for
//! the browser, where only `#[island]` components become WASM; everything else stays HTML.

// Leptos view types nest deeply; the deployment page's goes past the default limit of 128.
#![recursion_limit = "256"]

pub mod app;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod containers;
#[cfg(feature = "ssr")]
pub mod crypto;
pub mod dashboard;
pub mod deployments;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod request_meta;
pub mod secrets;
pub mod services;
#[cfg(feature = "ssr")]
pub mod state;
pub mod templates;
pub mod ui;

pub use app::{shell, App};
