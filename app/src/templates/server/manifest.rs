//! Reading and checking `template.toml`: every problem is reported with the field it is in, so a
//! template author (or an admin uploading one) knows exactly what to fix.

use std::collections::HashSet;

use crate::templates::types::{Manifest, ParamKind, ParamValue, Parameter};

/// One problem in a manifest: where (`parameters[2].default`) and what.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ManifestError {
    pub field: String,
    pub message: String,
}

fn error(field: impl Into<String>, message: impl Into<String>) -> ManifestError {
    ManifestError {
        field: field.into(),
        message: message.into(),
    }
}

/// Parses and checks a manifest; all problems at once.
pub fn parse(text: &str) -> Result<Manifest, Vec<ManifestError>> {
    let manifest: Manifest = toml::from_str(text).map_err(|err| {
        let at = err
            .span()
            .map(|span| format!("line {}", text[..span.start.min(text.len())].lines().count().max(1)))
            .unwrap_or_else(|| "template.toml".into());
        vec![error(at, err.message().to_owned())]
    })?;
    let errors = check(&manifest);
    if errors.is_empty() {
        Ok(manifest)
    } else {
        Err(errors)
    }
}

/// Every rule a manifest must follow beyond its shape.
pub fn check(manifest: &Manifest) -> Vec<ManifestError> {
    let mut errors = Vec::new();
    if !is_id(&manifest.id) {
        errors.push(error(
            "id",
            "use 2 to 40 lowercase letters, digits or -, starting with a letter",
        ));
    } else if manifest.id == "upload" {
        errors.push(error("id", "upload is the name of a page; choose another id"));
    }
    if manifest.name.trim().is_empty() {
        errors.push(error("name", "give the template a name"));
    }
    if semver::Version::parse(&manifest.version).is_err() {
        errors.push(error("version", "use a semantic version such as 1.0.0"));
    }
    check_defaults(manifest, &mut errors);
    let mut step_ids = HashSet::new();
    for (n, step) in manifest.steps.iter().enumerate() {
        if !is_name(&step.id) || !step_ids.insert(step.id.as_str()) {
            errors.push(error(format!("steps[{n}].id"), "use a unique snake_case id"));
        }
        if !manifest.parameters.iter().any(|param| param.step == step.id) {
            errors.push(error(format!("steps[{n}]"), "has no parameters"));
        }
    }
    let mut names = HashSet::new();
    for (n, param) in manifest.parameters.iter().enumerate() {
        let at = |field: &str| format!("parameters[{n}].{field}");
        if !is_name(&param.name) || !names.insert(param.name.as_str()) {
            errors.push(error(at("name"), "use a unique snake_case name"));
        }
        if param.label.trim().is_empty() {
            errors.push(error(at("label"), "give the parameter a label"));
        }
        if !step_ids.contains(param.step.as_str()) {
            errors.push(error(at("step"), format!("no step has the id {}", param.step)));
        }
        check_parameter(param, &at, &mut errors);
    }
    errors
}

fn check_defaults(manifest: &Manifest, errors: &mut Vec<ManifestError>) {
    let defaults = &manifest.defaults;
    if defaults.port == 0 {
        errors.push(error("defaults.port", "use a port from 1 to 65535"));
    }
    if !(10..=64_000).contains(&defaults.cpu_millis) {
        errors.push(error("defaults.cpu_millis", "use 10 to 64000 thousandths of a core"));
    }
    if !(16..=262_144).contains(&defaults.memory_mb) {
        errors.push(error("defaults.memory_mb", "use 16 to 262144 MiB"));
    }
    if !(1..=20).contains(&defaults.replicas) {
        errors.push(error("defaults.replicas", "use 1 to 20 replicas"));
    }
    if !defaults.health_path.is_empty() && !defaults.health_path.starts_with('/') {
        errors.push(error(
            "defaults.health_path",
            "start the path with /, or leave it empty for a TCP check",
        ));
    }
    if defaults
        .image
        .as_deref()
        .is_some_and(|image| image.trim().is_empty() || image.contains(char::is_whitespace))
    {
        errors.push(error(
            "defaults.image",
            "give an image reference such as postgres:16-alpine",
        ));
    }
}

