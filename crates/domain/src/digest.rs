use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// A sha256 digest, kept as 64 lowercase hex characters (the form stored and shown).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Digest(String);

impl Digest {
    /// The sha256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(hex(&sha2::Sha256::digest(bytes)))
    }

    /// Reads a digest from its hex form; `None` unless it is exactly 64 hex characters.
    pub fn parse(text: &str) -> Option<Digest> {
        let text = text.trim();
        (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Digest(text.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 hex characters: what lists show, like an abbreviated git hash.
    pub fn short(&self) -> &str {
        &self.0[..12]
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// An abbreviated id as a user types it: at least [`IdPrefix::MIN_LEN`] hex characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPrefix(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdPrefixError {
    #[error("`{0}` is not an id: ids are hexadecimal (0-9, a-f)")]
    NotHex(String),
    #[error("`{0}` is too short: give at least {min} characters of the id", min = IdPrefix::MIN_LEN)]
    TooShort(String),
    #[error("`{0}` is longer than an id (64 characters)")]
    TooLong(String),
}

impl IdPrefix {
    /// Shorter prefixes match too much to be useful, as with git.
    pub const MIN_LEN: usize = 4;

    pub fn parse(text: &str) -> Result<IdPrefix, IdPrefixError> {
        let text = text.trim();
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(IdPrefixError::NotHex(text.to_owned()));
        }
        if text.len() < Self::MIN_LEN {
            return Err(IdPrefixError::TooShort(text.to_owned()));
        }
        if text.len() > 64 {
            return Err(IdPrefixError::TooLong(text.to_owned()));
        }
        Ok(IdPrefix(text.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_empty_input_is_the_known_sha256() {
        assert_eq!(
            Digest::of(b"").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn parse_accepts_uppercase_and_normalises() {
        let upper = Digest::of(b"x").as_str().to_ascii_uppercase();
        assert_eq!(Digest::parse(&upper), Some(Digest::of(b"x")));
        assert_eq!(Digest::parse("abc"), None);
    }

    #[test]
    fn id_prefix_rules() {
        assert!(matches!(IdPrefix::parse("ab"), Err(IdPrefixError::TooShort(_))));
        assert!(matches!(IdPrefix::parse("zzzz"), Err(IdPrefixError::NotHex(_))));
        assert_eq!(IdPrefix::parse("ABCD1").unwrap().as_str(), "abcd1");
    }
}
