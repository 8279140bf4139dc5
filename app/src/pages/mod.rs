//! Pages that belong to no feature yet: modules still to come, the 404 page, the error panel.

mod coming_soon;
mod error_panel;
mod not_found;

pub use coming_soon::ComingSoonPage;
pub use error_panel::ErrorPanel;
pub use not_found::NotFoundPage;
