//! [`NewAuditEntry`]: what a feature hands to the audit log, and the guard that keeps secrets out.

use serde_json::Value;
use uuid::Uuid;

/// One thing that happened, as the feature that did it describes it.
///
/// `detail` is kept for ever and shown to every admin: **it must never contain secrets**
/// (passwords, TOTP seeds or codes, recovery codes, API tokens, secret values, session ids).
/// Record *that* a secret was read or changed, and which one (in `object_type`/`object_id`),
/// never its value. As a safety net, [`super::record`] refuses a detail with any object key
/// that names a secret (see [`check_detail`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NewAuditEntry {
    /// The signed-in user, or `None` for the system and anonymous requests.
    pub actor_id: Option<Uuid>,
    /// Who, in words: the user's email, `system` or `anonymous`.
    pub actor_label: String,
    /// A dotted, lowercase verb: `auth.login.succeeded`, `secret.read`.
    pub action: String,
    /// What was acted on: `user`, `service`, `secret`, …
    pub object_type: String,
    pub object_id: Option<String>,
    /// Facts about the event (a JSON object by convention; `{}` for none).
    pub detail: Value,
}

/// Words that mark a detail key as holding a secret, compared case-insensitively with each word
/// of the key (`new_password`, `totpCode`, `recovery-codes` and `SEED` all match; `secret_name`
/// too, so name the object in `object_id` instead). Plurals are matched as well.
const SECRET_WORDS: [&str; 7] = ["password", "passwd", "passphrase", "secret", "token", "code", "seed"];

/// A detail key that looks like it holds a secret; [`super::record`] refuses the entry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("audit detail key `{key}` looks like a secret; audit entries must not hold secrets")]
pub struct SecretInDetail {
    pub key: String,
}

/// Refuses a detail that has, at any depth, an object key naming a secret.
pub fn check_detail(detail: &Value) -> Result<(), SecretInDetail> {
    match detail {
        Value::Object(map) => map.iter().try_for_each(|(key, value)| {
            if names_a_secret(key) {
                return Err(SecretInDetail { key: key.clone() });
            }
            check_detail(value)
        }),
        Value::Array(items) => items.iter().try_for_each(check_detail),
        _ => Ok(()),
    }
}

fn names_a_secret(key: &str) -> bool {
    words(key).iter().any(|word| {
        let singular = word.strip_suffix('s').unwrap_or(word);
        SECRET_WORDS.iter().any(|secret| word == secret || singular == *secret)
    })
}

/// The words of a key in snake_case, kebab-case, dotted or camelCase, lowercased.
fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            words.push(std::mem::take(&mut current));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_numeric();
        current.extend(c.to_lowercase());
    }
    words.push(current);
    words.retain(|word| !word.is_empty());
    words
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{check_detail, names_a_secret};

    #[test]
    fn keys_that_name_secrets_are_refused_in_any_case_or_style() {
        for key in [
            "password",
            "Password",
            "new_password",
            "totpCode",
            "recovery-codes",
            "SEED",
            "api.token",
            "client_secret",
            "secrets",
        ] {
            assert!(names_a_secret(key), "{key} is refused");
        }
    }

    #[test]
    fn ordinary_keys_pass_even_when_they_contain_a_secret_word_inside_another() {
        for key in [
            "email",
            "encoding",
            "reason",
            "ip_changed",
            "tokenizer",
            "seeded_at",
            "attempts",
        ] {
            assert!(!names_a_secret(key), "{key} is allowed");
        }
    }

    #[test]
    fn nested_objects_and_arrays_are_checked() {
        assert!(check_detail(&json!({"changes": [{"field": "name"}, {"old_password": "x"}]})).is_err());
        assert!(check_detail(&json!({"changes": [{"field": "name"}]})).is_ok());
        assert_eq!(
            check_detail(&json!({"user": {"Token": 1}})).map_err(|e| e.key),
            Err("Token".to_owned())
        );
    }
}
