//! Pages of sign-in and the Security page.

mod enroll;
mod login;
mod recovery_codes;
mod security;
mod setup;
mod step_up;

pub use enroll::EnrollPage;
pub use login::{LoginPage, VerifyPage};
pub use security::SecurityPage;
pub use setup::SetupPage;
pub use step_up::StepUpPrompt;
