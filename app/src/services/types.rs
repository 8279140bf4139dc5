//! What the service pages show and send, and the checks the forms and the server share.

use serde::{Deserialize, Serialize};

/// Services per page of the list.
pub const SERVICES_PAGE_SIZE: u32 = 25;

/// A service's (or an environment's) state, as the badges show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Provisioning,
    Running,
    Degraded,
    Stopped,
    Failed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Provisioning,
        Status::Running,
        Status::Degraded,
        Status::Stopped,
        Status::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Provisioning => "provisioning",
            Status::Running => "running",
            Status::Degraded => "degraded",
            Status::Stopped => "stopped",
            Status::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Provisioning => "Provisioning",
            Status::Running => "Running",
            Status::Degraded => "Degraded",
            Status::Stopped => "Stopped",
            Status::Failed => "Failed",
        }
    }
}

/// Why `slug` cannot name a service (lowercase letters, digits and `-`, 1–63, starting with a letter).
pub fn check_slug(slug: &str) -> Result<(), &'static str> {
    if slug.is_empty() {
        return Err("Enter a short name for URLs, like billing-api");
    }
    if slug.len() > 63 {
        return Err("Use at most 63 characters");
    }
    if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("Start with a lowercase letter");
    }
    if matches!(slug, "new" | "register") {
        return Err("That short name is taken by a Gantry page; choose another");
    }
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || slug.ends_with('-')
    {
        return Err("Use lowercase letters, digits and - (not at the end)");
    }
    Ok(())
}

/// A URL-safe slug made from a display name: `Billing API` -> `billing-api`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = slug.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
    slug.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// Why `name` cannot be a service's display name.
pub fn check_service_name(name: &str) -> Result<(), &'static str> {
    match name.trim().chars().count() {
        0 => Err("Enter a name"),
        n if n > 80 => Err("Use at most 80 characters"),
        _ => Ok(()),
    }
}

/// Tags from a comma-separated field: trimmed, lowercase, unique, each 1–32 of `a-z0-9-`.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
    {
        let valid = tag.len() <= 32
            && tag
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err("Tags are up to 32 lowercase letters, digits or -, separated by commas");
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > 20 {
        return Err("Use at most 20 tags");
    }
    Ok(tags)
}

/// One row of the services list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    pub tags: Vec<String>,
    pub status: Status,
    pub environments: Vec<String>,
    pub template: Option<String>,
    pub updated_at: String,
}

/// The list's filters, sort and page, from its query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    pub environment: Option<String>,
    pub tag: Option<String>,
    pub template: Option<String>,
    /// `name` (default), `-name`, `updated`, `-updated`, `status`.
    pub sort: Option<String>,
    pub page: Option<u32>,
}

/// One page of services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePage {
    pub rows: Vec<ServiceRow>,
    pub page: u32,
    pub total: i64,
    pub has_more: bool,
    /// Choices for the filters.
    pub tags: Vec<String>,
    pub environments: Vec<String>,
    pub templates: Vec<(String, String)>,
}

/// A link shown on a service's page (runbook, dashboard, repository).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

/// Links from a text field, one per line: `label https://…` (the label may be left out).
pub fn parse_links(raw: &str) -> Result<Vec<Link>, String> {
    let mut links = Vec::new();
    for (n, line) in raw.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let (label, url) = match line.rsplit_once(char::is_whitespace) {
            Some((label, url)) => (label.trim().to_owned(), url.to_owned()),
            None => (line.to_owned(), line.to_owned()),
        };
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
            return Err(format!(
                "Line {}: end the line with an http:// or https:// address",
                n + 1
            ));
        }
        links.push(Link { label, url });
    }
    if links.len() > 20 {
        return Err("Use at most 20 links".into());
    }
    Ok(links)
}

/// Plain variables from a text field, one `NAME=value` per line. Values that look like secrets
/// belong in Secrets: reference them as `${secret:NAME}` in the secret references instead.
pub fn parse_env_vars(raw: &str) -> Result<Vec<(String, String)>, String> {
    let mut vars: Vec<(String, String)> = Vec::new();
    for (n, line) in raw
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
    {
        let Some((name, value)) = line.split_once('=') else {
            return Err(format!("Line {}: write NAME=value", n + 1));
        };
        let name = name.trim();
        crate::secrets::types::check_name(name).map_err(|message| format!("Line {}: {message}", n + 1))?;
        if vars.iter().any(|(existing, _)| existing == name) {
            return Err(format!("Line {}: {name} is set twice", n + 1));
        }
        vars.push((name.to_owned(), value.trim().to_owned()));
    }
    Ok(vars)
}

