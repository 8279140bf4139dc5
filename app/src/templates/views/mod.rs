//! Pages of the template catalog.

mod detail;
mod list;
mod upload;

pub use detail::TemplateDetailPage;
pub use list::TemplatesPage;
pub use upload::UploadTemplatePage;
