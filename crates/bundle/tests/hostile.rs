//! Hostile inputs built in temporary folders: links and special files at every level of an AAR
//! export, FIFOs given as bundles, exports that add up past their budget, gzip bombs and zips with
//! a name twice. Each must be refused with its precise `Problem`, and nothing may hang.
//! Unix only: the fixtures are symlinks and FIFOs.
#![cfg(unix)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use aar_bundle::{BundleError, InputKind, Limits, Problem, detect, read_aar_export, read_bundle};

const MANIFEST: &str = r#"{"schema_version":1,"title":"t","author":"a","created_at":"2026-04-14T09:30:00Z",
"hypothesis":"h","description":"d","method":{"path":"method.rhai","language":"rhai"}}"#;

/// Runs `f` on a thread and fails the test if it does not finish in time (a blocking open of a
/// FIFO would otherwise hang the whole test run).
fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(f()).ok());
    rx.recv_timeout(Duration::from_secs(20)).expect("the call hung (blocked on a special file?)")
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success());
}

fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder =
        tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best()));
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, name, *bytes).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// Text that gzip cannot shrink much, so budgets (not the ratio check) are what stops it.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            b"abcdefghijklmnopqrstuvwxyz0123456789 \n"[(state >> 33) as usize % 38]
        })
        .collect()
}

/// `root/ideas/i/r/commits/c{n}/` for each workspace given, each a valid snapshot.
fn storage(root: &Path, workspaces: &[Vec<u8>]) -> Vec<PathBuf> {
    workspaces
        .iter()
        .enumerate()
        .map(|(n, workspace)| {
            let dir = root.join(format!("ideas/i/r/commits/c{n}"));
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("metadata.json"), r#"{"title":"snapshot"}"#).unwrap();
            fs::write(dir.join("workspace.tar.gz"), workspace).unwrap();
            dir
        })
        .collect()
}

fn small_workspace() -> Vec<u8> {
    tar_gz(&[("run.py", b"print('hi')\n")])
}

fn aar_error(root: &Path, limits: Limits) -> BundleError {
    let root = root.to_owned();
    within(move || read_aar_export(&root, None, limits)).expect_err("the export must be refused")
}

#[test]
fn a_valid_storage_folder_imports() {
    let tmp = tempfile::tempdir().unwrap();
    storage(tmp.path(), &[small_workspace()]);
    let export = read_aar_export(tmp.path(), None, Limits::default()).unwrap();
    assert_eq!(export.submissions.len(), 1);
}

#[test]
fn aar_workspace_archive_that_is_a_link_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = storage(tmp.path(), &[small_workspace()]);
    let outside = tmp.path().join("outside.tar.gz");
    fs::write(&outside, tar_gz(&[("run.py", b"print('secret')\n")])).unwrap();
    fs::remove_file(dirs[0].join("workspace.tar.gz")).unwrap();
    symlink(&outside, &dirs[0].join("workspace.tar.gz"));
    let err = aar_error(tmp.path(), Limits::default());
    assert!(matches!(&err.problem, Problem::Link { entry } if entry == "workspace.tar.gz"), "{err}");
}

#[test]
fn aar_metadata_that_is_a_link_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = storage(tmp.path(), &[small_workspace()]);
    let outside = tmp.path().join("secret.json");
    fs::write(&outside, r#"{"title":"secret", "config": {"token": "s3cr3t"}}"#).unwrap();
    fs::remove_file(dirs[0].join("metadata.json")).unwrap();
    symlink(&outside, &dirs[0].join("metadata.json"));
    let err = aar_error(tmp.path(), Limits::default());
    assert!(matches!(&err.problem, Problem::Link { entry } if entry == "metadata.json"), "{err}");

    // A link to a device is a link first: refused before anything is read.
    fs::remove_file(dirs[0].join("metadata.json")).unwrap();
    symlink(Path::new("/dev/zero"), &dirs[0].join("metadata.json"));
    let err = aar_error(tmp.path(), Limits::default());
    assert!(matches!(&err.problem, Problem::Link { entry } if entry == "metadata.json"), "{err}");
}

#[test]
fn aar_folders_that_are_links_are_refused_at_every_level() {
    for level in ["ideas", "ideas/i", "ideas/i/r", "ideas/i/r/commits", "ideas/i/r/commits/c0"] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("storage");
        storage(&root, &[small_workspace()]);
        let moved = tmp.path().join("moved");
        fs::rename(root.join(level), &moved).unwrap();
        symlink(&moved, &root.join(level));
        let err = aar_error(&root, Limits::default());
        assert!(matches!(&err.problem, Problem::Link { entry } if entry.ends_with(level)), "{level}: {err}");
    }
}