/// One environment of a service and how it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentInfo {
    pub id: String,
    pub name: String,
    pub image: Option<String>,
    pub build_context: Option<String>,
    pub ports: Vec<u16>,
    pub env_vars: Vec<(String, String)>,
    /// Environment variable -> secret name, resolved at deploy time.
    pub secret_refs: Vec<(String, String)>,
    pub cpu_millis: i32,
    pub memory_mb: i32,
    pub replicas: i32,
    pub health_path: String,
    pub health_interval_secs: i32,
    pub status: Status,
}

/// A change of status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: String,
    pub environment: Option<String>,
    pub status: String,
    pub note: String,
}

/// Everything the service page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDetail {
    pub row: ServiceRow,
    /// The optimistic-lock version an edit must send back.
    pub version: i64,
    pub links: Vec<Link>,
    pub environments: Vec<EnvironmentInfo>,
    pub history: Vec<StatusChange>,
    pub template_version: Option<String>,
    /// Newer version of its template, when there is one.
    pub template_latest: Option<String>,
    pub files: Vec<String>,
    /// Where the repository is pushed after each commit, when set.
    pub mirror: Option<crate::services::mirror::types::Mirror>,
    pub archived: bool,
    pub created_at: String,
}

/// The register form (a service that exists elsewhere, or one set up by hand).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewService {
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub tags: String,
    /// Comma-separated environment names.
    #[serde(default)]
    pub environments: String,
    #[serde(default)]
    pub image: String,
    #[serde(default)]
    pub port: String,
}

/// The edit form of a service's general settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChanges {
    pub id: String,
    pub version: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub links: String,
}

/// The edit form of one environment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentChanges {
    pub service_id: String,
    pub version: i64,
    pub environment: String,
    #[serde(default)]
    pub image: String,
    #[serde(default)]
    pub ports: String,
    #[serde(default)]
    pub env_vars: String,
    #[serde(default)]
    pub secret_refs: String,
    pub cpu_millis: String,
    pub memory_mb: String,
    pub replicas: String,
    #[serde(default)]
    pub health_path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked_and_made_from_names() {
        assert_eq!(check_slug("billing-api"), Ok(()));
        for bad in ["", "Billing", "1api", "api-", "a_b", &"a".repeat(64)] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(slugify("Billing API (EU)"), "billing-api-eu");
        assert_eq!(slugify("  42 Things!! "), "things");
        assert_eq!(check_slug(&slugify("Ünïcode Ünicorn 2")), Ok(()));
    }

    #[test]
    fn links_and_variables_are_read_line_by_line_with_line_numbers() {
        let links = parse_links("Runbook https://wiki.example.com/billing\nhttps://grafana.example.com").unwrap();
        assert_eq!(links[0].label, "Runbook");
        assert_eq!(links[1].label, "https://grafana.example.com");
        assert_eq!(
            parse_links("x\nbad ftp://x").unwrap_err(),
            "Line 1: end the line with an http:// or https:// address"
        );
        assert_eq!(
            parse_env_vars("# comment\nRUST_LOG=info\nPORT = 8080").unwrap(),
            vec![
                ("RUST_LOG".to_owned(), "info".to_owned()),
                ("PORT".to_owned(), "8080".to_owned())
            ]
        );
        assert!(parse_env_vars("A=1\nA=2").unwrap_err().contains("Line 2"));
        assert!(parse_env_vars("lower=1").unwrap_err().starts_with("Line 1"));
    }

    #[test]
    fn tags_are_normalised_and_limited() {
        assert_eq!(
            parse_tags(" Payments, eu ,payments,"),
            Ok(vec!["payments".to_owned(), "eu".to_owned()])
        );
        assert!(parse_tags("has space").is_err());
        assert_eq!(parse_tags(""), Ok(vec![]));
    }
}
