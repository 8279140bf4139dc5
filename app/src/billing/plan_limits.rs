//! Plan limits: what a plan caps (services, containers, monitors, seats, or any key the business
//! invents), parsed the same way in the form and on the server.

use std::collections::BTreeMap;

/// A limit Gantry knows by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitKey {
    pub key: &'static str,
    pub label: &'static str,
    /// Whether Gantry enforces it today (monitors and seats arrive with their modules).
    pub enforced: bool,
}

pub const LIMIT_KEYS: [LimitKey; 4] = [
    LimitKey {
        key: "services",
        label: "Services",
        enforced: true,
    },
    LimitKey {
        key: "containers",
        label: "Containers",
        enforced: true,
    },
    LimitKey {
        key: "monitors",
        label: "Monitors",
        enforced: false,
    },
    LimitKey {
        key: "seats",
        label: "Seats",
        enforced: false,
    },
];

/// The label of a limit key: the known name, or the key itself.
pub fn label_of(key: &str) -> String {
    LIMIT_KEYS
        .iter()
        .find(|known| known.key == key)
        .map_or_else(|| key.replace('_', " "), |known| known.label.to_owned())
}

const MAX_LIMIT: i64 = 1_000_000;

/// Parses one limit field: empty is unlimited (`None`).
pub fn parse_limit(text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(value) if (0..=MAX_LIMIT).contains(&value) => Ok(Some(value)),
        _ => Err(format!("A whole number from 0 to {MAX_LIMIT}, or empty for unlimited")),
    }
}

/// Parses the known fields and the free-form lines (`key = number`) into one map; each error
/// names its field (`limit_services`, ..., `limit_other`).
pub fn parse_limits(known: [&str; 4], other: &str) -> Result<BTreeMap<String, i64>, Vec<(String, String)>> {
    let mut limits = BTreeMap::new();
    let mut errors = Vec::new();
    for (spec, text) in LIMIT_KEYS.iter().zip(known) {
        match parse_limit(text) {
            Ok(Some(value)) => {
                limits.insert(spec.key.to_owned(), value);
            }
            Ok(None) => {}
            Err(message) => errors.push((format!("limit_{}", spec.key), message)),
        }
    }
    for (number, line) in other.lines().enumerate().map(|(i, line)| (i + 1, line.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            errors.push(("limit_other".into(), format!("Line {number}: write key = number")));
            continue;
        };
        let key = key.trim();
        if !valid_key(key) {
            errors.push((
                "limit_other".into(),
                format!("Line {number}: a key is lowercase letters, digits and _ (up to 40), starting with a letter"),
            ));
            continue;
        }
        if LIMIT_KEYS.iter().any(|known| known.key == key) || limits.contains_key(key) {
            errors.push(("limit_other".into(), format!("Line {number}: {key} is set twice")));
            continue;
        }
        match parse_limit(value) {
            Ok(Some(value)) => {
                limits.insert(key.to_owned(), value);
            }
            Ok(None) => errors.push(("limit_other".into(), format!("Line {number}: give {key} a number"))),
            Err(message) => errors.push(("limit_other".into(), format!("Line {number}: {message}"))),
        }
    }
    if errors.is_empty() {
        Ok(limits)
    } else {
        Err(errors)
    }
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some('a'..='z'))
        && key.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_custom_limits_parse_into_one_map() {
        let limits = parse_limits(["3", "", "10", "0"], "api_calls = 5000\n# comment\n\nbuild_minutes=120")
            .expect("valid limits");
        assert_eq!(limits.get("services"), Some(&3));
        assert_eq!(limits.get("containers"), None, "empty is unlimited");
        assert_eq!(limits.get("monitors"), Some(&10));
        assert_eq!(limits.get("seats"), Some(&0));
        assert_eq!(limits.get("api_calls"), Some(&5000));
        assert_eq!(limits.get("build_minutes"), Some(&120));
    }

    #[test]
    fn bad_limits_name_their_field_and_line() {
        let errors = parse_limits(["-1", "x", "", ""], "Bad Key = 3\nservices = 2\nnoequals\nok = lots")
            .expect_err("invalid limits");
        let fields: Vec<&str> = errors.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "limit_services",
                "limit_containers",
                "limit_other",
                "limit_other",
                "limit_other",
                "limit_other"
            ]
        );
        assert!(errors[2].1.starts_with("Line 1:"));
        assert!(errors[3].1.contains("services is set twice"));
        assert!(errors[5].1.starts_with("Line 4:"));
    }
}