#[test]
fn aar_findings_that_are_a_link_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("storage");
    storage(&root, &[small_workspace()]);
    let outside = tmp.path().join("findings.json");
    fs::write(&outside, r#"{"findings": []}"#).unwrap();
    symlink(&outside, &root.join("findings.json"));
    let err = aar_error(&root, Limits::default());
    assert!(matches!(&err.problem, Problem::Link { entry } if entry == "findings.json"), "{err}");
}

#[test]
fn aar_workspace_archive_that_is_a_fifo_is_refused_without_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = storage(tmp.path(), &[small_workspace()]);
    fs::remove_file(dirs[0].join("workspace.tar.gz")).unwrap();
    mkfifo(&dirs[0].join("workspace.tar.gz"));
    let err = aar_error(tmp.path(), Limits::default());
    assert!(
        matches!(&err.problem, Problem::SpecialFile { entry, kind: "fifo" } if entry == "workspace.tar.gz"),
        "{err}"
    );
}

#[test]
fn aar_special_files_among_the_folders_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    storage(tmp.path(), &[small_workspace()]);
    mkfifo(&tmp.path().join("ideas/i/r/commits/pipe"));
    let err = aar_error(tmp.path(), Limits::default());
    assert!(
        matches!(&err.problem, Problem::SpecialFile { entry, kind: "fifo" } if entry.ends_with("commits/pipe")),
        "{err}"
    );
}

#[test]
fn a_fifo_given_as_a_bundle_is_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("p.zip");
    mkfifo(&fifo);
    let path = fifo.clone();
    let err = within(move || detect(&path)).expect_err("a FIFO is no input");
    assert!(matches!(err.problem, Problem::SpecialFile { kind: "fifo", .. }), "{err}");
    assert!(err.to_string().contains("p.zip"), "{err}");
    let path = fifo.clone();
    let err = within(move || read_bundle(&path, Limits::default())).expect_err("a FIFO is no input");
    assert!(matches!(err.problem, Problem::SpecialFile { kind: "fifo", .. }), "{err}");

    // Named through a link on the command line: the link is followed, the FIFO still refused.
    let link = tmp.path().join("link.zip");
    symlink(&fifo, &link);
    let err = within(move || detect(&link)).expect_err("a FIFO is no input");
    assert!(matches!(err.problem, Problem::SpecialFile { kind: "fifo", .. }), "{err}");
}

#[test]
fn a_fifo_inside_a_bundle_folder_is_refused_by_kind() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("submission.json"), MANIFEST).unwrap();
    fs::write(tmp.path().join("method.rhai"), "fn targets(ctx) {}").unwrap();
    mkfifo(&tmp.path().join("pipe"));
    let root = tmp.path().to_owned();
    let err = within(move || read_bundle(&root, Limits::default())).expect_err("refused");
    assert!(matches!(&err.problem, Problem::SpecialFile { entry, kind: "fifo" } if entry == "pipe"), "{err}");
}

#[test]
fn a_link_named_on_the_command_line_is_still_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("submission.json"), MANIFEST).unwrap();
    fs::write(dir.join("method.rhai"), "fn targets(ctx) {}").unwrap();
    let link = tmp.path().join("link");
    symlink(&dir, &link);
    assert_eq!(detect(&link).unwrap(), InputKind::BundleFolder);
    read_bundle(&link, Limits::default()).unwrap();

    let archive = tmp.path().join("b.tar.gz");
    fs::write(&archive, tar_gz(&[("submission.json", MANIFEST.as_bytes()), ("method.rhai", b"x")])).unwrap();
    let link = tmp.path().join("link.tar.gz");
    symlink(&archive, &link);
    read_bundle(&link, Limits::default()).unwrap();
}