fn check_parameter(param: &Parameter, at: &dyn Fn(&str) -> String, errors: &mut Vec<ManifestError>) {
    let default_fits = match (&param.kind, &param.default) {
        (_, None) => true,
        (ParamKind::Secret, Some(_)) => {
            errors.push(error(at("default"), "secrets have no default: they are generated"));
            true
        }
        (ParamKind::String, Some(ParamValue::Text(_))) => true,
        (ParamKind::Enum, Some(ParamValue::Text(value))) => {
            if !param.choices.contains(value) {
                errors.push(error(at("default"), "must be one of the choices"));
            }
            true
        }
        (ParamKind::Integer | ParamKind::Port, Some(ParamValue::Int(value))) => {
            if param.min.is_some_and(|min| *value < min) || param.max.is_some_and(|max| *value > max) {
                errors.push(error(at("default"), "is outside min and max"));
            }
            true
        }
        (ParamKind::Boolean, Some(ParamValue::Bool(_))) => true,
        _ => false,
    };
    if !default_fits {
        errors.push(error(at("default"), "does not match the parameter's type"));
    }
    match param.kind {
        ParamKind::Enum if param.choices.is_empty() => errors.push(error(at("choices"), "list the choices")),
        ParamKind::Secret if param.generator.is_none() => {
            errors.push(error(at("generator"), "choose password32, hex64 or uuid"))
        }
        _ => {}
    }
    if let (Some(min), Some(max)) = (param.min, param.max) {
        if min > max {
            errors.push(error(at("min"), "is greater than max"));
        }
    }
    if let Some(pattern) = &param.pattern {
        if regex_lite::Regex::new(pattern).is_err() {
            errors.push(error(at("pattern"), "is not a valid regular expression"));
        }
    }
}

fn is_id(id: &str) -> bool {
    (2..=40).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "demo"
name = "Demo"
description = "A demo."
version = "1.2.0"
category = "web"

[defaults]
port = 8080
cpu_millis = 250
memory_mb = 128
replicas = 1
health_path = "/healthz"

[[steps]]
id = "basics"
title = "Basics"

[[parameters]]
name = "title"
label = "Title"
type = "string"
step = "basics"
default = "Hello"
pattern = "[A-Za-z ]+"

[[parameters]]
name = "db_password"
label = "Password"
type = "secret"
step = "basics"
generator = "hex64"
"#;

    #[test]
    fn a_good_manifest_parses_with_typed_defaults() {
        let manifest = parse(GOOD).expect("parses");
        assert_eq!(manifest.parameters.len(), 2);
        assert_eq!(
            manifest.default_answers().get("title"),
            Some(&ParamValue::Text("Hello".into()))
        );
    }

    #[test]
    fn every_broken_rule_is_reported_with_its_field() {
        let bad = GOOD
            .replace(r#"id = "demo""#, r#"id = "Demo!""#)
            .replace(r#"version = "1.2.0""#, r#"version = "one""#)
            .replace("port = 8080", "port = 0")
            .replace(
                r#"step = "basics"
default = "Hello""#,
                r#"step = "nowhere"
default = 3"#,
            )
            .replace(r#"pattern = "[A-Za-z ]+""#, r#"pattern = "(unclosed""#)
            .replace(r#"generator = "hex64""#, "");
        let fields: Vec<String> = parse(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        for expected in [
            "id",
            "version",
            "defaults.port",
            "parameters[0].step",
            "parameters[0].default",
            "parameters[0].pattern",
            "parameters[1].generator",
        ] {
            assert!(fields.iter().any(|f| f == expected), "{expected} in {fields:?}");
        }
    }

    #[test]
    fn unknown_keys_and_bad_toml_name_the_line() {
        let typo = GOOD.replace("memory_mb = 128", "memory_mb = 128\nmemroy = 1");
        let errors = parse(&typo).unwrap_err();
        assert!(errors[0].message.contains("memroy"), "{errors:?}");
        assert!(errors[0].field.starts_with("line "), "{errors:?}");
        assert!(parse("id = ").is_err());
    }
}
