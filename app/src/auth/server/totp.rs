//! Time-based one-time codes (RFC 6238): secrets, enrolment QR codes and replay-safe verification.
//!
//! Settings are the ones every authenticator app understands: HMAC-SHA-1, 6 digits, 30-second
//! steps, and one step of clock skew either way.

use qrcode::render::svg;
use qrcode::QrCode;
use rand::rngs::OsRng;
use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Length of a new secret: 160 bits, RFC 4226's recommendation.
const SECRET_LEN: usize = 20;
const DIGITS: u8 = 6;
const STEP_SECONDS: u64 = 30;
/// Steps accepted either side of the current one, for clocks that drift or codes typed slowly.
const SKEW_STEPS: i64 = 1;
/// Rough rendered width of the QR code: scannable on a phone held to a laptop screen.
const QR_MIN_PIXELS: u32 = 200;

/// A fresh random TOTP secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_LEN];
    OsRng.fill_bytes(&mut secret);
    secret
}

/// The secret as unpadded RFC 4648 base32, for typing into an app by hand.
pub fn secret_base32(secret: &[u8]) -> String {
    Secret::from(secret).to_base32()
}

/// The `otpauth://totp/...` URL an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &[u8], issuer: &str, account: &str) -> String {
    // The label is `issuer:account`, so a colon inside either would change its meaning (totp-rs
    // refuses them), and apps need some account name to list. A valid email has neither problem,
    // but the URL must be well formed whatever the caller passes.
    let issuer = issuer.replace(':', " ");
    let account = match account.replace(':', " ") {
        account if account.trim().is_empty() => "account".to_owned(),
        account => account,
    };
    Builder::new()
        .with_secret(secret)
        .with_digits(DIGITS)
        .with_step_duration(STEP_SECONDS)
        .with_issuer(Some(issuer).filter(|issuer| !issuer.trim().is_empty()))
        .with_account_name(account)
        .build_noncompliant()
        .to_url()
        // `to_url` only fails for an empty account name or a colon, both ruled out above.
        .expect("otpauth URL from a sanitised issuer and account")
}

/// The URL as an inline SVG QR code: black modules on white with the standard quiet zone.
///
/// Empty if the URL is too long for any QR code (thousands of bytes); the page then only shows
/// the base32 secret for manual entry.
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = QrCode::new(url.as_bytes()) else {
        tracing::warn!(url_len = url.len(), "otpauth URL too long for a QR code");
        return String::new();
    };
    let svg = code
        .render::<svg::Color<'_>>()
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .min_dimensions(QR_MIN_PIXELS, QR_MIN_PIXELS)
        .build();
    // The XML declaration is only meaningful in a standalone file; inside HTML it is noise.
    let svg = match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg.as_str(),
    };
    svg.replacen(
        "<svg",
        r#"<svg role="img" aria-label="QR code for your authenticator app""#,
        1,
    )
}

/// Checks a code typed by a person (whitespace ignored, then exactly 6 ASCII digits); returns the
/// time step it belongs to if it is valid *and* newer than `last_used_step`, which the caller then
/// stores.
///
/// RFC 6238 §5.2 requires each code to be accepted once: refusing every step up to the last one
/// used also refuses an older code seen over someone's shoulder.
pub fn verify(secret: &[u8], code: &str, now_unix: u64, last_used_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, DIGITS)?;
    let now_step = i64::try_from(now_unix / STEP_SECONDS).ok()?;
    // Every candidate step is compared (no early exit), so timing does not tell which one matched.
    let mut matched = None;
    for step in now_step - SKEW_STEPS..=now_step + SKEW_STEPS {
        if code_at(&totp, step).is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(code.as_bytes()))) {
            matched = Some(step);
        }
    }
    matched.filter(|step| last_used_step.is_none_or(|last| *step > last))
}

/// A TOTP generator for `secret`; `None` for a secret too short to be a real one (corrupt data).
fn totp(secret: &[u8], digits: u8) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_secret(secret)
        .with_digits(digits)
        .with_step_duration(STEP_SECONDS)
        .build()
        .ok()
}