#[test]
fn aar_export_unpacked_bytes_are_budgeted_across_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    // Three snapshots of 40 kB each: every one is within the per-workspace limits, the export is not.
    let workspaces: Vec<Vec<u8>> = (0..3).map(|n| tar_gz(&[("run.py", &noise(40_000, n))])).collect();
    let dirs = storage(tmp.path(), &workspaces);
    let limits = Limits { max_export_unpacked_bytes: 100_000, ..Limits::default() };
    read_aar_export(tmp.path(), None, Limits { max_export_unpacked_bytes: 120_000, ..limits }).unwrap();
    let err = aar_error(tmp.path(), limits);
    assert_eq!(err.input, dirs[2]);
    assert!(
        matches!(&err.problem, Problem::ExportUnpackedTooLarge { entry, limit: 100_000 } if entry == "run.py"),
        "{err}"
    );
    assert!(err.to_string().contains("100000"), "{err}");
}

#[test]
fn aar_export_bytes_read_from_disk_are_budgeted_across_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let workspaces: Vec<Vec<u8>> = (0..3).map(|n| tar_gz(&[("run.py", &noise(40_000, n))])).collect();
    let dirs = storage(tmp.path(), &workspaces);
    let limits = Limits { max_export_read_bytes: 70_000, ..Limits::default() };
    let err = aar_error(tmp.path(), limits);
    assert_eq!(err.input, dirs[2]);
    assert!(
        matches!(&err.problem, Problem::ExportReadTooLarge { entry, limit: 70_000 } if entry == "workspace.tar.gz"),
        "{err}"
    );
}

#[test]
fn aar_export_entries_are_budgeted_across_snapshots() {
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<(String, Vec<u8>)> = (0..40).map(|i| (format!("f{i}.py"), b"x = 1\n".to_vec())).collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    storage(tmp.path(), &[tar_gz(&files), tar_gz(&files), tar_gz(&files)]);
    let err = aar_error(tmp.path(), Limits { max_export_entries: 100, ..Limits::default() });
    assert!(matches!(&err.problem, Problem::ExportTooManyEntries { limit: 100, .. }), "{err}");
}

#[test]
fn a_gzip_bomb_in_a_tar_gz_is_refused_by_its_ratio() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bomb.tar.gz");
    let zeros = vec![b' '; 8 << 20];
    fs::write(&path, tar_gz(&[("submission.json", MANIFEST.as_bytes()), ("method.rhai", &zeros)])).unwrap();
    assert!(fs::metadata(&path).unwrap().len() < 100_000, "the fixture really is a bomb");
    let err = read_bundle(&path, Limits::default()).unwrap_err();
    assert!(
        matches!(&err.problem, Problem::StreamCompressionRatio { entry, limit: 200, .. } if entry == "method.rhai"),
        "{err}"
    );

    // The same bomb as a snapshot's workspace.
    let storage_root = tmp.path().join("storage");
    storage(&storage_root, &[tar_gz(&[("run.py", &zeros)])]);
    let err = aar_error(&storage_root, Limits::default());
    assert!(matches!(&err.problem, Problem::StreamCompressionRatio { .. }), "{err}");
}

#[test]
fn a_small_compressible_tar_gz_is_not_a_bomb() {
    // Under 1 MiB unpacked the ratio is not checked: tiny files compress far past 200x in tar.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ok.tar.gz");
    let spaces = vec![b' '; 512 << 10];
    fs::write(&path, tar_gz(&[("submission.json", MANIFEST.as_bytes()), ("method.rhai", &spaces)])).unwrap();
    read_bundle(&path, Limits::default()).unwrap();
}

/// A zip holding `names`, written by the zip crate (which refuses duplicates) and then patched.
fn zip_bytes(names: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in names {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        let content: &[u8] =
            if *name == "submission.json" { MANIFEST.as_bytes() } else { b"fn targets(ctx) {}" };
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
}

#[test]
fn a_zip_holding_a_name_twice_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("twice.zip");
    let mut bytes = zip_bytes(&["submission.json", "method.rhai", "methoX.rhai"]);
    replace_all(&mut bytes, b"methoX.rhai", b"method.rhai");
    fs::write(&path, bytes).unwrap();
    let err = read_bundle(&path, Limits::default()).unwrap_err();
    assert!(matches!(&err.problem, Problem::DuplicateEntry { entry } if entry == "method.rhai"), "{err}");
}

#[test]
fn the_demo_corpus_still_reads_under_every_cap() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let export = read_aar_export(&demo.join("aar-export"), None, Limits::default()).unwrap();
    assert_eq!(export.submissions.len(), 3);
    for bundle in fs::read_dir(demo.join("bundles")).unwrap() {
        let path = bundle.unwrap().path();
        read_bundle(&path, Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    }
}
