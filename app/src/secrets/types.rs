//! What the secrets pages show and send, and the checks both the forms and the server apply.

use serde::{Deserialize, Serialize};

/// The largest value a secret may hold.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// The longest secret name.
pub const MAX_NAME_LEN: usize = 128;
/// The longest description.
pub const MAX_DESCRIPTION_LEN: usize = 500;
/// How long a revealed value stays on screen.
pub const REVEAL_SECONDS: u32 = 30;

/// Why `name` is not a valid secret name (env-var style: `A-Z`, `0-9`, `_`, not starting with a digit).
pub fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("Enter a name");
    }
    if name.len() > MAX_NAME_LEN {
        return Err("Use at most 128 characters");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("Start with a letter or _, not a digit");
    }
    if name.chars().any(|c| c.is_ascii_lowercase()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("Use capital letters, like an environment variable (DATABASE_URL)");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return Err("Use only A-Z, 0-9 and _, like an environment variable (DATABASE_URL)");
    }
    Ok(())
}

/// Why `environment` is not a valid environment name (lowercase, digits and `-`, 1–32 characters).
pub fn check_environment(environment: &str) -> Result<(), &'static str> {
    let valid = environment.len() <= 32
        && environment.starts_with(|c: char| c.is_ascii_lowercase())
        && environment
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err("Use 1 to 32 lowercase letters, digits or -, starting with a letter (production)")
    }
}

/// Why `value` cannot be stored (empty, or over 64 KiB).
pub fn check_value(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        return Err("Enter a value, or choose one to generate");
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err("Values are limited to 64 KiB");
    }
    Ok(())
}

/// Reads the rotation field: empty for no policy, else whole days from 1 to 3650.
pub fn parse_rotation_days(value: &str) -> Result<Option<i32>, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<i32>() {
        Ok(days) if (1..=3650).contains(&days) => Ok(Some(days)),
        _ => Err("Enter whole days from 1 to 3650, or leave empty for no rotation policy"),
    }
}

/// A secret value on the wire. It has no `Display`, and `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText([redacted])")
    }
}

/// How a generated secret's values are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Generator {
    /// 32 characters from letters, digits and symbols.
    Password32,
    /// 32 random bytes as 64 hex digits.
    Hex64,
    /// A random (v4) UUID.
    Uuid,
}

impl Generator {
    pub const ALL: [Generator; 3] = [Generator::Password32, Generator::Hex64, Generator::Uuid];

    /// The name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Generator::Password32 => "password32",
            Generator::Hex64 => "hex64",
            Generator::Uuid => "uuid",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|generator| generator.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Generator::Password32 => "32-character password",
            Generator::Hex64 => "64 hex digits (256 bits)",
            Generator::Uuid => "UUID",
        }
    }
}

/// Where a secret's rotation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RotationStatus {
    /// No rotation policy.
    Unmanaged,
    Current,
    /// Less than a week (or a quarter of the period) is left.
    Due,
    Overdue,
}

impl RotationStatus {
    pub fn label(self) -> &'static str {
        match self {
            RotationStatus::Unmanaged => "No policy",
            RotationStatus::Current => "Current",
            RotationStatus::Due => "Due soon",
            RotationStatus::Overdue => "Overdue",
        }
    }

    /// The query-string value of the rotation filter.
    pub fn as_str(self) -> &'static str {
        match self {
            RotationStatus::Unmanaged => "none",
            RotationStatus::Current => "current",
            RotationStatus::Due => "due",
            RotationStatus::Overdue => "overdue",
        }
    }
}

/// A scope a secret can live in, for the scope pickers and filters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceOption {
    pub id: String,
    pub name: String,
}

/// One secret in the list: never its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretSummary {
    pub id: String,
    pub name: String,
    /// `Global`, or `<service> · <environment>`.
    pub scope: String,
    pub description: String,
    pub version: i32,
    pub generator: Option<Generator>,
    pub rotation: RotationStatus,
    /// When the value should next change (RFC 3339), if a policy is set.
    pub rotate_by: Option<String>,
    pub updated_at: String,
    pub updated_by: String,
}

