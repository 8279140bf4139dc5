//! `${secret:NAME}` references in a service's environment variables, resolved on the server at
//! deploy time only. A service sees its own scope (its environment) and the global scope, never
//! another service's secrets. `$${` writes a literal `${`.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::repo;
use super::values::open_value;
use crate::audit::server::{record, NewAuditEntry};
use crate::crypto::keyring::Keyring;
use crate::request_meta::RequestMeta;
use crate::secrets::types::check_name;

/// Why a template could not be resolved. Names only, never values.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReferenceError {
    #[error("${{secret:{0}}} does not name a secret of this service's environment or the global scope")]
    Unknown(String),
    #[error("the secret reference at character {0} is not closed with }}")]
    Unclosed(usize),
    #[error("${{secret:{name}}} is not a valid secret name: {message}")]
    BadName { name: String, message: &'static str },
    #[error("a secret could not be read: {0}")]
    Unreadable(String),
}

/// The names a template refers to, in order, without reading any value.
pub fn referenced_names(template: &str) -> Result<Vec<String>, ReferenceError> {
    let mut names = Vec::new();
    for piece in pieces(template)? {
        if let Piece::Reference(name) = piece {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// Replaces every reference with the secret's current value, recording a `secret.read` audit
/// entry (purpose `deploy`) per secret read, on the caller's transaction.
pub async fn resolve(
    conn: &mut PgConnection,
    keyring: &Keyring,
    service_id: Uuid,
    environment: &str,
    template: &str,
    meta: &RequestMeta,
) -> Result<SecretString, ReferenceError> {
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template)? {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Reference(name) => {
                let unreadable = |err: crate::error::AppError| ReferenceError::Unreadable(err.to_string());
                let (id, version) = repo::find_for_service(conn, service_id, environment, name)
                    .await
                    .map_err(|err| ReferenceError::Unreadable(err.to_string()))?
                    .ok_or_else(|| ReferenceError::Unknown(name.to_owned()))?;
                let sealed = repo::sealed_version(conn, id, version)
                    .await
                    .map_err(|err| ReferenceError::Unreadable(err.to_string()))?
                    .ok_or_else(|| ReferenceError::Unknown(name.to_owned()))?;
                let value = open_value(conn, keyring, id, version, &sealed)
                    .await
                    .map_err(unreadable)?;
                out.push_str(value.expose_secret());
                let entry = NewAuditEntry {
                    actor_id: None,
                    actor_label: "system".into(),
                    action: "secret.read".into(),
                    object_type: "secret".into(),
                    object_id: Some(id.to_string()),
                    detail: json!({ "name": name, "version": version, "purpose": "deploy", "service": service_id.to_string() }),
                };
                record(conn, entry, meta)
                    .await
                    .map_err(|err| ReferenceError::Unreadable(err.to_string()))?;
            }
        }
    }
    Ok(SecretString::from(out))
}

#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Reference(&'a str),
}

fn pieces(template: &str) -> Result<Vec<Piece<'_>>, ReferenceError> {
    const OPEN: &str = "${secret:";
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(at) = rest.find("${") {
        if at > 0 && rest[..at].ends_with('$') {
            // `$${` is an escaped `${`: keep one `$` and the brace.
            pieces.push(Piece::Text(&rest[..at - 1]));
            pieces.push(Piece::Text("${"));
            rest = &rest[at + 2..];
            offset += at + 2;
            continue;
        }
        if !rest[at..].starts_with(OPEN) {
            pieces.push(Piece::Text(&rest[..at + 2]));
            rest = &rest[at + 2..];
            offset += at + 2;
            continue;
        }
        pieces.push(Piece::Text(&rest[..at]));
        let after = &rest[at + OPEN.len()..];
        let close = after.find('}').ok_or(ReferenceError::Unclosed(offset + at))?;
        let name = &after[..close];
        check_name(name).map_err(|message| ReferenceError::BadName {
            name: name.chars().take(40).collect(),
            message,
        })?;
        pieces.push(Piece::Reference(name));
        rest = &after[close + 1..];
        offset += at + OPEN.len() + close + 1;
    }
    pieces.push(Piece::Text(rest));
    pieces.retain(|piece| *piece != Piece::Text(""));
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn references_are_found_between_plain_text() {
        assert_eq!(
            referenced_names("postgres://app:${secret:DB_PASSWORD}@db/${secret:DB_NAME}").unwrap(),
            vec!["DB_PASSWORD", "DB_NAME"]
        );
        assert!(referenced_names("no references, ${HOME} stays").unwrap().is_empty());
    }

    #[test]
    fn a_doubled_dollar_escapes_a_reference() {
        assert_eq!(
            pieces("a$${secret:X}").unwrap(),
            vec![Piece::Text("a"), Piece::Text("${"), Piece::Text("secret:X}")]
        );
        assert!(referenced_names("$${secret:X}").unwrap().is_empty());
    }

    #[test]
    fn unclosed_and_invalid_references_are_errors_that_name_no_value() {
        assert_eq!(referenced_names("x ${secret:OPEN"), Err(ReferenceError::Unclosed(2)));
        assert!(matches!(
            referenced_names("${secret:lower}"),
            Err(ReferenceError::BadName { .. })
        ));
    }

    proptest! {
        #[test]
        fn parsing_any_template_never_panics(template in "[a-zA-Z_${}:]{0,40}") {
            let _ = referenced_names(&template);
        }
    }
}
