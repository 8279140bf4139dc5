//! Why a billing operation failed, and how each reason reaches the user.

use crate::error::{AppError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("Connect Stripe first: add the secret API key on the Billing settings page")]
    NotConnected,
    /// Stripe answered with an error, or could not be reached; the text is safe to show.
    #[error("{0}")]
    Stripe(String),
    #[error("{0} was not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("the form has errors")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl From<BillingError> for AppError {
    fn from(err: BillingError) -> Self {
        match err {
            BillingError::NotConnected => AppError::Conflict {
                message: err.to_string(),
            },
            BillingError::Stripe(message) => AppError::Conflict {
                message: format!("Stripe: {message}"),
            },
            BillingError::NotFound(what) => AppError::NotFound { what: what.into() },
            BillingError::Conflict(message) => AppError::Conflict { message },
            BillingError::Invalid(fields) => AppError::Invalid {
                message: "Some fields need attention".into(),
                fields,
            },
            BillingError::Database(err) => AppError::internal(err),
            BillingError::Internal(cause) => AppError::internal(cause),
        }
    }
}

impl From<AppError> for BillingError {
    fn from(err: AppError) -> Self {
        BillingError::Internal(err.to_string())
    }
}
