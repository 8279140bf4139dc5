//! Which lines of history to read, checked: the last N lines, a since/until range (RFC 3339 or a
//! duration back from now) and the streams, with field errors the log viewer shows.

use chrono::{DateTime, Utc};

use crate::containers::types::LogQuery;
use crate::error::{AppError, FieldError};

/// Lines shown when the query does not say.
pub const DEFAULT_TAIL: u32 = 200;
/// The most lines one request reads per container.
pub const MAX_TAIL: u32 = 5000;

/// A [`LogQuery`] the engine can be asked: times as unix seconds (the engine's `since`/`until`
/// are 32-bit), at least one stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogWindow {
    pub tail: u32,
    pub since: Option<i32>,
    pub until: Option<i32>,
    pub stdout: bool,
    pub stderr: bool,
}

impl LogWindow {
    /// Checks `query`; durations count back from `now`.
    pub fn parse(query: &LogQuery, now: DateTime<Utc>) -> Result<Self, AppError> {
        let mut fields = Vec::new();
        let mut instant_of = |field: &str, value: Option<&str>| {
            instant(value, now).unwrap_or_else(|message| {
                fields.push(FieldError::new(field, message));
                None
            })
        };
        let since = instant_of("since", query.since.as_deref());
        let until = instant_of("until", query.until.as_deref());
        if let (Some(since), Some(until)) = (since, until) {
            if since >= until {
                fields.push(FieldError::new("until", "Until must be later than since"));
            }
        }
        let (stdout, stderr) = match query.stream.as_deref().map(str::trim) {
            None | Some("" | "both") => (true, true),
            Some("stdout") => (true, false),
            Some("stderr") => (false, true),
            Some(_) => {
                fields.push(FieldError::new("stream", "Choose stdout, stderr or both"));
                (true, true)
            }
        };
        if !fields.is_empty() {
            return Err(AppError::Invalid {
                message: "Check the log filters".into(),
                fields,
            });
        }
        Ok(Self {
            tail: query.tail.unwrap_or(DEFAULT_TAIL).clamp(1, MAX_TAIL),
            since,
            until,
            stdout,
            stderr,
        })
    }
}

/// An RFC 3339 time or a duration back from `now` (`90s`, `15m`, `2h`, `1d`, `1w`), as unix
/// seconds; blank is no bound.
fn instant(value: Option<&str>, now: DateTime<Utc>) -> Result<Option<i32>, String> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    let at = match DateTime::parse_from_rfc3339(value) {
        Ok(at) => at.timestamp(),
        Err(_) => match duration_secs(value) {
            Some(back) => now.timestamp() - back,
            None => {
                return Err(
                    "Use a time like 2025-01-31T09:00:00Z, or a duration back from now like 15m, 2h or 1d".into(),
                )
            }
        },
    };
    match i32::try_from(at) {
        Ok(at) if at > 0 => Ok(Some(at)),
        _ => Err("That time is out of range".into()),
    }
}

/// `15m` → 900.
fn duration_secs(value: &str) -> Option<i64> {
    let unit = value.chars().last()?;
    let number = &value[..value.len() - unit.len_utf8()];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = match unit.to_ascii_lowercase() {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return None,
    };
    number.parse::<i64>().ok()?.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(since: &str, until: &str, stream: &str) -> LogQuery {
        LogQuery {
            tail: None,
            since: Some(since.into()),
            until: Some(until.into()),
            stream: Some(stream.into()),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-06-01T12:00:00Z")
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn durations_count_back_from_now_and_times_are_read_as_rfc_3339() {
        let window = LogWindow::parse(&query("2h", "2025-06-01T11:59:00+00:00", "stderr"), now()).ok();
        let expected = LogWindow {
            tail: DEFAULT_TAIL,
            since: Some(1_748_779_200 - 7_200),
            until: Some(1_748_779_140),
            stdout: false,
            stderr: true,
        };
        assert_eq!(window, Some(expected));
        let blank = LogWindow::parse(&LogQuery::default(), now()).ok();
        assert_eq!(
            blank.map(|w| (w.since, w.until, w.stdout, w.stderr)),
            Some((None, None, true, true))
        );
    }

    #[test]
    fn tail_is_kept_between_one_and_the_maximum() {
        let big = LogQuery {
            tail: Some(1_000_000),
            ..LogQuery::default()
        };
        assert_eq!(LogWindow::parse(&big, now()).map(|w| w.tail).ok(), Some(MAX_TAIL));
        let zero = LogQuery {
            tail: Some(0),
            ..LogQuery::default()
        };
        assert_eq!(LogWindow::parse(&zero, now()).map(|w| w.tail).ok(), Some(1));
    }

    #[test]
    fn each_bad_filter_is_named() {
        let Err(AppError::Invalid { fields, .. }) = LogWindow::parse(&query("yesterday", "15x", "tty"), now()) else {
            panic!("bad filters are refused");
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["since", "until", "stream"]);
        let Err(AppError::Invalid { fields, .. }) = LogWindow::parse(&query("1h", "2h", "both"), now()) else {
            panic!("an empty range is refused");
        };
        assert_eq!(fields[0].message, "Until must be later than since");
        assert!(LogWindow::parse(&query("99999999999d", "", ""), now()).is_err());
        assert!(LogWindow::parse(&query("m", "", ""), now()).is_err());
        assert!(LogWindow::parse(&query("5é", "", ""), now()).is_err());
    }
}
