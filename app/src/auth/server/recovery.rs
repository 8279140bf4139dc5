//! One-time recovery codes: generation, the forgiving form people type them in, and their hash.

use rand::rngs::OsRng;
use rand::Rng;
use sha2::{Digest, Sha256};

/// Codes issued at a time.
pub const COUNT: usize = 10;
/// Lowercase letters and digits minus the look-alikes 0/o, 1/l/i: 31 symbols, ~4.95 bits each.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters per code: 10 × log2(31) ≈ 49.5 bits of entropy.
const CODE_CHARS: usize = 10;
/// Characters per dash-separated group, so a code reads as `xxxxx-xxxxx`.
const GROUP_CHARS: usize = 5;

/// `COUNT` fresh codes like `k7m2p-x9qrt`, from the operating system's CSPRNG.
pub fn generate() -> Vec<String> {
    let mut rng = OsRng;
    (0..COUNT)
        .map(|_| {
            let mut code = String::with_capacity(CODE_CHARS + 1);
            for position in 0..CODE_CHARS {
                if position == GROUP_CHARS {
                    code.push('-');
                }
                code.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
            }
            code
        })
        .collect()
}

/// The canonical form of a typed code: lowercase, without spaces or dashes.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The value stored for a code: SHA-256 of its normalized form.
///
/// A fast hash is enough here, unlike for passwords: each code carries ~49.5 random bits, so
/// even a leaked table cannot be brute-forced back into codes, while argon2 would cost ~10 hashes
/// of CPU and memory per sign-in attempt for no gain.
pub fn hash(code: &str) -> Vec<u8> {
    Sha256::digest(normalize(code).as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ten_distinct_codes_of_the_right_shape_are_generated() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), COUNT);
        for code in &codes {
            let (first, second) = code.split_once('-').expect("a dash in the middle");
            assert_eq!((first.len(), second.len()), (5, 5), "{code}");
            assert!(
                first.bytes().chain(second.bytes()).all(|b| ALPHABET.contains(&b)),
                "{code}"
            );
        }
    }

    #[test]
    fn the_alphabet_has_no_look_alikes_and_enough_entropy() {
        assert!(!ALPHABET.iter().any(|b| b"0o1li".contains(b)));
        assert_eq!(ALPHABET.iter().collect::<HashSet<_>>().len(), ALPHABET.len());
        let bits = CODE_CHARS as f64 * (ALPHABET.len() as f64).log2();
        assert!(bits >= 48.0, "{bits}");
    }

    #[test]
    fn typing_variants_of_a_code_hash_the_same() {
        assert_eq!(normalize("ABCDE-FGHJK"), "abcdefghjk");
        assert_eq!(hash("ABCDE-FGHJK"), hash("abcde fghjk"));
        assert_eq!(hash("ABCDE-FGHJK"), hash(" abcdefghjk\t"));
    }

    #[test]
    fn different_codes_hash_differently() {
        assert_ne!(hash("abcde-fghjk"), hash("abcde-fghjm"));
        assert_eq!(hash("abcde-fghjk").len(), 32);
    }
}
