//! New values for generated secrets, from the operating system's CSPRNG.

use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use secrecy::SecretString;

use crate::secrets::types::Generator;

const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";
/// Symbols that survive shells, URLs and `.env` files without quoting.
const SYMBOLS: &[u8] = b"-_.~+=";

/// A fresh value of the generator's kind.
pub fn generate(generator: Generator) -> SecretString {
    match generator {
        Generator::Password32 => password(32).into(),
        Generator::Hex64 => {
            let mut bytes = [0u8; 32];
            OsRng.fill_bytes(&mut bytes);
            hex::encode(bytes).into()
        }
        Generator::Uuid => uuid::Uuid::new_v4().to_string().into(),
    }
}

/// A password with at least one character of each class, so it passes any composition rule.
fn password(len: usize) -> String {
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SYMBOLS].concat();
    loop {
        let candidate: String = (0..len)
            .map(|_| char::from(all[OsRng.gen_range(0..all.len())]))
            .collect();
        let has = |class: &[u8]| candidate.bytes().any(|b| class.contains(&b));
        if [LOWER, UPPER, DIGITS, SYMBOLS].into_iter().all(has) {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn each_generator_makes_values_of_its_shape_and_never_repeats() {
        let password = generate(Generator::Password32);
        assert_eq!(password.expose_secret().len(), 32);
        assert!(password.expose_secret().bytes().any(|b| SYMBOLS.contains(&b)));
        let hex = generate(Generator::Hex64);
        assert_eq!(hex.expose_secret().len(), 64);
        assert!(hex.expose_secret().bytes().all(|b| b.is_ascii_hexdigit()));
        let id = generate(Generator::Uuid);
        assert!(uuid::Uuid::parse_str(id.expose_secret()).is_ok());
        assert_ne!(
            generate(Generator::Password32).expose_secret(),
            password.expose_secret()
        );
    }
}
