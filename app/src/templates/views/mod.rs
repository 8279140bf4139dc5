//! Pages of the template catalog.

mod detail;
mod list;

pub use detail::TemplateDetailPage;
pub use list::TemplatesPage;
