//! Reading a folder or an archive into memory as a map of safe paths to bytes, under [`Limits`].

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use aar_domain::BundlePath;

use crate::error::Problem;

/// The files of a bundle or workspace, keyed by their safe relative path.
pub(crate) type Tree = BTreeMap<BundlePath, Vec<u8>>;

/// Caps on what one input may unpack to. The defaults fit any real method submission (a few
/// source files and logs) with a wide margin.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest single file.
    pub max_file_bytes: u64,
    /// Largest total of all files once unpacked.
    pub max_total_bytes: u64,
    /// Most entries (files and folders) in one input.
    pub max_entries: usize,
    /// Largest unpacked-to-packed ratio of a compressed archive entry (text compresses ~5-20x).
    pub max_compression_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 16 << 20,
            max_total_bytes: 64 << 20,
            max_entries: 10_000,
            max_compression_ratio: 200,
        }
    }
}

/// Counts what has been unpacked so far against the limits.
struct Budget {
    limits: Limits,
    entries: usize,
    total: u64,
}

impl Budget {
    fn new(limits: Limits) -> Budget {
        Budget { limits, entries: 0, total: 0 }
    }

    fn entry(&mut self) -> Result<(), Problem> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(Problem::TooManyEntries { limit: self.limits.max_entries });
        }
        Ok(())
    }

    fn check_declared(&self, entry: &str, size: u64) -> Result<(), Problem> {
        if size > self.limits.max_file_bytes {
            return Err(Problem::FileTooLarge {
                entry: entry.to_owned(),
                size,
                limit: self.limits.max_file_bytes,
            });
        }
        if self.total + size > self.limits.max_total_bytes {
            return Err(Problem::TotalTooLarge {
                entry: entry.to_owned(),
                limit: self.limits.max_total_bytes,
            });
        }
        Ok(())
    }

    /// Reads at most one byte past the per-file cap, so a header that understates the size
    /// cannot make us read more than the cap.
    fn read(&mut self, entry: &str, reader: impl Read) -> Result<Vec<u8>, Problem> {
        let cap = self.limits.max_file_bytes.min(self.limits.max_total_bytes - self.total);
        let mut bytes = Vec::new();
        reader
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| Problem::IoAt { path: entry.to_owned(), source })?;
        let size = bytes.len() as u64;
        if size > cap {
            return Err(if size > self.limits.max_file_bytes {
                Problem::FileTooLarge { entry: entry.to_owned(), size, limit: self.limits.max_file_bytes }
            } else {
                Problem::TotalTooLarge { entry: entry.to_owned(), limit: self.limits.max_total_bytes }
            });
        }
        self.total += size;
        Ok(bytes)
    }
}

fn safe_path(entry: &str) -> Result<BundlePath, Problem> {
    BundlePath::parse(entry).map_err(|source| Problem::UnsafePath { entry: entry.to_owned(), source })
}

fn insert(tree: &mut Tree, path: BundlePath, bytes: Vec<u8>) -> Result<(), Problem> {
    if tree.contains_key(&path) {
        return Err(Problem::DuplicateEntry { entry: path.to_string() });
    }
    tree.insert(path, bytes);
    Ok(())
}

