//! Reading a folder or an archive into memory as a map of safe paths to bytes, under [`Limits`].

use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use aar_domain::BundlePath;

use crate::error::Problem;
use crate::fs_safe::{self, Kind, Links};

/// The files of a bundle or workspace, keyed by their safe relative path.
pub(crate) type Tree = BTreeMap<BundlePath, Vec<u8>>;

/// Caps on what one input may unpack to. The defaults fit any real method submission (a few
/// source files and logs) with a wide margin.
///
/// The `max_*` caps without `export` apply to each bundle, and to each snapshot's workspace of an
/// AAR export; the `max_export_*` caps apply to one AAR export as a whole, across all its
/// snapshots, so many workspaces each under the per-input caps cannot add up to gigabytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest single file.
    pub max_file_bytes: u64,
    /// Largest total of all files once unpacked.
    pub max_total_bytes: u64,
    /// Most entries (files and folders) in one input.
    pub max_entries: usize,
    /// Largest unpacked-to-packed ratio of a compressed archive entry, or of a gzip stream so far
    /// (text compresses ~5-20x). Checked only past 1 MiB unpacked: tiny files in a tar compress
    /// far past any sane ratio (a 512-byte header and padding around a few bytes).
    pub max_compression_ratio: u64,
    /// Most bytes one AAR export may read from disk: its `findings.json` and every snapshot's
    /// `metadata.json` and packed `workspace.tar.gz`. Real exports hold dozens of snapshots of a
    /// small Python repository, a few hundred kB packed each: 256 MiB is a wide margin.
    pub max_export_read_bytes: u64,
    /// Most bytes one AAR export may unpack, across the workspaces of all its snapshots (each
    /// held in memory until it is imported). Dozens of snapshots of a few MB each fit 256 MiB
    /// many times over; the per-workspace cap alone (`max_total_bytes`) let a small export grow
    /// to gigabytes.
    pub max_export_unpacked_bytes: u64,
    /// Most entries in one AAR export: folders walked under `ideas/` plus every workspace's
    /// archive entries. A real export holds a few thousand (dozens of snapshots of ~100 files).
    pub max_export_entries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 16 << 20,
            max_total_bytes: 64 << 20,
            max_entries: 10_000,
            max_compression_ratio: 200,
            max_export_read_bytes: 256 << 20,
            max_export_unpacked_bytes: 256 << 20,
            max_export_entries: 100_000,
        }
    }
}

/// Below this many unpacked bytes the compression ratio is not checked (see
/// [`Limits::max_compression_ratio`]).
const RATIO_CHECK_FLOOR: u64 = 1 << 20;

/// What one AAR export has used so far, across all its snapshots, against the `max_export_*`
/// limits.
#[derive(Debug)]
pub(crate) struct ExportTally {
    limits: Limits,
    read: u64,
    unpacked: u64,
    entries: usize,
}

impl ExportTally {
    pub(crate) fn new(limits: Limits) -> ExportTally {
        ExportTally { limits, read: 0, unpacked: 0, entries: 0 }
    }

    /// Charges a file of `len` bytes before it is read; its reader is capped at `len`.
    pub(crate) fn read_from_disk(&mut self, entry: &str, len: u64) -> Result<(), Problem> {
        let limit = self.limits.max_export_read_bytes;
        if len > limit - self.read {
            return Err(Problem::ExportReadTooLarge { entry: entry.to_owned(), limit });
        }
        self.read += len;
        Ok(())
    }

    pub(crate) fn entry(&mut self, entry: &str) -> Result<(), Problem> {
        self.entries += 1;
        if self.entries > self.limits.max_export_entries {
            return Err(Problem::ExportTooManyEntries {
                entry: entry.to_owned(),
                limit: self.limits.max_export_entries,
            });
        }
        Ok(())
    }

    fn unpacked_left(&self) -> u64 {
        self.limits.max_export_unpacked_bytes - self.unpacked
    }
}

/// Counts what has been unpacked so far against the limits: those of one input and, for a
/// workspace of an AAR export, those of the whole export too.
struct Budget<'a> {
    limits: Limits,
    entries: usize,
    total: u64,
    export: Option<&'a mut ExportTally>,
}

