//! Where a secret lives: everywhere (global) or in one environment of one service.

use uuid::Uuid;

use crate::error::{AppError, FieldError};
use crate::secrets::types::check_environment;

/// A parsed scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Service { id: Uuid, environment: String },
}

impl Scope {
    /// Reads the scope picker (`global` or a service id) and the environment field.
    pub fn parse(scope: &str, environment: &str) -> Result<Self, FieldError> {
        let scope = scope.trim();
        if scope.is_empty() || scope == "global" {
            return Ok(Scope::Global);
        }
        let id = Uuid::parse_str(scope).map_err(|_| FieldError {
            field: "scope".into(),
            message: "Choose Global or one of the services".into(),
        })?;
        let environment = environment.trim();
        check_environment(environment).map_err(|message| FieldError {
            field: "environment".into(),
            message: message.into(),
        })?;
        Ok(Scope::Service {
            id,
            environment: environment.to_owned(),
        })
    }

    /// The scope from a stored row.
    pub fn from_row(service_id: Option<Uuid>, environment: Option<String>) -> Self {
        match (service_id, environment) {
            (Some(id), Some(environment)) => Scope::Service { id, environment },
            _ => Scope::Global,
        }
    }

    /// The name of the data key that seals this scope's values.
    pub fn data_key_scope(&self) -> String {
        match self {
            Scope::Global => "global".into(),
            Scope::Service { id, environment } => format!("service:{id}:{environment}"),
        }
    }

    pub fn service_id(&self) -> Option<Uuid> {
        match self {
            Scope::Global => None,
            Scope::Service { id, .. } => Some(*id),
        }
    }

    pub fn environment(&self) -> Option<&str> {
        match self {
            Scope::Global => None,
            Scope::Service { environment, .. } => Some(environment),
        }
    }
}

/// An `Invalid` error listing field messages.
pub fn invalid(fields: Vec<FieldError>) -> AppError {
    AppError::Invalid {
        message: "Check the highlighted fields".into(),
        fields,
    }
}

/// An `Invalid` error for one field.
pub fn field_error(field: &str, message: impl Into<String>) -> AppError {
    invalid(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_and_service_scopes_parse_and_name_their_data_key() {
        assert_eq!(Scope::parse("global", "ignored"), Ok(Scope::Global));
        assert_eq!(Scope::Global.data_key_scope(), "global");
        let id = Uuid::now_v7();
        let scope = Scope::parse(&id.to_string(), "staging").expect("parses");
        assert_eq!(scope.data_key_scope(), format!("service:{id}:staging"));
        assert_eq!(Scope::parse("nope", "staging").unwrap_err().field, "scope");
        assert_eq!(
            Scope::parse(&id.to_string(), "Bad Env").unwrap_err().field,
            "environment"
        );
    }
}
