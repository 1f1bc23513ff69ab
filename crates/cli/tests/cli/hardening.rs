//! Regression tests for issue 6, each against the real binary: what a hostile review of import,
//! store and task packs broke. Every refusal is checked to leave the database as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::{Workspace, assert_refused, demo_bundle, valid_bundle, write_bundle};

/// A command that must not hang: special files once blocked the importer forever.
const PROMPTLY: Duration = Duration::from_secs(60);

fn bundled_pack(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tasks").join(name)
}

// ---- bug 1 and 2: links and special files in AAR exports and as inputs

/// A copy of the demo AAR export, to be vandalised.
fn aar_export_copy(ws: &Workspace) -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/aar-export");
    let dst = ws.path("aar-export");
    copy_dir(&src, &dst);
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// The folder of the first commit snapshot in an AAR export.
fn first_commit(export: &Path) -> PathBuf {
    let mut dir = export.join("ideas");
    for _ in 0..2 {
        dir = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_dir()).unwrap();
    }
    let commits = dir.join("commits");
    let mut all: Vec<PathBuf> = fs::read_dir(commits).unwrap().map(|e| e.unwrap().path()).collect();
    all.sort();
    all.remove(0)
}

#[test]
fn an_aar_workspace_linked_to_an_outside_archive_is_refused() {
    let ws = Workspace::with_demo();
    let export = aar_export_copy(&ws);
    // An archive outside the export, holding a "secret" the import must never read.
    let outside = ws.path("outside");
    write_bundle(&outside, "secret = 42\n", None, None);
    let archive = ws.path("outside.tar.gz");
    super::pack_tar_gz(&outside, &archive);
    let workspace = first_commit(&export).join("workspace.tar.gz");
    fs::remove_file(&workspace).unwrap();
    std::os::unix::fs::symlink(&archive, &workspace).unwrap();
    assert_refused(&ws, &export, &["workspace.tar.gz", "link"]);
}

#[test]
fn an_aar_metadata_file_linked_elsewhere_is_refused_promptly() {
    for target in ["/dev/zero", "/etc/hostname"] {
        let ws = Workspace::with_demo();
        let export = aar_export_copy(&ws);
        let metadata = first_commit(&export).join("metadata.json");
        fs::remove_file(&metadata).unwrap();
        std::os::unix::fs::symlink(target, &metadata).unwrap();
        let before = ws.observable_state();
        let out = ws.cmd(&["import", export.to_str().unwrap()]).timeout(PROMPTLY).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{target}: {err}");
        assert!(err.contains("metadata.json") && err.contains("link"), "{target}: {err}");
        assert_eq!(ws.observable_state(), before);
    }
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_is_refused_as_an_input_and_inside_an_export() {
    let ws = Workspace::with_demo();
    let before = ws.observable_state();

    let fifo = ws.path("p.zip");
    mkfifo(&fifo);
    let out = ws.cmd(&["import", fifo.to_str().unwrap()]).timeout(PROMPTLY).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "a FIFO named on the command line: {err}");
    assert!(err.contains("p.zip"), "{err}");

    let export = aar_export_copy(&ws);
    let workspace = first_commit(&export).join("workspace.tar.gz");
    fs::remove_file(&workspace).unwrap();
    mkfifo(&workspace);
    let out = ws.cmd(&["import", export.to_str().unwrap()]).timeout(PROMPTLY).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "a FIFO inside an export: {err}");
    assert!(err.contains("workspace.tar.gz"), "{err}");
    assert_eq!(ws.observable_state(), before);
}

// ---- bug 3: SQLite under concurrency

