//! Where the database lives: a SQLite file named by a plain path, or a URL.
//!
//! A path is never pasted into a URL as text. sqlx's `Any` driver only connects through a URL,
//! and on the way the URL is normalised (`%2e%2e` becomes `..`) and percent-decoded (`%41`
//! becomes `A`), so a path that happens to contain `%`, `?` or `#` would open another file. A
//! path is therefore made absolute (its folder canonicalised), every byte outside a small safe set
//! is percent-encoded, and the result is decoded back through sqlx's own parser and compared with
//! the path before anything is opened.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sqlx::any::AnyConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::{Dialect, StoreError, redact};

/// A database location as a user gives it (`--db`, `AAR_REVIEW_DB`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file, by plain path (created with its folder if missing).
    SqliteFile(PathBuf),
    /// A `sqlite:` or `postgres://` URL, used as given.
    Url { url: String, dialect: Dialect },
}

impl Location {
    /// Reads a location: `postgres://…`/`postgresql://…` and `sqlite:…` are URLs; any other
    /// `scheme://…` is refused (without touching the disk); everything else is a file path.
    pub fn parse(text: &str) -> Result<Location, StoreError> {
        if text.trim().is_empty() {
            return Err(StoreError::BadLocation("the database location is empty".into()));
        }
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Location::Url { url: text.to_owned(), dialect: Dialect::Postgres });
        }
        if lower.starts_with("sqlite:") {
            return Ok(Location::Url { url: text.to_owned(), dialect: Dialect::Sqlite });
        }
        if let Some((scheme, _)) = text.split_once("://")
            && is_scheme(scheme)
        {
            return Err(StoreError::UnsupportedUrl(redact(text)));
        }
        Ok(Location::SqliteFile(PathBuf::from(text)))
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Location::SqliteFile(_) => Dialect::Sqlite,
            Location::Url { dialect, .. } => *dialect,
        }
    }

    /// The connect options, creating a SQLite file's folder first.
    pub(crate) fn connect_options(&self) -> Result<AnyConnectOptions, StoreError> {
        match self {
            Location::Url { url, .. } => Ok(AnyConnectOptions::from_str(url)?),
            Location::SqliteFile(path) => sqlite_file_options(path),
        }
    }

    pub(crate) fn is_in_memory(&self) -> bool {
        matches!(self, Location::Url { url, .. } if url.contains(":memory:") || url.contains("mode=memory"))
    }
}

/// RFC 3986: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Everything but letters, digits and `/-_.~` is escaped; `%` itself included, so no escape
/// sequence written in a file name survives to be decoded.
const PATH_SAFE: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn sqlite_file_options(path: &Path) -> Result<AnyConnectOptions, StoreError> {
    let bad = |why: &str| StoreError::BadLocation(format!("`{}` {why}", path.display()));
    let name = path.file_name().ok_or_else(|| bad("does not name a file"))?;
    if path.is_dir() {
        return Err(bad("is a folder; name a database file inside it"));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|source| StoreError::Io { path: parent.clone(), source })?;
    // Canonical: absolute, without `.`/`..` components the URL parser would collapse by itself.
    let folder =
        std::fs::canonicalize(&parent).map_err(|source| StoreError::Io { path: parent.clone(), source })?;
    let full = folder.join(name);
    let text = full.to_str().ok_or_else(|| bad("is not valid UTF-8, which SQLite's URLs need"))?;
    let url = format!("sqlite://{}?mode=rwc", utf8_percent_encode(text, PATH_SAFE));
    let options = AnyConnectOptions::from_str(&url)?;
    // Belt and braces: read the URL back the way the driver will, and refuse any difference.
    let decoded = SqliteConnectOptions::try_from(&options)?;
    if decoded.get_filename() != full {
        return Err(bad(&format!(
            "would open `{}` instead; rename the file or its folder",
            decoded.get_filename().display()
        )));
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_decide_the_kind() {
        assert!(matches!(
            Location::parse("postgres://u@h/db"),
            Ok(Location::Url { dialect: Dialect::Postgres, .. })
        ));
        assert!(matches!(
            Location::parse("sqlite::memory:"),
            Ok(Location::Url { dialect: Dialect::Sqlite, .. })
        ));
        assert_eq!(Location::parse("review.db").unwrap(), Location::SqliteFile("review.db".into()));
        assert_eq!(Location::parse("a:b.db").unwrap(), Location::SqliteFile("a:b.db".into()));
        assert_eq!(Location::parse("pct%41.db").unwrap(), Location::SqliteFile("pct%41.db".into()));
        let refused = Location::parse("mysql://alice:pw@host/db").unwrap_err();
        assert!(matches!(refused, StoreError::UnsupportedUrl(_)));
        assert!(!refused.to_string().contains("pw"), "the password is not echoed: {refused}");
        assert!(Location::parse("  ").is_err());
    }

    #[test]
    fn awkward_file_names_round_trip_exactly() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["pct%41.db", "we?ird#name.db", "spa ce.db", "ünï.db", "%2e%2e"] {
            let path = dir.path().join(name);
            let options = sqlite_file_options(&path).unwrap();
            let decoded = SqliteConnectOptions::try_from(&options).unwrap();
            let expected = std::fs::canonicalize(dir.path()).unwrap().join(name);
            assert_eq!(decoded.get_filename(), expected, "{name}");
        }
    }
}
