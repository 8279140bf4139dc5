//! The audit page's filters, checked: trimmed text and UTC day bounds, or field errors.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

use crate::audit::types::AuditFilter;
use crate::error::{AppError, FieldError};

/// Longest text filter accepted; longer input is a mistake, not a search.
const MAX_TEXT: usize = 200;

/// A filter the query can run: `None` means "any".
#[derive(Debug, PartialEq, Eq)]
pub struct ValidFilter {
    pub actor: Option<String>,
    /// Lowercased: actions are lowercase.
    pub action: Option<String>,
    pub object: Option<String>,
    /// Inclusive lower bound (midnight UTC of the first day).
    pub since: Option<DateTime<Utc>>,
    /// Exclusive upper bound (midnight UTC after the last day).
    pub before: Option<DateTime<Utc>>,
    /// From 1.
    pub page: u32,
}

impl TryFrom<AuditFilter> for ValidFilter {
    type Error = AppError;

    fn try_from(filter: AuditFilter) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let actor = text("actor", filter.actor, &mut errors);
        let action = text("action", filter.action, &mut errors).map(|action| action.to_lowercase());
        let object = text("object", filter.object, &mut errors);
        let from = day("from", filter.from, &mut errors);
        let to = day("to", filter.to, &mut errors);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.push(field_error("to", "The last day is before the first day"));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid {
                message: "Some filters could not be read: correct the marked fields".into(),
                fields: errors,
            });
        }
        Ok(Self {
            actor,
            action,
            object,
            since: from.map(midnight),
            // `day` keeps years to 1..=9999, so the next day always exists.
            before: to.and_then(|to| to.succ_opt()).map(midnight),
            page: filter.page.max(1),
        })
    }
}

fn text(field: &str, value: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = value?.trim().to_owned();
    if value.chars().count() > MAX_TEXT {
        errors.push(field_error(field, &format!("Use at most {MAX_TEXT} characters")));
        return None;
    }
    (!value.is_empty()).then_some(value)
}

fn day(field: &str, value: Option<String>, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let value = value?;
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) if (1..=9999).contains(&date.year()) => Some(date),
        _ => {
            errors.push(field_error(field, "Enter a date as YYYY-MM-DD"));
            None
        }
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::ValidFilter;
    use crate::audit::types::AuditFilter;
    use crate::error::AppError;

    fn fields_of(filter: AuditFilter) -> Vec<String> {
        match ValidFilter::try_from(filter) {
            Err(AppError::Invalid { fields, .. }) => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn days_become_inclusive_utc_bounds_and_blank_text_means_any() {
        let filter = ValidFilter::try_from(AuditFilter {
            actor: Some("  ".into()),
            action: Some(" Auth.Login ".into()),
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            ..AuditFilter::default()
        })
        .expect("valid");
        assert_eq!(filter.actor, None);
        assert_eq!(filter.action.as_deref(), Some("auth.login"));
        assert_eq!(filter.since, Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single());
        assert_eq!(filter.before, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single());
        assert_eq!(filter.page, 1, "page 0 reads as the first page");
    }

    #[test]
    fn bad_dates_and_reversed_ranges_are_field_errors() {
        assert_eq!(
            fields_of(AuditFilter {
                from: Some("yesterday".into()),
                ..Default::default()
            }),
            ["from"]
        );
        assert_eq!(
            fields_of(AuditFilter {
                to: Some("2026-02-30".into()),
                ..Default::default()
            }),
            ["to"]
        );
        assert_eq!(
            fields_of(AuditFilter {
                from: Some("0000-01-01".into()),
                ..Default::default()
            }),
            ["from"]
        );
        assert_eq!(
            fields_of(AuditFilter {
                from: Some("2026-11-02".into()),
                to: Some("2026-11-01".into()),
                ..Default::default()
            }),
            ["to"]
        );
        assert_eq!(
            fields_of(AuditFilter {
                object: Some("x".repeat(201)),
                ..Default::default()
            }),
            ["object"]
        );
    }
}
