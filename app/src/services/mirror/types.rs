//! A mirror's settings and last push, and the rules its form follows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorForm {
    pub slug: String,
    pub url: String,
    #[serde(default)]
    pub username: String,
    /// The name of the secret that holds the token; empty for a public push URL.
    #[serde(default)]
    pub token_secret: String,
}

/// A mirror as the service page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mirror {
    pub url: String,
    pub username: String,
    pub token_secret: Option<String>,
    pub last_push_at: Option<DateTime<Utc>>,
    pub last_push_ok: Option<bool>,
    pub last_error: Option<String>,
}

/// The push URL, or what is wrong with it. Credentials never go in the URL (it is shown on pages
/// and written to the audit log): they belong in Secrets.
pub fn check_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("Use an https:// (or http://) URL, such as https://github.com/acme/billing.git")?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.contains('@') {
        return Err("Leave the user name and token out of the URL: fill in the fields below instead".into());
    }
    if host.is_empty() || rest.len() == host.len() || url.chars().any(char::is_whitespace) {
        return Err("Give the full repository URL: host and path".into());
    }
    if url.len() > 500 {
        return Err("Use at most 500 characters".into());
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_urls_are_http_with_a_path_and_no_credentials() {
        assert!(check_url(" https://github.com/acme/billing.git ").is_ok());
        assert!(check_url("http://127.0.0.1:9000/repo.git").is_ok());
        for bad in [
            "git@github.com:acme/billing.git",
            "https://user:token@github.com/acme/billing.git",
            "https://github.com",
            "ftp://example.com/x",
            "https://exa mple.com/x",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
