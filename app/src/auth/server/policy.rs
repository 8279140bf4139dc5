//! Password policy: length (the same rule the browser checks), common passwords, guessability.

use zxcvbn::matching::patterns::MatchPattern;
use zxcvbn::{Match, Score};

use crate::auth::types::check_password_length;

/// Checks a new password; the `Err` is a sentence to show next to the field.
///
/// `user_inputs` are words the person is known by (email, name): zxcvbn counts them as easy to
/// guess when they appear in the password.
pub fn check_policy(password: &str, user_inputs: &[&str]) -> Result<(), String> {
    check_password_length(password)?;
    let entropy = zxcvbn::zxcvbn(password, user_inputs);
    // zxcvbn's dictionary matcher already lowercases, but its cheapest split of a capitalised
    // entry ("Password1234" = "password" + "1234") can hide that the whole word is on the list;
    // the lowercase form shows it.
    let lowercase = password.to_lowercase();
    if is_one_common_password(entropy.sequence())
        || (lowercase != password && is_one_common_password(zxcvbn::zxcvbn(&lowercase, user_inputs).sequence()))
    {
        return Err("This password is in a list of commonly used passwords; choose another".to_owned());
    }
    if entropy.score() < Score::Three {
        return Err("This password is too easy to guess; add more words or characters".to_owned());
    }
    Ok(())
}

/// Whether zxcvbn explains the whole password as one entry (possibly l33t or reversed) of its
/// bundled list of common passwords.
fn is_one_common_password(sequence: &[Match]) -> bool {
    // zxcvbn 3 does not export its `DictionaryType`; `Passwords` is that enum's `Default`, so the
    // comparison below is against the passwords list without naming the private type.
    matches!(sequence, [only] if matches!(
        &only.pattern,
        MatchPattern::Dictionary(word) if word.dictionary_name == Default::default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_characters_are_too_few() {
        assert_eq!(
            check_policy("Gx7!qR2#vL9", &[]),
            Err("Use at least 12 characters".to_owned())
        );
    }

    #[test]
    fn twelve_strong_characters_are_enough() {
        assert_eq!(check_policy("Gx7!qR2#vL9p", &[]), Ok(()));
    }

    #[test]
    fn more_than_128_characters_are_refused() {
        let long = "Gx7!qR2#vL9p".repeat(11);
        assert_eq!(check_policy(&long[..128], &[]), Ok(()));
        assert_eq!(
            check_policy(&long[..129], &[]),
            Err("Use at most 128 characters".to_owned())
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 11 characters but 22 bytes: still too short.
        assert_eq!(
            check_policy("ñáéíóúüçßøå", &[]),
            Err("Use at least 12 characters".to_owned())
        );
        assert_eq!(check_policy("mañana-sol-lluvia", &[]), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_as_common() {
        let common = Err("This password is in a list of commonly used passwords; choose another".to_owned());
        assert_eq!(check_policy("password1234", &[]), common);
        assert_eq!(check_policy("PASSWORD1234", &[]), common);
    }

    #[test]
    fn guessable_passwords_are_refused_as_too_easy() {
        let too_easy = Err("This password is too easy to guess; add more words or characters".to_owned());
        assert_eq!(check_policy("aaaaaaaaaaaa", &[]), too_easy);
        assert_eq!(check_policy("qwertyuiop12", &[]), too_easy);
        assert_eq!(check_policy("4321drowssap", &[]), too_easy);
        assert_eq!(
            check_policy("alice.smith@example.com", &["alice.smith@example.com"]),
            too_easy
        );
    }

    #[test]
    fn a_random_looking_passphrase_is_accepted() {
        assert_eq!(check_policy("vX7#pQ2!mR9zL4wK", &[]), Ok(()));
        assert_eq!(check_policy("tulip orbit kayak", &["alice@example.com"]), Ok(()));
    }
}