#[test]
fn twenty_parallel_imports_into_a_fresh_database_all_land() {
    let ws = Workspace::new();
    let bundles: Vec<PathBuf> = (0..20)
        .map(|i| {
            let dir = ws.path(&format!("bundle-{i}"));
            write_bundle(
                &dir,
                &format!("fn targets(ctx) {{ #{{ targets: ctx.teacher }} }} // {i}\n"),
                None,
                None,
            );
            dir
        })
        .collect();
    // Twenty processes at once, all opening the same not-yet-existing database file.
    let children: Vec<std::process::Child> = bundles
        .iter()
        .map(|dir| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("aar-review"))
                .env("AAR_REVIEW_DB", ws.path("review.db"))
                .env("AAR_REVIEW_USER", "tester")
                .args(["import", dir.to_str().unwrap()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "import {i} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(ws.json(&["list", "--json"]).as_array().unwrap().len(), 20);
    let verified = ws.json(&["audit", "--verify", "--json"]);
    assert_eq!((verified["entries"].as_u64(), &verified["broken"]), (Some(20), &Value::Null));
}

// ---- bug 5: the audit chain, through the CLI

#[test]
fn audit_verify_reports_an_intact_chain_and_its_head() {
    let ws = Workspace::with_demo();
    let verified = ws.json(&["audit", "--verify", "--json"]);
    assert_eq!(verified["broken"], Value::Null);
    assert!(verified["entries"].as_u64().unwrap() >= 18);
    assert_eq!(verified["head"].as_str().unwrap().len(), 64);
    let text = ws.ok(&["audit", "--verify"]);
    assert!(text.contains("intact") && text.contains(verified["head"].as_str().unwrap()), "{text}");
}

// ---- bug 6: task packs

/// A copy of a bundled pack with `edit` applied to its task.json.
fn edited_pack(root: &Path, folder: &str, edit: impl Fn(&mut Value)) {
    let dir = root.join(folder);
    copy_dir(&bundled_pack("digits"), &dir);
    let mut meta: Value = serde_json::from_slice(&fs::read(dir.join("task.json")).unwrap()).unwrap();
    meta["name"] = folder.into();
    edit(&mut meta);
    fs::write(dir.join("task.json"), serde_json::to_vec_pretty(&meta).unwrap()).unwrap();
}

#[test]
fn bad_task_packs_are_reported_by_name_and_the_good_ones_stay_usable() {
    let ws = Workspace::new();
    let extra = ws.path("packs");
    // (folder, what is wrong with its task.json, what the warning must name)
    type Case<'a> = (&'a str, &'a dyn Fn(&mut Value), &'a str);
    let cases: [Case<'_>; 8] = [
        ("huge-classes", &|m| m["num_classes"] = 4294967295u64.into(), "num_classes"),
        ("huge-hidden", &|m| m["strong"]["hidden"] = serde_json::json!([200000, 200000]), "strong.hidden"),
        ("zero-hidden", &|m| m["strong"]["hidden"] = serde_json::json!([0]), "strong.hidden"),
        ("zero-input", &|m| m["weak"]["input_dim"] = 0.into(), "weak.input_dim"),
        ("zero-batch", &|m| m["strong"]["train"]["batch_size"] = 0.into(), "batch_size"),
        ("zero-epochs", &|m| m["weak"]["train"]["epochs"] = 0.into(), "epochs"),
        ("empty-private", &|m| m["splits"]["private"] = 0.into(), "split private is empty"),
        ("shadow", &|m| m["name"] = "digits".into(), "name is taken"),
    ];
    for (folder, edit, _) in &cases {
        edited_pack(&extra, folder, edit);
    }
    fs::create_dir_all(extra.join("malformed")).unwrap();
    fs::write(extra.join("malformed/task.json"), "{ not json").unwrap();

    let tasks = ws.cmd(&["tasks", "--json"]).env("AAR_REVIEW_TASKS", &extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&tasks.stderr);
    assert!(tasks.status.success(), "one bad pack must not break `tasks`: {stderr}");
    let listed: Value = serde_json::from_slice(&tasks.stdout).unwrap();
    let names: Vec<&str> = listed.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["digits", "digits-copyable", "latent", "latent-5k", "latent-5k-copyable", "wine"],
        "bad packs are not listed, nor is digits twice"
    );
    for (folder, _, problem) in &cases {
        // Each warning names the pack and, in parentheses, the folder it came from.
        let line = stderr.lines().find(|l| l.contains(&format!("/{folder})"))).unwrap_or_else(|| {
            panic!("`{folder}` is reported: {stderr}");
        });
        assert!(line.contains(problem), "{folder} is reported with its problem `{problem}`: {line}");
    }
    assert!(stderr.contains("`malformed`"), "{stderr}");

    let run = |task: &str| {
        ws.cmd(&["run", "--task", task, "--seeds", "1", "--device", "cpu", "--json"])
            .env("AAR_REVIEW_TASKS", &extra)
            .timeout(PROMPTLY)
            .output()
            .unwrap()
    };
    for (folder, _, problem) in &cases[..7] {
        let out = run(folder);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{folder}: {err}");
        assert!(err.contains(problem), "{folder}: {err}");
    }
    assert!(ws.json(&["runs", "--json"]).as_array().unwrap().is_empty(), "no refused pack left a run");
    let digits = run("digits");
    assert!(digits.status.success(), "digits still runs: {}", String::from_utf8_lossy(&digits.stderr));
}

