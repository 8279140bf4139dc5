//! Rendering a template's files with minijinja for one service: strict (an unknown variable is an
//! error naming the file), and secrets render as `${secret:NAME}` references, never as values.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::templates::types::{secret_name, Manifest, ParamKind, ParamValue, RenderedFile};

/// The service a template renders for.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceNaming {
    pub name: String,
    pub slug: String,
    pub description: String,
}

/// The resources step's answers.
#[derive(Clone, Debug, Serialize)]
pub struct Resources {
    pub port: u16,
    pub cpu_millis: u32,
    pub memory_mb: u32,
    pub replicas: u32,
    pub health_path: String,
}

impl Resources {
    pub fn defaults(manifest: &Manifest) -> Self {
        let d = &manifest.defaults;
        Self {
            port: d.port,
            cpu_millis: d.cpu_millis,
            memory_mb: d.memory_mb,
            replicas: d.replicas,
            health_path: d.health_path.clone(),
        }
    }
}

/// A file that failed to render, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct RenderError {
    pub path: String,
    pub message: String,
}

#[derive(Serialize)]
struct Context<'a> {
    service: &'a ServiceNaming,
    params: BTreeMap<&'a str, minijinja::Value>,
    resources: &'a Resources,
    image: String,
    template: TemplateRef<'a>,
}

#[derive(Serialize)]
struct TemplateRef<'a> {
    id: &'a str,
    version: &'a str,
}

/// Renders every file (path and content) of a template for one service.
pub fn render(
    manifest: &Manifest,
    files: &BTreeMap<String, String>,
    service: &ServiceNaming,
    answers: &BTreeMap<String, ParamValue>,
    resources: &Resources,
) -> Result<Vec<RenderedFile>, RenderError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    let params = manifest
        .parameters
        .iter()
        .map(|param| {
            let value = match (param.kind, answers.get(&param.name)) {
                (ParamKind::Secret, _) => minijinja::Value::from(format!("${{secret:{}}}", secret_name(&param.name))),
                (_, Some(ParamValue::Bool(value))) => minijinja::Value::from(*value),
                (_, Some(ParamValue::Int(value))) => minijinja::Value::from(*value),
                (_, Some(ParamValue::Text(value))) => minijinja::Value::from(value.clone()),
                (_, None) => minijinja::Value::from(()),
            };
            (param.name.as_str(), value)
        })
        .collect();
    let context = Context {
        service,
        params,
        resources,
        image: manifest
            .defaults
            .image
            .clone()
            .unwrap_or_else(|| format!("{}:latest", service.slug)),
        template: TemplateRef {
            id: &manifest.id,
            version: &manifest.version,
        },
    };
    let context = minijinja::Value::from_serialize(&context);
    files
        .iter()
        .map(|(path, source)| {
            let failed = |err: minijinja::Error| RenderError {
                path: path.clone(),
                message: describe(&err),
            };
            let rendered_path = env.render_str(path, &context).map_err(failed)?;
            let content = env.render_str(source, &context).map_err(failed)?;
            Ok(RenderedFile {
                path: rendered_path,
                content,
            })
        })
        .collect()
}

fn describe(err: &minijinja::Error) -> String {
    match (err.detail(), err.line()) {
        (Some(detail), Some(line)) => format!("line {line}: {} ({detail})", err.kind()),
        (None, Some(line)) => format!("line {line}: {}", err.kind()),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::server::manifest;

    fn demo() -> Manifest {
        manifest::parse(
            r#"
id = "demo"
name = "Demo"
description = "d"
version = "1.0.0"
category = "api"
[defaults]
port = 3000
cpu_millis = 500
memory_mb = 256
replicas = 2
health_path = "/healthz"
[[steps]]
id = "s"
title = "S"
[[parameters]]
name = "greeting"
label = "Greeting"
type = "string"
step = "s"
default = "hi"
[[parameters]]
name = "api_key"
label = "API key"
type = "secret"
step = "s"
generator = "hex64"
"#,
        )
        .expect("demo manifest")
    }

    fn naming() -> ServiceNaming {
        ServiceNaming {
            name: "Billing API".into(),
            slug: "billing-api".into(),
            description: "Bills".into(),
        }
    }

    #[test]
    fn files_and_paths_render_with_answers_resources_and_secret_references() {
        let manifest = demo();
        let files = BTreeMap::from([(
            "conf/{{ service.slug }}.env".to_owned(),
            "GREETING={{ params.greeting }}\nAPI_KEY={{ params.api_key }}\nPORT={{ resources.port }}\nIMAGE={{ image }}\n".to_owned(),
        )]);
        let rendered = render(
            &manifest,
            &files,
            &naming(),
            &manifest.default_answers(),
            &Resources::defaults(&manifest),
        )
        .expect("renders");
        assert_eq!(rendered[0].path, "conf/billing-api.env");
        assert_eq!(
            rendered[0].content,
            "GREETING=hi\nAPI_KEY=${secret:API_KEY}\nPORT=3000\nIMAGE=billing-api:latest\n"
        );
    }

    #[test]
    fn an_unknown_variable_fails_naming_the_file_and_line() {
        let manifest = demo();
        let files = BTreeMap::from([("a.txt".to_owned(), "ok\n{{ params.gretting }}".to_owned())]);
        let err = render(
            &manifest,
            &files,
            &naming(),
            &manifest.default_answers(),
            &Resources::defaults(&manifest),
        )
        .unwrap_err();
        assert_eq!(err.path, "a.txt");
        assert!(err.message.contains("line 2"), "{}", err.message);
    }
}
