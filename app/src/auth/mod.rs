//! Authentication: first-run setup, password + TOTP sign-in, recovery codes, sessions, step-up,
//! brute-force throttling and the Security page.

pub mod api;
#[cfg(feature = "ssr")]
pub mod server;
pub mod types;
mod views;

pub use views::{EnrollPage, LoginPage, SecurityPage, SetupPage, StepUpPrompt, VerifyPage};

/// The signed-in user's display name and email, for the top bar (server render only).
pub fn signed_in_identity() -> Option<(String, String)> {
    #[cfg(feature = "ssr")]
    {
        server::current_user().map(|user| (user.display_name, user.email))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The one-time message waiting for this page, if any (server render only).
pub fn page_notice() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .extensions
                .get::<server::middleware::Notice>()
                .map(|notice| notice.0.clone())
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Pages shown in the narrow sign-in frame instead of the panel layout.
pub fn is_sign_in_page(path: &str) -> bool {
    matches!(path, "/setup" | "/login" | "/login/verify") || path.starts_with("/mfa/")
}