impl<'a> Budget<'a> {
    fn new(limits: Limits, export: Option<&'a mut ExportTally>) -> Budget<'a> {
        Budget { limits, entries: 0, total: 0, export }
    }

    fn entry(&mut self, entry: &str) -> Result<(), Problem> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(Problem::TooManyEntries { limit: self.limits.max_entries });
        }
        match &mut self.export {
            Some(export) => export.entry(entry),
            None => Ok(()),
        }
    }

    /// The problem for `size` bytes of `entry` once `self.total` bytes are unpacked, if any.
    fn over(&self, entry: &str, size: u64) -> Option<Problem> {
        let entry = entry.to_owned();
        if size > self.limits.max_file_bytes {
            return Some(Problem::FileTooLarge { entry, size, limit: self.limits.max_file_bytes });
        }
        if size > self.limits.max_total_bytes - self.total {
            return Some(Problem::TotalTooLarge { entry, limit: self.limits.max_total_bytes });
        }
        match &self.export {
            Some(export) if size > export.unpacked_left() => Some(Problem::ExportUnpackedTooLarge {
                entry,
                limit: export.limits.max_export_unpacked_bytes,
            }),
            _ => None,
        }
    }

    fn check_declared(&self, entry: &str, size: u64) -> Result<(), Problem> {
        self.over(entry, size).map_or(Ok(()), Err)
    }

    /// Reads at most one byte past the tightest cap, so a header that understates the size
    /// cannot make us read more than the cap.
    fn read(&mut self, entry: &str, reader: impl Read) -> Result<Vec<u8>, Problem> {
        let mut cap = self.limits.max_file_bytes.min(self.limits.max_total_bytes - self.total);
        if let Some(export) = &self.export {
            cap = cap.min(export.unpacked_left());
        }
        let mut bytes = Vec::new();
        reader
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| Problem::IoAt { path: entry.to_owned(), source })?;
        let size = bytes.len() as u64;
        if let Some(problem) = self.over(entry, size) {
            return Err(problem);
        }
        self.total += size;
        if let Some(export) = &mut self.export {
            export.unpacked += size;
        }
        Ok(bytes)
    }
}

/// Counts the bytes that pass through a reader, for compression ratios.
struct Counting<'c, R> {
    inner: R,
    count: &'c Cell<u64>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
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
    let mut budget = Budget::new(limits, None);
    let mut tree = Tree::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let mut entries = fs::read_dir(&dir)
            .map_err(|source| Problem::IoAt { path: dir.display().to_string(), source })?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| Problem::IoAt { path: dir.display().to_string(), source })?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let full = entry.path();
            let relative = full.strip_prefix(root).unwrap_or(&full);
            let name = relative.to_string_lossy().into_owned();
            budget.entry(&name)?;
            let kind = entry.file_type().map_err(|source| Problem::IoAt { path: name.clone(), source })?;
            if fs_safe::classify(kind, &name)? == Kind::Folder {
                pending.push(full);
                continue;
            }
            let Some(text_name) = relative.to_str() else {
                return Err(Problem::Format { file: name, message: "file name is not UTF-8".into() });
            };
            let path = safe_path(text_name)?;
            if !wanted(&path) {
                continue;
            }
            // Opened before it is checked: a file swapped for a link or a FIFO after the listing
            // above is refused on its handle, never followed or waited on.
            let file = fs_safe::open_regular(&full, text_name, Links::Refuse)?;
            budget.check_declared(text_name, file.len)?;
            let bytes = budget.read(text_name, file.file)?;
            insert(&mut tree, path, bytes)?;
        }
    }
    Ok(tree)
}