/// The code for time step `step`, formatted with leading zeros.
fn code_at(totp: &Totp, step: i64) -> Option<String> {
    let time = u64::try_from(step).ok()?.checked_mul(STEP_SECONDS)?;
    Some(totp.generate(time).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    /// A fixed moment in the middle of a step.
    const NOW: u64 = 1_700_000_015;

    fn code_for(secret: &[u8], unix: u64) -> String {
        code_at(
            &totp(secret, DIGITS).expect("valid secret"),
            (unix / STEP_SECONDS) as i64,
        )
        .expect("code")
    }

    #[test]
    fn rfc_6238_sha1_test_vectors_match() {
        let totp = totp(RFC_SECRET, 8).expect("RFC secret is valid");
        for (time, expected) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at(&totp, (time / STEP_SECONDS) as i64).as_deref(),
                Some(expected),
                "at {time}"
            );
        }
    }

    #[test]
    fn the_current_code_is_accepted_and_returns_its_step() {
        let secret = new_secret();
        let code = code_for(&secret, NOW);
        assert_eq!(verify(&secret, &code, NOW, None), Some((NOW / STEP_SECONDS) as i64));
    }

    #[test]
    fn spaces_in_the_code_are_ignored() {
        let secret = new_secret();
        let code = code_for(&secret, NOW);
        let spaced = format!(" {} {} ", &code[..3], &code[3..]);
        assert!(verify(&secret, &spaced, NOW, None).is_some());
    }

    #[test]
    fn one_step_of_skew_is_accepted_either_way_but_not_two() {
        let secret = new_secret();
        let step = (NOW / STEP_SECONDS) as i64;
        let previous = code_for(&secret, NOW - STEP_SECONDS);
        let next = code_for(&secret, NOW + STEP_SECONDS);
        assert_eq!(verify(&secret, &previous, NOW, None), Some(step - 1));
        assert_eq!(verify(&secret, &next, NOW, None), Some(step + 1));
        let two_back = code_for(&secret, NOW - 2 * STEP_SECONDS);
        let two_ahead = code_for(&secret, NOW + 2 * STEP_SECONDS);
        // A random code can coincide with a neighbouring step's (one chance in a million).
        let near: Vec<String> = (-1..=1)
            .map(|d| code_for(&secret, (NOW as i64 + d * 30) as u64))
            .collect();
        if !near.contains(&two_back) {
            assert_eq!(verify(&secret, &two_back, NOW, None), None);
        }
        if !near.contains(&two_ahead) {
            assert_eq!(verify(&secret, &two_ahead, NOW, None), None);
        }
    }

    #[test]
    fn a_code_is_accepted_only_once() {
        let secret = new_secret();
        let code = code_for(&secret, NOW);
        let step = verify(&secret, &code, NOW, None).expect("first use");
        assert_eq!(verify(&secret, &code, NOW, Some(step)), None);
        assert_eq!(
            verify(&secret, &code, NOW, Some(step + 1)),
            None,
            "older than the last used"
        );
        let next = code_for(&secret, NOW + STEP_SECONDS);
        assert_eq!(verify(&secret, &next, NOW + STEP_SECONDS, Some(step)), Some(step + 1));
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = new_secret();
        for code in ["", "12345", "1234567", "abcdef", "12345a", "+12345", "١٢٣٤٥٦"] {
            assert_eq!(verify(&secret, code, NOW, None), None, "{code:?}");
        }
    }

    #[test]
    fn a_corrupt_short_secret_never_verifies() {
        assert_eq!(verify(b"short", "123456", NOW, None), None);
    }

    #[test]
    fn new_secrets_are_random_and_160_bits() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
    }

    #[test]
    fn the_secret_is_unpadded_base32() {
        assert_eq!(secret_base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(secret_base32(&[0u8; 16]), "AAAAAAAAAAAAAAAAAAAAAAAAAA");
    }

    #[test]
    fn the_otpauth_url_names_issuer_and_account() {
        let url = otpauth_url(RFC_SECRET, "Gantry", "alice@example.com");
        assert_eq!(
            url,
            "otpauth://totp/Gantry:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Gantry"
        );
        let odd = otpauth_url(RFC_SECRET, "Gan:try", "");
        assert!(odd.starts_with("otpauth://totp/Gan%20try:account?"), "{odd}");
        let no_issuer = otpauth_url(RFC_SECRET, "", "a:b");
        assert!(no_issuer.starts_with("otpauth://totp/a%20b?"), "{no_issuer}");
    }

    #[test]
    fn the_qr_code_is_an_inline_black_on_white_svg() {
        let svg = qr_svg(&otpauth_url(&new_secret(), "Gantry", "alice@example.com"));
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains(r##"fill="#ffffff""##) && svg.contains(r##"fill="#000000""##));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
