//! What sign-in and the Security page exchange between browser and server, and the field checks
//! both sides run.

use serde::{Deserialize, Serialize};

/// Shortest password accepted.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A trimmed email address of sensible shape, or a message for the form.
pub fn parse_email(input: &str) -> Result<String, String> {
    let email = input.trim();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if valid {
        Ok(email.to_owned())
    } else {
        Err("Enter an email address like name@example.com".into())
    }
}

/// A display name of 1 to 80 characters after trimming.
pub fn parse_display_name(input: &str) -> Result<String, String> {
    let name = input.trim();
    match name.chars().count() {
        0 => Err("Enter the name to show for this account".into()),
        1..=80 => Ok(name.to_owned()),
        _ => Err("Use at most 80 characters".into()),
    }
}

/// The length rule, checked in the browser too; the server adds the common-password check.
pub fn check_password_length(password: &str) -> Result<(), String> {
    match password.chars().count() {
        n if n < PASSWORD_MIN_CHARS => Err(format!("Use at least {PASSWORD_MIN_CHARS} characters")),
        n if n > PASSWORD_MAX_CHARS => Err(format!("Use at most {PASSWORD_MAX_CHARS} characters")),
        _ => Ok(()),
    }
}

/// What the enrollment page shows: the QR code (SVG markup made on the server) and the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentStart {
    pub qr_svg: String,
    pub secret_base32: String,
    pub account: String,
}

/// Where to go next, and the recovery codes to show once (empty when none were made).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentDone {
    pub next: String,
    pub recovery_codes: Vec<String>,
}

/// One signed-in browser, as the Security page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: String,
    pub device: String,
    pub ip: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub current: bool,
}

/// One sign-in attempt of the user's own history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptInfo {
    pub at: String,
    pub step: String,
    pub success: bool,
    pub ip: String,
    pub device: String,
}

/// Everything on the Security page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityOverview {
    pub email: String,
    pub display_name: String,
    pub recovery_codes_left: i64,
    pub sessions: Vec<SessionInfo>,
    pub attempts: Vec<AttemptInfo>,
}

/// A short "Firefox on Linux" from a user agent string.
pub fn device_label(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent else {
        return "Unknown device".into();
    };
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, os) {
        (Some(browser), Some(os)) => format!("{browser} on {os}"),
        (Some(browser), None) => browser.into(),
        (None, Some(os)) => format!("Browser on {os}"),
        (None, None) => agent.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_need_a_domain_with_a_dot() {
        assert_eq!(parse_email("  ops@example.com "), Ok("ops@example.com".into()));
        assert!(parse_email("ops@localhost").is_err());
        assert!(parse_email("ops example@example.com").is_err());
        assert!(parse_email("@example.com").is_err());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(parse_display_name("  Ada  "), Ok("Ada".into()));
        assert!(parse_display_name("   ").is_err());
        assert!(parse_display_name(&"x".repeat(81)).is_err());
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert!(check_password_length("ééééééééééé").is_err());
        assert!(check_password_length("éééééééééééé").is_ok());
        assert!(check_password_length(&"a".repeat(129)).is_err());
    }

    #[test]
    fn devices_read_as_browser_on_system() {
        let chrome =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(device_label(Some(chrome)), "Chrome on Linux");
        assert_eq!(device_label(None), "Unknown device");
    }
}