/// Reads a `.zip` the user named (a link to one is followed, as [`crate::detect`] allows).
pub(crate) fn read_zip(archive: &Path, limits: Limits) -> Result<Tree, Problem> {
    let corrupt =
        |e: zip::result::ZipError| Problem::CorruptArchive { format: "zip", message: e.to_string() };
    // Seeked, not streamed: reads stay within the file, and every entry is capped as it unpacks.
    let file = fs_safe::open_regular(archive, &archive.display().to_string(), Links::Follow)?.file;
    let mut zip = zip::ZipArchive::new(&file).map_err(corrupt)?;
    // The zip crate indexes entries by name, keeping the last of a repeated name, so a second
    // entry would silently replace the first and `insert` below would never see both.
    if zip.has_duplicate_names() {
        return Err(match first_repeated_name(&file, zip.central_directory_start()) {
            Some(entry) => Problem::DuplicateEntry { entry },
            None => Problem::CorruptArchive {
                format: "zip",
                message: "its central directory names an entry twice".into(),
            },
        });
    }
    let mut budget = Budget::new(limits, None);
    let mut tree = Tree::new();
    for index in 0..zip.len() {
        let entry = zip.by_index(index).map_err(corrupt)?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        budget.entry(&name)?;
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

/// The first name the central directory starting at `start` holds twice, walking its records
/// (46 fixed bytes, then the name, extra field and comment) the way the zip crate did.
fn first_repeated_name(file: &File, start: u64) -> Option<String> {
    let mut reader = BufReader::new(file);
    reader.seek(SeekFrom::Start(start)).ok()?;
    let mut seen = HashSet::new();
    loop {
        let mut record = [0u8; 46];
        reader.read_exact(&mut record).ok()?;
        if record[..4] != *b"PK\x01\x02" {
            return None;
        }
        let field = |at: usize| u16::from_le_bytes([record[at], record[at + 1]]);
        let mut name = vec![0; usize::from(field(28))];
        reader.read_exact(&mut name).ok()?;
        reader.seek_relative(i64::from(field(30)) + i64::from(field(32))).ok()?;
        if !seen.insert(name.clone()) {
            return Some(String::from_utf8_lossy(&name).into_owned());
        }
    }
}

/// Reads a `.tar.gz` the user named (a link to one is followed, as [`crate::detect`] allows).
pub(crate) fn read_tar_gz(archive: &Path, limits: Limits) -> Result<Tree, Problem> {
    let file = fs_safe::open_regular(archive, &archive.display().to_string(), Links::Follow)?;
    read_tar_gz_from(file.file.take(file.len), limits, None)
}

/// Reads a tar.gz stream under `limits`, and under the budget of the AAR export it belongs to.
pub(crate) fn read_tar_gz_from(
    reader: impl Read,
    limits: Limits,
    export: Option<&mut ExportTally>,
) -> Result<Tree, Problem> {
    let corrupt = |e: std::io::Error| Problem::CorruptArchive { format: "tar.gz", message: e.to_string() };
    // The decompressed stream is capped as a whole: tar headers and padding count too, so a
    // bomb made of empty entries or huge headers stops here as well.
    let stream_cap = limits.max_total_bytes + (limits.max_entries as u64 + 2) * 1024;
    let (packed, unpacked) = (Cell::new(0), Cell::new(0));
    let gz = flate2::read::GzDecoder::new(Counting { inner: reader, count: &packed });
    let mut archive = tar::Archive::new(Counting { inner: gz, count: &unpacked }.take(stream_cap));
    // The ratio of the whole stream so far, headers and padding included: one entry's bytes
    // cannot be told apart from its neighbours' in a single gzip stream.
    let check_ratio = |entry: &str| {
        let (packed, unpacked) = (packed.get().max(1), unpacked.get());
        let ratio = unpacked / packed;
        if unpacked > RATIO_CHECK_FLOOR && ratio > limits.max_compression_ratio {
            return Err(Problem::StreamCompressionRatio {
                entry: entry.to_owned(),
                ratio,
                limit: limits.max_compression_ratio,
            });
        }
        Ok(())
    };
    let mut budget = Budget::new(limits, export);
    let mut tree = Tree::new();
    for entry in archive.entries().map_err(corrupt)? {
        let entry = entry.map_err(corrupt)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        check_ratio(&name)?;
        budget.entry(&name)?;
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
        check_ratio(&name)?;
        insert(&mut tree, path, bytes)?;
    }
    Ok(tree)
}
