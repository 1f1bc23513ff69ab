use std::fmt;

/// A file's path inside a submission bundle: relative, `/`-separated, without `.` or `..`
/// components. Everything that enters the store goes through this type, so no stored path can
/// point outside its bundle when written back to disk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BundlePath(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundlePathError {
    #[error("the path is empty")]
    Empty,
    #[error("`{0}` is absolute; bundle paths must be relative")]
    Absolute(String),
    /// `X:name` is relative to the current folder of drive X on Windows: not absolute, but it
    /// still leaves the bundle when written back to disk there.
    #[error("`{0}` starts with a drive prefix (`X:`); bundle paths must be relative, without a drive")]
    DrivePrefix(String),
    #[error("`{0}` climbs out of the bundle with `..`")]
    ParentDir(String),
    #[error("`{0}` contains a NUL or control character")]
    ControlCharacter(String),
    #[error("`{0}` is longer than {max} bytes", max = BundlePath::MAX_LEN)]
    TooLong(String),
}

impl BundlePath {
    pub const MAX_LEN: usize = 512;

    /// Normalises `raw` (backslashes and repeated or leading `./` are tolerated) and rejects
    /// anything that could escape the bundle.
    pub fn parse(raw: &str) -> Result<BundlePath, BundlePathError> {
        if raw.len() > Self::MAX_LEN {
            return Err(BundlePathError::TooLong(raw.chars().take(64).collect()));
        }
        if raw.chars().any(char::is_control) {
            return Err(BundlePathError::ControlCharacter(raw.escape_debug().to_string()));
        }
        let unified = raw.replace('\\', "/");
        let bytes = unified.as_bytes();
        let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
        // `/x`, `//server/share` and `C:/x` (after unifying `\`) are absolute everywhere they mean
        // anything; a bare `C:x` is only drive-relative, so it gets its own message.
        if unified.starts_with('/') || (drive && bytes.get(2) == Some(&b'/')) {
            return Err(BundlePathError::Absolute(raw.to_owned()));
        }
        if drive {
            return Err(BundlePathError::DrivePrefix(raw.to_owned()));
        }
        let mut parts = Vec::new();
        for part in unified.split('/') {
            match part {
                "" | "." => continue,
                ".." => return Err(BundlePathError::ParentDir(raw.to_owned())),
                _ => parts.push(part),
            }
        }
        if parts.is_empty() {
            return Err(BundlePathError::Empty);
        }
        Ok(BundlePath(parts.join("/")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path without its first component, for archives that wrap a bundle in one folder.
    pub fn strip_first_component(&self) -> Option<BundlePath> {
        self.0.split_once('/').map(|(_, rest)| BundlePath(rest.to_owned()))
    }

    pub fn first_component(&self) -> &str {
        self.0.split('/').next().unwrap_or_default()
    }
}

impl fmt::Display for BundlePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_harmless_forms() {
        assert_eq!(BundlePath::parse("./a//b/./c.rhai").unwrap().as_str(), "a/b/c.rhai");
        assert_eq!(BundlePath::parse("a\\b.txt").unwrap().as_str(), "a/b.txt");
    }

    #[test]
    fn rejects_escapes() {
        assert!(matches!(BundlePath::parse("../etc/passwd"), Err(BundlePathError::ParentDir(_))));
        assert!(matches!(BundlePath::parse("a/../../b"), Err(BundlePathError::ParentDir(_))));
        assert!(matches!(BundlePath::parse("/etc/passwd"), Err(BundlePathError::Absolute(_))));
        assert!(matches!(BundlePath::parse("C:\\x"), Err(BundlePathError::Absolute(_))));
        assert!(matches!(BundlePath::parse("a\0b"), Err(BundlePathError::ControlCharacter(_))));
        assert!(matches!(BundlePath::parse("./"), Err(BundlePathError::Empty)));
    }

    #[test]
    fn a_drive_prefix_is_not_called_absolute() {
        let err = BundlePath::parse("a:b.rhai").unwrap_err();
        assert_eq!(err, BundlePathError::DrivePrefix("a:b.rhai".into()));
        assert!(err.to_string().contains("starts with a drive prefix"), "{err}");
        assert!(!err.to_string().contains("absolute"), "{err}");
        assert!(matches!(BundlePath::parse("C:/x"), Err(BundlePathError::Absolute(_))));
        // A colon later on names no drive.
        assert_eq!(BundlePath::parse("notes/a:b.md").unwrap().as_str(), "notes/a:b.md");
    }
}
