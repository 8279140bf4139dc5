//! A template's manifest as the server parses it and the pages show it, and the checks of
//! parameter answers that the wizard and the server share.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::secrets::types::Generator;

/// What kind of service a template makes, for the catalog's grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Web,
    Api,
    Worker,
    Database,
    Cache,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Web,
        Category::Api,
        Category::Worker,
        Category::Database,
        Category::Cache,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Category::Web => "Web sites and apps",
            Category::Api => "APIs",
            Category::Worker => "Background workers",
            Category::Database => "Databases",
            Category::Cache => "Caches",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Web => "web",
            Category::Api => "api",
            Category::Worker => "worker",
            Category::Database => "database",
            Category::Cache => "cache",
        }
    }
}

/// What the wizard proposes in its resources step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// A ready image; without one, the rendered Dockerfile is built.
    #[serde(default)]
    pub image: Option<String>,
    pub port: u16,
    pub cpu_millis: u32,
    pub memory_mb: u32,
    pub replicas: u32,
    /// HTTP path of the health check; empty for a TCP check.
    #[serde(default)]
    pub health_path: String,
}

/// One page of the wizard's parameter form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    String,
    Integer,
    Boolean,
    Enum,
    Port,
    /// Generated at creation and kept in Secrets; never typed in.
    Secret,
}

/// A parameter's value: the type its [`ParamKind`] gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

impl ParamValue {
    /// The value as a form field shows it.
    pub fn to_form(&self) -> String {
        match self {
            ParamValue::Bool(value) => value.to_string(),
            ParamValue::Int(value) => value.to_string(),
            ParamValue::Text(value) => value.clone(),
        }
    }
}

/// One question the wizard asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ParamKind,
    pub step: String,
    #[serde(default)]
    pub default: Option<ParamValue>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub generator: Option<Generator>,
}

/// A template's manifest (`template.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub id: String,
    pub name: String,
    pub description: String,
    pub version: String,
    pub category: Category,
    pub defaults: Defaults,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub parameters: Vec<Parameter>,
}

impl Manifest {
    /// The default answers (secrets have none: they are generated).
    pub fn default_answers(&self) -> BTreeMap<String, ParamValue> {
        self.parameters
            .iter()
            .filter_map(|param| Some((param.name.clone(), param.default.clone()?)))
            .collect()
    }
}

/// The name a secret parameter gets in Secrets: `db_password` -> `DB_PASSWORD`.
pub fn secret_name(parameter: &str) -> String {
    parameter.to_ascii_uppercase()
}

/// What a value that does not match a parameter's pattern is told, in the browser and on the server.
pub fn pattern_message(pattern: &str) -> String {
    format!("Must match {pattern}")
}

/// Reads one answer from a form field, checking it against the parameter's rules. The pattern
/// rule needs a regex engine, so each side applies it with its own (see `pattern_message`).
pub fn parse_answer(param: &Parameter, raw: &str) -> Result<Option<ParamValue>, String> {
    let raw = raw.trim();
    if param.kind == ParamKind::Secret {
        return Ok(None);
    }
    if raw.is_empty() && param.kind != ParamKind::Boolean {
        return if param.required {
            Err("Required".into())
        } else {
            Ok(None)
        };
    }
    match param.kind {
        ParamKind::String => {
            let chars = raw.chars().count() as u32;
            if let Some(min) = param.min_length.filter(|min| chars < *min) {
                return Err(format!("Use at least {min} characters"));
            }
            if let Some(max) = param.max_length.filter(|max| chars > *max) {
                return Err(format!("Use at most {max} characters"));
            }
            Ok(Some(ParamValue::Text(raw.to_owned())))
        }
        ParamKind::Integer | ParamKind::Port => {
            let value: i64 = raw.parse().map_err(|_| "Enter a whole number".to_owned())?;
            let (floor, ceiling) = match param.kind {
                ParamKind::Port => (param.min.unwrap_or(1).max(1), param.max.unwrap_or(65535).min(65535)),
                _ => (param.min.unwrap_or(i64::MIN), param.max.unwrap_or(i64::MAX)),
            };
            if value < floor || value > ceiling {
                return Err(format!("Enter a number from {floor} to {ceiling}"));
            }
            Ok(Some(ParamValue::Int(value)))
        }
        ParamKind::Boolean => Ok(Some(ParamValue::Bool(matches!(raw, "true" | "on" | "yes" | "1")))),
        ParamKind::Enum => {
            if param.choices.iter().any(|choice| choice == raw) {
                Ok(Some(ParamValue::Text(raw.to_owned())))
            } else {
                Err(format!("Choose one of: {}", param.choices.join(", ")))
            }
        }
        ParamKind::Secret => Ok(None),
    }
}

