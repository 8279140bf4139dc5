//! Server half of containers: the engine connection, its error messages, its event stream, the
//! container list, actions, facts, logs, stats and shells.

pub mod actions;
pub mod engine;
pub mod errors;
pub mod events;
pub mod exec;
pub mod info;
pub mod list;
pub mod log_window;
pub mod logs;
pub mod stats;