/// The list page's filters, from its query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretFilter {
    /// Part of the name or description, any case.
    pub q: Option<String>,
    /// `global`, or a service id.
    pub scope: Option<String>,
    /// A [`RotationStatus::as_str`] value.
    pub rotation: Option<String>,
}

/// The list page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretList {
    pub secrets: Vec<SecretSummary>,
    pub services: Vec<ServiceOption>,
    /// Secrets in all scopes, before filtering.
    pub total: i64,
}

/// One stored version of a value (the value itself is never listed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: i32,
    /// `created`, `updated`, `rolled_back`, `rotated` or `imported`.
    pub origin: String,
    pub rolled_back_from: Option<i32>,
    pub created_at: String,
    pub created_by: String,
    pub current: bool,
}

/// One audit entry about a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub version: Option<i64>,
    pub note: Option<String>,
}

/// The detail page's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretDetail {
    pub summary: SecretSummary,
    pub rotation_days: Option<i32>,
    pub created_at: String,
    pub created_by: String,
    pub versions: Vec<VersionInfo>,
    pub trail: Vec<TrailEntry>,
    /// How many versions are kept.
    pub versions_kept: i32,
}

/// The create form. `value` is used when `generator` is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSecret {
    pub name: String,
    /// `global`, or a service id.
    pub scope: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub description: String,
    /// A [`Generator::as_str`] value, or empty to store `value`.
    #[serde(default)]
    pub generator: String,
    #[serde(default)]
    pub value: SecretText,
    /// Days between rotations, or empty for no policy.
    #[serde(default)]
    pub rotation_days: String,
}

/// The edit form: description and policy always, a new value when one is given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretChanges {
    pub id: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub rotation_days: String,
    /// A new value; empty keeps the current one.
    #[serde(default)]
    pub value: SecretText,
}

/// What an import would do, line by line, before anything is applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub items: Vec<ImportItem>,
    /// Every bad line; when not empty nothing can be applied.
    pub errors: Vec<ImportLineError>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    pub line: usize,
    pub name: String,
    /// True when the secret exists in the scope and gets a new version.
    pub exists: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLineError {
    pub line: usize,
    pub message: String,
}

/// The import form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    pub scope: String,
    #[serde(default)]
    pub environment: String,
    pub content: SecretText,
}

/// The encryption-keys page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysOverview {
    pub active_id: String,
    pub source: String,
    pub rotatable: bool,
    pub root_keys: Vec<RootKeyInfo>,
    pub data_keys: i64,
    /// Data keys still wrapped by a root key other than the active one (should be 0).
    pub stale_data_keys: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootKeyInfo {
    pub id: String,
    pub status: String,
    pub created_at: String,
    pub retired_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_style_names_pass_and_others_say_why_not() {
        for good in ["DATABASE_URL", "_PRIVATE", "A", "STRIPE_KEY_2"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        assert_eq!(check_name(""), Err("Enter a name"));
        assert!(check_name("2FA_SEED").unwrap_err().contains("digit"));
        assert!(check_name("database_url").unwrap_err().contains("capital"));
        assert!(check_name("API-KEY").unwrap_err().contains("only A-Z"));
        assert!(check_name(&"A".repeat(129)).unwrap_err().contains("128"));
    }

    #[test]
    fn environments_are_short_lowercase_slugs() {
        assert_eq!(check_environment("production"), Ok(()));
        assert_eq!(check_environment("eu-west-2"), Ok(()));
        for bad in ["", "Production", "2nd", "a b", &"a".repeat(33)] {
            assert!(check_environment(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secret_text_never_shows_in_debug_output() {
        let text = SecretText("hunter2".into());
        assert_eq!(format!("{text:?}"), "SecretText([redacted])");
        let form = NewSecret {
            value: text,
            ..Default::default()
        };
        assert!(!format!("{form:?}").contains("hunter2"));
    }
}