/// A template in the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub version: String,
    pub category: Category,
    pub builtin: bool,
    /// Services made from it.
    pub services: i64,
}

/// What an upload added to the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedTemplate {
    pub id: String,
    pub version: String,
    pub files: usize,
}

/// One rendered file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedFile {
    pub path: String,
    pub content: String,
}

/// A template's page: its manifest and its files rendered with the default answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub summary: TemplateSummary,
    pub manifest: Manifest,
    pub preview: Vec<RenderedFile>,
    /// Earlier versions Gantry still has, newest first.
    pub versions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(kind: ParamKind) -> Parameter {
        Parameter {
            name: "p".into(),
            label: "P".into(),
            kind,
            step: "s".into(),
            default: None,
            required: true,
            help: String::new(),
            min_length: Some(2),
            max_length: Some(5),
            pattern: None,
            min: Some(10),
            max: Some(20),
            choices: vec!["a".into(), "b".into()],
            generator: None,
        }
    }

    #[test]
    fn answers_are_typed_and_checked_against_their_rules() {
        assert_eq!(
            parse_answer(&param(ParamKind::String), " abc "),
            Ok(Some(ParamValue::Text("abc".into())))
        );
        assert_eq!(
            parse_answer(&param(ParamKind::String), "a").unwrap_err(),
            "Use at least 2 characters"
        );
        assert_eq!(
            parse_answer(&param(ParamKind::String), "abcdef").unwrap_err(),
            "Use at most 5 characters"
        );
        assert_eq!(
            parse_answer(&param(ParamKind::Integer), "15"),
            Ok(Some(ParamValue::Int(15)))
        );
        assert_eq!(
            parse_answer(&param(ParamKind::Integer), "21").unwrap_err(),
            "Enter a number from 10 to 20"
        );
        assert_eq!(
            parse_answer(&param(ParamKind::Integer), "x").unwrap_err(),
            "Enter a whole number"
        );
        assert_eq!(
            parse_answer(&param(ParamKind::Boolean), ""),
            Ok(Some(ParamValue::Bool(false)))
        );
        assert_eq!(
            parse_answer(&param(ParamKind::Boolean), "on"),
            Ok(Some(ParamValue::Bool(true)))
        );
        assert_eq!(
            parse_answer(&param(ParamKind::Enum), "b"),
            Ok(Some(ParamValue::Text("b".into())))
        );
        assert!(parse_answer(&param(ParamKind::Enum), "c").is_err());
        assert_eq!(parse_answer(&param(ParamKind::String), "").unwrap_err(), "Required");
        assert_eq!(
            parse_answer(&param(ParamKind::Secret), "typed"),
            Ok(None),
            "secrets are never typed in"
        );
    }

    #[test]
    fn ports_stay_within_the_valid_range_whatever_the_manifest_says() {
        let mut port = param(ParamKind::Port);
        port.min = Some(0);
        port.max = Some(100_000);
        assert!(parse_answer(&port, "0").is_err());
        assert!(parse_answer(&port, "65536").is_err());
        assert_eq!(parse_answer(&port, "8080"), Ok(Some(ParamValue::Int(8080))));
    }

    #[test]
    fn secret_parameters_are_named_in_capitals() {
        assert_eq!(secret_name("db_password"), "DB_PASSWORD");
    }
}
