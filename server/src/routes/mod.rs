//! HTTP routes outside Leptos: health probes and service repositories; webhooks and metrics later.

pub mod git;
pub mod health;
pub mod static_files;
