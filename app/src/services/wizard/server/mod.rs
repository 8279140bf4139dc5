//! Server half of the creation wizard.

pub mod create;
pub mod drafts;
pub mod git;
