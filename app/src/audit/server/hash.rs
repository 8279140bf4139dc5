//! The hash chain: the canonical bytes of an audit row and `SHA-256(prev_hash || bytes)`.
//!
//! The encoding is versioned and unambiguous: every text field is length-prefixed (u64, big
//! endian) and every optional field starts with a presence byte, so no choice of field contents
//! can make two different rows encode alike. Changing anything here breaks every stored hash:
//! bump [`DOMAIN`] and teach the verifier both versions instead.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Names the encoding; part of every hashed message.
const DOMAIN: &[u8] = b"gantry.audit.v1";

/// The `prev_hash` of the first row.
pub const GENESIS: [u8; 32] = [0; 32];

/// The hashed fields of one audit row. `at` must already be truncated to microseconds (what
/// PostgreSQL keeps) and `detail` must be as PostgreSQL returns it (see `chain::record`).
pub struct HashedRow<'a> {
    pub at: DateTime<Utc>,
    pub org_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: &'a Value,
}

impl HashedRow<'_> {
    /// The row's hash, chained to the previous row's.
    pub fn hash(&self, prev_hash: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(prev_hash);
        hasher.update(self.canonical_bytes());
        hasher.finalize().into()
    }

    fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        bytes(&mut out, DOMAIN);
        out.extend_from_slice(&self.at.timestamp_micros().to_be_bytes());
        out.extend_from_slice(self.org_id.as_bytes());
        match self.actor_id {
            Some(id) => {
                out.push(1);
                out.extend_from_slice(id.as_bytes());
            }
            None => out.push(0),
        }
        bytes(&mut out, self.actor_label.as_bytes());
        bytes(&mut out, self.action.as_bytes());
        bytes(&mut out, self.object_type.as_bytes());
        for field in [self.object_id, self.ip, self.user_agent, self.request_id] {
            optional(&mut out, field);
        }
        // Compact JSON; serde_json's `Map` is a `BTreeMap` (the `preserve_order` feature is off,
        // which `detail_keys_are_sorted_whatever_the_insertion_order` guards), so keys are sorted.
        bytes(&mut out, self.detail.to_string().as_bytes());
        out
    }
}

fn bytes(out: &mut Vec<u8>, value: &[u8]) {
    out.extend_from_slice(&(value.len() as u64).to_be_bytes());
    out.extend_from_slice(value);
}

fn optional(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(value) => {
            out.push(1);
            bytes(out, value.as_bytes());
        }
        None => out.push(0),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use serde_json::{json, Map, Value};
    use uuid::Uuid;

    use super::{HashedRow, GENESIS};

    fn row<'a>(detail: &'a Value, object_id: Option<&'a str>, ip: Option<&'a str>) -> HashedRow<'a> {
        HashedRow {
            at: Utc
                .timestamp_micros(1_795_000_000_123_456)
                .single()
                .expect("valid time"),
            org_id: Uuid::from_u128(1),
            actor_id: None,
            actor_label: "system",
            action: "test.ran",
            object_type: "test",
            object_id,
            ip,
            user_agent: None,
            request_id: None,
            detail,
        }
    }

    #[test]
    fn detail_keys_are_sorted_whatever_the_insertion_order() {
        let mut map = Map::new();
        map.insert("zeta".into(), json!(1));
        map.insert("alpha".into(), json!({"y": 2, "b": 3}));
        assert_eq!(Value::Object(map).to_string(), r#"{"alpha":{"b":3,"y":2},"zeta":1}"#);
    }

    #[test]
    fn moving_text_between_optional_fields_changes_the_hash() {
        let detail = json!({});
        let a = row(&detail, Some("x"), None).hash(&GENESIS);
        let b = row(&detail, None, Some("x")).hash(&GENESIS);
        let c = row(&detail, Some(""), None).hash(&GENESIS);
        let d = row(&detail, None, None).hash(&GENESIS);
        assert_ne!(a, b);
        assert_ne!(c, d, "an empty string is not a missing value");
    }

    #[test]
    fn the_hash_depends_on_the_previous_hash_and_is_stable() {
        let detail = json!({"b": 1, "a": [true, null]});
        let first = row(&detail, None, None).hash(&GENESIS);
        assert_eq!(first, row(&detail, None, None).hash(&GENESIS));
        assert_ne!(first, row(&detail, None, None).hash(&first));
    }
}