/// Lists every regular file under `root` without following or tolerating links, then reads only
/// the files `wanted` accepts (a bundle folder may hold unrelated large files that are never
/// imported).
pub(crate) fn read_folder(
    root: &Path,
    limits: Limits,
    wanted: &dyn Fn(&BundlePath) -> bool,
) -> Result<Tree, Problem> {
    let mut budget = Budget::new(limits);
    let mut tree = Tree::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let mut entries = fs::read_dir(&dir)
            .map_err(|source| Problem::IoAt { path: dir.display().to_string(), source })?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| Problem::IoAt { path: dir.display().to_string(), source })?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            budget.entry()?;
            let full = entry.path();
            let relative = full.strip_prefix(root).unwrap_or(&full);
            let name = relative.to_string_lossy().into_owned();
            let meta =
                fs::symlink_metadata(&full).map_err(|source| Problem::IoAt { path: name.clone(), source })?;
            let kind = meta.file_type();
            if kind.is_symlink() {
                return Err(Problem::Link { entry: name });
            }
            if kind.is_dir() {
                pending.push(full);
                continue;
            }
            if !kind.is_file() {
                return Err(Problem::SpecialFile { entry: name, kind: "special file" });
            }
            let Some(text_name) = relative.to_str() else {
                return Err(Problem::Format { file: name, message: "file name is not UTF-8".into() });
            };
            let path = safe_path(text_name)?;
            if !wanted(&path) {
                continue;
            }
            budget.check_declared(text_name, meta.len())?;
            let file =
                fs::File::open(&full).map_err(|source| Problem::IoAt { path: name.clone(), source })?;
            let bytes = budget.read(text_name, file)?;
            insert(&mut tree, path, bytes)?;
        }
    }
    Ok(tree)
}

pub(crate) fn read_zip(archive: &Path, limits: Limits) -> Result<Tree, Problem> {
    let corrupt =
        |e: zip::result::ZipError| Problem::CorruptArchive { format: "zip", message: e.to_string() };
    let file = fs::File::open(archive)?;
    let mut zip = zip::ZipArchive::new(file).map_err(corrupt)?;
    let mut budget = Budget::new(limits);
    let mut tree = Tree::new();
    for index in 0..zip.len() {
        budget.entry()?;
        let entry = zip.by_index(index).map_err(corrupt)?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if entry.is_symlink() {
            return Err(Problem::Link { entry: name });
        }
        let path = safe_path(&name)?;
        if entry.is_dir() {
            continue;
        }
        budget.check_declared(&name, entry.size())?;
        let packed = entry.compressed_size().max(1);
        let bytes = budget.read(&name, entry)?;
        let ratio = bytes.len() as u64 / packed;
        if ratio > limits.max_compression_ratio && bytes.len() > 1 << 20 {
            return Err(Problem::CompressionRatio {
                entry: name,
                ratio,
                limit: limits.max_compression_ratio,
            });
        }
        insert(&mut tree, path, bytes)?;
    }
    Ok(tree)
}

pub(crate) fn read_tar_gz(archive: &Path, limits: Limits) -> Result<Tree, Problem> {
    let file = fs::File::open(archive)?;
    read_tar_gz_from(file, limits)
}

pub(crate) fn read_tar_gz_from(reader: impl Read, limits: Limits) -> Result<Tree, Problem> {
    let corrupt = |e: std::io::Error| Problem::CorruptArchive { format: "tar.gz", message: e.to_string() };
    // The decompressed stream is capped as a whole: tar headers and padding count too, so a
    // bomb made of empty entries or huge headers stops here as well.
    let stream_cap = limits.max_total_bytes + (limits.max_entries as u64 + 2) * 1024;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader).take(stream_cap));
    let mut budget = Budget::new(limits);
    let mut tree = Tree::new();
    for entry in archive.entries().map_err(corrupt)? {
        budget.entry()?;
        let entry = entry.map_err(corrupt)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(Problem::Link { entry: name });
        }
        // pax and GNU long-name records are consumed by the tar crate itself.
        if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if !(kind.is_file() || kind.is_dir()) {
            return Err(Problem::SpecialFile { entry: name, kind: "device, fifo or other special entry" });
        }
        if kind.is_dir() {
            // `./` (the archive's root) is harmless; any other folder must still be safe.
            match BundlePath::parse(&name) {
                Ok(_) | Err(aar_domain::BundlePathError::Empty) => continue,
                Err(source) => return Err(Problem::UnsafePath { entry: name, source }),
            }
        }
        let path = safe_path(&name)?;
        budget.check_declared(&name, entry.header().size().map_err(corrupt)?)?;
        let bytes = budget.read(&name, entry)?;
        insert(&mut tree, path, bytes)?;
    }
    Ok(tree)
}
