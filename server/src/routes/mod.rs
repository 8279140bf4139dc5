//! HTTP routes outside Leptos: health probes now; webhooks and metrics later.

pub mod health;
pub mod static_files;