// ---- bug 7: seeds

#[test]
fn a_seed_range_past_the_largest_seed_is_refused() {
    let ws = Workspace::new();
    let err = ws.fails(
        &[
            "run",
            "--task",
            "digits",
            "--first-seed",
            "18446744073709551615",
            "--seeds",
            "2",
            "--device",
            "cpu",
        ],
        3,
    );
    assert!(err.contains("largest seed"), "{err}");
    assert!(ws.json(&["runs", "--json"]).as_array().unwrap().is_empty());
}

// ---- bug 8: --db is a path unless it is a supported URL

/// Runs the binary in `cwd` with `--db DB`, not the workspace's own database.
fn in_folder(ws: &Workspace, cwd: &Path, db: &str, args: &[&str]) -> std::process::Output {
    fs::create_dir_all(cwd).unwrap();
    let mut cmd = ws.cmd(&[]);
    cmd.env_remove("AAR_REVIEW_DB").current_dir(cwd).arg("--db").arg(db).args(args);
    cmd.output().unwrap()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn database_paths_are_taken_literally() {
    let ws = Workspace::new();
    let cwd = ws.path("cwd");
    for name in ["pct%41.db", "we?ird#.db"] {
        let out = in_folder(&ws, &cwd, name, &["list"]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(cwd.join(name).is_file(), "`{name}` is created under its own name: {:?}", entries(&cwd));
    }
    assert!(!cwd.join("pctA.db").exists(), "`%41` is not decoded");

    // `a/%2e%2e/../x.db` is, as a path, `a/%2e%2e` then `..`: the file lands in `a/`.
    let out = in_folder(&ws, &cwd, "a/%2e%2e/../x.db", &["list"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(cwd.join("a/x.db").is_file() && !cwd.join("x.db").exists(), "{:?}", entries(&cwd));
}

#[test]
fn an_unsupported_database_url_is_refused_without_touching_the_disk() {
    let ws = Workspace::new();
    let cwd = ws.path("empty");
    let out = in_folder(&ws, &cwd, "mysql://alice:pw@host/db", &["list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("not a database AAR Review supports"), "{err}");
    assert!(!err.contains(":pw@"), "the password is not echoed: {err}");
    assert_eq!(entries(&cwd), Vec::<String>::new(), "nothing was created");
}

// ---- bug 9: smaller ones

#[test]
fn an_empty_reviewer_name_is_refused() {
    let ws = Workspace::with_demo();
    let before = ws.observable_state();
    let bundle = valid_bundle(&ws, "b");
    for name in ["", "  ", "line\nbreak", "tester\u{200b}", "\u{202e}retset", "tes\u{1b}ter"] {
        let err = ws.fails(&["--as", name, "import", bundle.to_str().unwrap()], 3);
        assert!(err.contains("reviewer name"), "{err}");
        assert!(!err.chars().any(acts_on_a_terminal), "the refusal itself shows the name escaped: {err:?}");
    }
    assert_eq!(ws.observable_state(), before);
    // A full-width name is the name it looks like (the audit log says who, as the rules compare).
    ws.ok(&["--as", "ｔｅｓｔｅｒ", "import", bundle.to_str().unwrap()]);
    let audit = ws.json(&["audit", "--json", "--limit", "1"]);
    assert_eq!(audit[0]["actor"], "tester", "{audit}");
}

/// What a terminal would act on instead of showing: controls other than newline and tab, and
/// the invisible and direction-changing characters these tests plant.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{200b}' | '\u{202e}')
}

#[test]
fn text_that_would_act_on_a_terminal_or_a_reader_is_shown_written_out() {
    let ws = Workspace::new();
    let dir = ws.path("hostile");
    super::write_bundle(&dir, "fn targets(ctx) { ctx.teacher }\n", None, None);
    let manifest_path = dir.join("submission.json");
    let mut manifest: Value = serde_json::from_slice(&fs::read(&manifest_path).unwrap()).unwrap();
    manifest["title"] = "clear\u{1b}[2J\u{7} \u{1b}]0;owned\u{7} \u{202e}txt.exe".into();
    manifest["author"] = "agent\u{200b}".into();
    fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    ws.ok(&["import", dir.to_str().unwrap()]);
    let id = super::ids(&ws.json(&["list", "--json"])).remove(0);
    let views: [&[&str]; 8] = [
        &["list"],
        &["list", "--json"],
        &["show", &id],
        &["show", &id, "--json"],
        &["export", "--format", "csv"],
        &["export", "--format", "md"],
        &["export", "--format", "html"],
        &["export", "--format", "json"],
    ];
    for args in views {
        let out = ws.ok(args);
        assert!(!out.chars().any(acts_on_a_terminal), "{args:?}: {out:?}");
        assert!(out.contains("\\u{1b}") || out.contains("\\u001b"), "{args:?} shows the escape: {out}");
    }
    // JSON still carries the text itself, escaped the JSON way.
    assert_eq!(ws.json(&["show", &id, "--json"])["summary"]["title"], manifest["title"]);
}

#[test]
fn cat_accepts_a_path_as_written_in_a_bundle() {
    let ws = Workspace::new();
    let bundle = valid_bundle(&ws, "b");
    ws.ok(&["import", bundle.to_str().unwrap()]);
    let id = super::ids(&ws.json(&["list", "--json"])).remove(0);
    assert_eq!(ws.ok(&["cat", &id, "./notes.md"]), "notes\n");
    assert_eq!(ws.ok(&["cat", &id, "notes.md"]), "notes\n");
    let err = ws.fails(&["cat", &id, "../notes.md"], 3);
    assert!(err.contains(".."), "{err}");
}

#[test]
fn a_submission_naming_itself_as_parent_is_refused() {
    let ws = Workspace::with_demo();
    let dir = ws.path("self-parent");
    write_bundle(&dir, "fn targets(ctx) { #{ targets: ctx.teacher } }\n", Some("abc123"), Some("abc123"));
    assert_refused(&ws, &dir, &["parent"]);
}

#[test]
fn absurd_claims_are_refused() {
    let ws = Workspace::with_demo();
    let dir = valid_bundle(&ws, "huge-pgr");
    let mut manifest: Value =
        serde_json::from_slice(&fs::read(dir.join("submission.json")).unwrap()).unwrap();
    manifest["claims"] = serde_json::json!([{"task": "digits", "pgr": 1e308, "seeds": [42]}]);
    fs::write(dir.join("submission.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
    assert_refused(&ws, &dir, &["claims[0].pgr"]);

    let claim = serde_json::json!({"task": "digits", "pgr": 0.3, "seeds": [42]});
    manifest["claims"] = Value::Array(vec![claim; 5000]);
    fs::write(dir.join("submission.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
    assert_refused(&ws, &dir, &["claims"]);
}

#[test]
fn the_demo_bundles_still_import() {
    // The caps of this issue must not refuse real submissions.
    let ws = Workspace::new();
    let out = ws.ok(&["import", demo_bundle("logconf-v2-balanced").to_str().unwrap()]);
    assert!(out.contains("1 new"), "{out}");
}
