//! Stripe's webhook signature, checked as Stripe documents it: the `Stripe-Signature` header
//! carries `t=<unix time>` and one or more `v1=<hex HMAC-SHA256>` over `"<t>.<raw body>"` keyed
//! with the endpoint's signing secret. Any `v1` matching any accepted secret passes (Stripe sends
//! several while a secret is rolled); comparisons are constant-time; a timestamp more than the
//! tolerance away from now is refused, so a captured delivery cannot be replayed later.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// Stripe's default tolerance.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature timestamp is {0} s away from now (more than {TOLERANCE_SECS} s)")]
    OutsideTolerance(i64),
    #[error("no v1 signature matches the payload and the signing secret")]
    NoMatch,
    #[error("no webhook signing secret is configured")]
    NoSecret,
}

/// Checks `header` against the raw `payload`; returns the signed timestamp.
pub fn verify(payload: &[u8], header: Option<&str>, secrets: &[SecretString], now: i64) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    if secrets.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        match item.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => {
                if let Ok(bytes) = hex::decode(value) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let (Some(timestamp), false) = (timestamp, signatures.is_empty()) else {
        return Err(SignatureError::Malformed);
    };
    let matched = secrets.iter().any(|secret| {
        signatures
            .iter()
            .any(|signature| mac_for(secret, timestamp, payload).verify_slice(signature).is_ok())
    });
    if !matched {
        return Err(SignatureError::NoMatch);
    }
    let age = now - timestamp;
    if age.abs() > TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance(age));
    }
    Ok(timestamp)
}

fn mac_for(secret: &SecretString, timestamp: i64, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> SecretString {
        SecretString::from(value.to_owned())
    }

    /// Independent of `mac_for`: HMAC computed over the documented string in one piece.
    fn sign(secret: &str, timestamp: i64, payload: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(format!("{timestamp}.{payload}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    const PAYLOAD: &str = r#"{"id":"evt_1","object":"event"}"#;
    const NOW: i64 = 1_767_225_600;

    #[test]
    fn a_correct_signature_passes_and_returns_its_timestamp() {
        let header = format!("t={NOW},v1={}", sign("whsec_a", NOW, PAYLOAD));
        assert_eq!(
            verify(PAYLOAD.as_bytes(), Some(&header), &[secret("whsec_a")], NOW + 10),
            Ok(NOW)
        );
    }

    #[test]
    fn a_changed_payload_or_other_secret_fails() {
        let header = format!("t={NOW},v1={}", sign("whsec_a", NOW, PAYLOAD));
        let tampered = PAYLOAD.replace("evt_1", "evt_2");
        assert_eq!(
            verify(tampered.as_bytes(), Some(&header), &[secret("whsec_a")], NOW),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verify(PAYLOAD.as_bytes(), Some(&header), &[secret("whsec_b")], NOW),
            Err(SignatureError::NoMatch)
        );
        let shifted = format!("t={},v1={}", NOW + 1, sign("whsec_a", NOW, PAYLOAD));
        assert_eq!(
            verify(PAYLOAD.as_bytes(), Some(&shifted), &[secret("whsec_a")], NOW),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn old_and_future_timestamps_fail_beyond_the_tolerance() {
        let old = NOW - TOLERANCE_SECS - 1;
        let header = format!("t={old},v1={}", sign("whsec_a", old, PAYLOAD));
        assert_eq!(
            verify(PAYLOAD.as_bytes(), Some(&header), &[secret("whsec_a")], NOW),
            Err(SignatureError::OutsideTolerance(TOLERANCE_SECS + 1))
        );
        let edge = NOW - TOLERANCE_SECS;
        let header = format!("t={edge},v1={}", sign("whsec_a", edge, PAYLOAD));
        assert!(verify(PAYLOAD.as_bytes(), Some(&header), &[secret("whsec_a")], NOW).is_ok());
        let future = NOW + TOLERANCE_SECS + 5;
        let header = format!("t={future},v1={}", sign("whsec_a", future, PAYLOAD));
        assert!(verify(PAYLOAD.as_bytes(), Some(&header), &[secret("whsec_a")], NOW).is_err());
    }

    #[test]
    fn any_of_several_signatures_and_secrets_may_match() {
        let header = format!(
            "t={NOW},v1={},v0=ignored,v1={}",
            sign("whsec_old", NOW, PAYLOAD),
            sign("whsec_new", NOW, PAYLOAD)
        );
        assert!(verify(PAYLOAD.as_bytes(), Some(&header), &[secret("whsec_new")], NOW).is_ok());
        assert!(verify(
            PAYLOAD.as_bytes(),
            Some(&header),
            &[secret("whsec_x"), secret("whsec_old")],
            NOW
        )
        .is_ok());
    }

    #[test]
    fn headers_without_parts_are_malformed() {
        let secrets = [secret("whsec_a")];
        assert_eq!(
            verify(PAYLOAD.as_bytes(), None, &secrets, NOW),
            Err(SignatureError::Missing)
        );
        for header in [
            "",
            "t=abc,v1=00",
            &format!("t={NOW}"),
            "v1=00",
            &format!("t={NOW},v0=aa"),
        ] {
            assert_eq!(
                verify(PAYLOAD.as_bytes(), Some(header), &secrets, NOW),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
        assert_eq!(
            verify(PAYLOAD.as_bytes(), Some("t=1,v1=00"), &[], NOW),
            Err(SignatureError::NoSecret)
        );
    }
}
