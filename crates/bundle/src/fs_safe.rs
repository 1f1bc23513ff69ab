//! Opening untrusted paths: never through a link below the paths the user named, never blocking on
//! a FIFO, never reading a device, never reading past a cap.
//!
//! A check on the path followed by an open of the same path can be raced (the file swapped for a
//! link in between), so files are opened first, with `O_NOFOLLOW | O_NONBLOCK`, and the opened
//! handle is what gets checked (`fstat`) and read.

use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::path::Path;

use crate::error::Problem;

/// Whether the last component of a path may be a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Links {
    /// A path the user named on the command line: a link to a regular file is followed.
    Follow,
    /// Anything found inside an input: a link is refused.
    Refuse,
}

/// What a path may be: anything else (links, FIFOs, sockets, devices) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Folder,
}

/// A regular file, opened, with its size as the opened handle reports it.
#[derive(Debug)]
pub(crate) struct RegularFile {
    pub(crate) file: File,
    pub(crate) len: u64,
}

/// Opens `path` (shown as `entry` in errors) for reading if, and only if, it is a regular file.
pub(crate) fn open_regular(path: &Path, entry: &str, links: Links) -> Result<RegularFile, Problem> {
    let file = open_nonblocking(path, entry, links)?;
    let meta = file.metadata().map_err(|source| at(entry, source))?;
    if meta.is_dir() {
        return Err(at(entry, io::ErrorKind::IsADirectory.into()));
    }
    if !meta.is_file() {
        return Err(Problem::SpecialFile { entry: entry.to_owned(), kind: kind_name(meta.file_type()) });
    }
    Ok(RegularFile { file, len: meta.len() })
}

impl RegularFile {
    /// Reads the whole file if it is at most `limit` bytes. At most one byte past the limit is
    /// read, so a file that grows while it is read cannot make us read more.
    pub(crate) fn read_capped(self, entry: &str, limit: u64) -> Result<Vec<u8>, Problem> {
        let too_large = |size| Problem::FileTooLarge { entry: entry.to_owned(), size, limit };
        if self.len > limit {
            return Err(too_large(self.len));
        }
        let mut bytes = Vec::new();
        self.file.take(limit + 1).read_to_end(&mut bytes).map_err(|source| at(entry, source))?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        Ok(bytes)
    }
}

/// Classifies what `fs::symlink_metadata` or a `DirEntry` reported, refusing links and special
/// files. Only for folders, which are walked by path: files are checked on their opened handle.
pub(crate) fn classify(kind: FileType, entry: &str) -> Result<Kind, Problem> {
    if kind.is_symlink() {
        return Err(Problem::Link { entry: entry.to_owned() });
    }
    if kind.is_dir() {
        return Ok(Kind::Folder);
    }
    if kind.is_file() {
        return Ok(Kind::File);
    }
    Err(Problem::SpecialFile { entry: entry.to_owned(), kind: kind_name(kind) })
}

/// What is at `path` without following a link, or `None` when nothing is.
pub(crate) fn kind_at(path: &Path, entry: &str) -> Result<Option<Kind>, Problem> {
    match fs::symlink_metadata(path) {
        Ok(meta) => classify(meta.file_type(), entry).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(at(entry, source)),
    }
}

/// A name for what a path is, for messages.
pub(crate) fn kind_name(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "fifo";
        }
        if kind.is_socket() {
            return "socket";
        }
        if kind.is_block_device() {
            return "block device";
        }
        if kind.is_char_device() {
            return "character device";
        }
    }
    if kind.is_symlink() {
        return "link";
    }
    if kind.is_dir() {
        return "folder";
    }
    if kind.is_file() {
        return "regular file";
    }
    "special file"
}

#[cfg(unix)]
fn open_nonblocking(path: &Path, entry: &str, links: Links) -> Result<File, Problem> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO waits for a writer otherwise (forever); regular files ignore it.
    // O_NOFOLLOW: the open fails (ELOOP) when the last component is a link.
    let mut flags = libc::O_NONBLOCK;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    fs::OpenOptions::new().read(true).custom_flags(flags).open(path).map_err(|source| {
        if links == Links::Refuse && source.raw_os_error() == Some(libc::ELOOP) {
            return Problem::Link { entry: entry.to_owned() };
        }
        // Sockets cannot be opened at all (ENXIO): name what is there rather than the errno.
        let meta = if links == Links::Follow { fs::metadata(path) } else { fs::symlink_metadata(path) };
        match meta {
            Ok(meta) if !(meta.is_file() || meta.is_dir()) => {
                Problem::SpecialFile { entry: entry.to_owned(), kind: kind_name(meta.file_type()) }
            }
            _ => at(entry, source),
        }
    })
}

/// Without `O_NOFOLLOW`, the path is checked before it is opened: a race with a concurrent swap
/// remains possible on these platforms. The handle is still checked after opening.
#[cfg(not(unix))]
fn open_nonblocking(path: &Path, entry: &str, links: Links) -> Result<File, Problem> {
    if links == Links::Refuse {
        kind_at(path, entry)?;
    }
    File::open(path).map_err(|source| at(entry, source))
}

fn at(entry: &str, source: io::Error) -> Problem {
    Problem::IoAt { path: entry.to_owned(), source }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn devices_are_refused_after_opening_and_never_read() {
        let dev_zero = Path::new("/dev/zero");
        let err = open_regular(dev_zero, "zero", Links::Follow).unwrap_err();
        assert!(matches!(err, Problem::SpecialFile { kind: "character device", .. }), "{err}");
    }

    #[test]
    fn links_are_refused_only_where_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target");
        fs::write(&target, "x").unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_regular(&link, "link", Links::Refuse).unwrap_err();
        assert!(matches!(err, Problem::Link { ref entry } if entry == "link"), "{err}");
        let file = open_regular(&link, "link", Links::Follow).unwrap();
        assert_eq!(file.read_capped("link", 1).unwrap(), b"x");
    }

    #[test]
    fn reads_stop_at_the_cap() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("big");
        fs::write(&path, [b'a'; 10]).unwrap();
        let err = open_regular(&path, "big", Links::Refuse).unwrap().read_capped("big", 9).unwrap_err();
        assert!(matches!(err, Problem::FileTooLarge { size: 10, limit: 9, .. }), "{err}");
        let err = open_regular(tmp.path(), "dir", Links::Refuse).unwrap_err();
        assert!(matches!(err, Problem::IoAt { ref path, .. } if path == "dir"), "{err}");
    }
}
