//! Files a reviewer asks for (an export, a verification report), written whole or not at all.

use std::io::Write as _;
use std::path::Path;

use crate::{ApiError, ApiResult, ErrorCode};

/// Writes `text` to `path` whole or not at all: into a temporary file beside it, flushed to disk,
/// then renamed over it, so a full disk or a kill never leaves half a file where a good one was.
/// `what` names the file in the error ("the export").
pub fn write_atomically(path: &Path, text: &str, what: &str) -> ApiResult<()> {
    let failed = |e: std::io::Error| {
        ApiError::new(ErrorCode::Storage, format!("could not write {what} to {}: {e}", path.display()))
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// A path typed into the app: a leading `~/` is the home folder; anything else must be absolute,
/// as a relative path would land in whatever folder the app was started from.
pub fn typed_path(typed: &str) -> ApiResult<std::path::PathBuf> {
    let typed = typed.trim();
    let path = match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => Path::new(typed).to_path_buf(),
    };
    if typed.is_empty() || !path.is_absolute() {
        return Err(ApiError::invalid(format!(
            "`{typed}` is not a full path: start it with / or ~/ (a relative path would land in the folder the app was started from)"
        )));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("review.md");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, "new", "the export").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");

        // A directory cannot be replaced by a file: the rename fails after the write.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        let e = write_atomically(&blocked, "text", "the export").unwrap_err();
        assert_eq!(e.code, ErrorCode::Storage);
        assert!(e.message.contains("the export") && e.message.contains("blocked"), "{}", e.message);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "no temporary file is left behind: {left:?}");
    }

    #[test]
    fn typed_paths_are_full_or_home_relative() {
        assert!(typed_path("/tmp/x.md").unwrap().is_absolute());
        if let Some(home) = std::env::var_os("HOME") {
            assert_eq!(typed_path(" ~/x.md ").unwrap(), Path::new(&home).join("x.md"));
        }
        for bad in ["", "x.md", "./x.md", "~x.md"] {
            let e = typed_path(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad:?}");
        }
    }
}
