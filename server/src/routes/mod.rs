//! HTTP routes outside Leptos: health probes, service repositories, live streams and the exec
//! terminal's WebSocket, and the Stripe webhook; metrics later.

pub mod exec;
pub mod git;
pub mod health;
pub mod live;
pub mod logs;
pub mod static_files;
pub mod stripe;
