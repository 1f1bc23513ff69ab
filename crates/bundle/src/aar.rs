//! Turning the AAR system's exports into submissions.
//!
//! Each code snapshot (`ideas/<idea_uid>/<run_id>/commits/<commit_id>/`) becomes one submission:
//! its workspace's `run.py` is the method (Python: readable, diffable, judged, but not re-runnable
//! on our engine), the other workspace files are context, the forum findings that name the commit
//! become its posts and claims, and `parent_commit_id` gives its lineage.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use aar_domain::{BundleContent, BundlePath, Timestamp};
use aar_review_schemas::aar::{CommitMetadata, Finding, ForumExport};
use aar_review_schemas::bundle::{
    Claim, ForumComment, ForumPost, MANIFEST_FILE_NAME, MethodFile, MethodLanguage, PostKind,
    SUBMISSION_SCHEMA_VERSION, SubmissionManifest,
};

use crate::error::{BundleError, Problem, json_problem};
use crate::fs_safe::{self, Kind, Links};
use crate::tree::{self, ExportTally, Limits, Tree};

/// What an AAR export held.
#[derive(Debug)]
pub struct AarExport {
    pub submissions: Vec<BundleContent>,
    /// Findings that could not be attached to any snapshot, with the reason.
    pub skipped: Vec<SkippedFinding>,
    /// Things a reviewer should know about the conversion (skipped binary files, missing times).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFinding {
    pub post_id: String,
    pub reason: String,
}

/// When nothing gives a snapshot a time, the Unix epoch stands in (and a note says so), so the
/// submission id stays a function of the input alone.
const UNKNOWN_TIME: &str = "1970-01-01T00:00:00Z";

/// The name under which the forum export may sit inside the storage folder.
pub const FORUM_FILE_NAME: &str = "findings.json";

/// Reads a forum export the user named (it may be a link to a regular file).
pub fn read_forum_export(path: &Path, limits: Limits) -> Result<ForumExport, BundleError> {
    read_forum(path, limits, Links::Follow, None)
}

/// Reads a forum export of at most `limits.max_total_bytes`, charged to `export` when it sits
/// inside a storage folder.
fn read_forum(
    path: &Path,
    limits: Limits,
    links: Links,
    export: Option<&mut ExportTally>,
) -> Result<ForumExport, BundleError> {
    let fail = |p: Problem| BundleError::new(path, p);
    let name = file_name(path);
    let file = fs_safe::open_regular(path, &name, links).map_err(fail)?;
    if let Some(export) = export {
        export.read_from_disk(&name, file.len).map_err(fail)?;
    }
    let bytes = file.read_capped(&name, limits.max_total_bytes).map_err(fail)?;
    serde_json::from_slice(&bytes).map_err(|e| fail(json_problem(&name, &e)))
}

/// Reads a code storage folder, with the forum export given or found as `findings.json` inside.
///
/// The folder itself may be a link (the user named it); nothing inside it may be a link or a
/// special file, and the whole export is read under the `max_export_*` budget of `limits`.
pub fn read_aar_export(
    storage_root: &Path,
    forum: Option<ForumExport>,
    limits: Limits,
) -> Result<AarExport, BundleError> {
    let fail = |p: Problem| BundleError::new(storage_root, p);
    let mut tally = ExportTally::new(limits);
    let inner_forum = storage_root.join(FORUM_FILE_NAME);
    let forum = match forum {
        Some(forum) => forum,
        None if fs_safe::kind_at(&inner_forum, FORUM_FILE_NAME).map_err(fail)? == Some(Kind::File) => {
            read_forum(&inner_forum, limits, Links::Refuse, Some(&mut tally))?
        }
        None => ForumExport { findings: Vec::new() },
    };

    let mut by_commit: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for finding in &forum.findings {
        match &finding.commit_id {
            Some(commit) if !commit.is_empty() => by_commit.entry(commit.clone()).or_default().push(finding),
            _ => skipped
                .push(SkippedFinding { post_id: post_id(finding), reason: "names no commit_id".into() }),
        }
    }

    let mut notes = Vec::new();
    let mut submissions = Vec::new();
    let snapshots = list_snapshots(storage_root, &mut tally).map_err(fail)?;
    // Commits of one idea are versions of each other: a child commit in the same idea revises
    // its parent, one in another idea is a new method built on it.
    let idea_of: std::collections::HashMap<&str, &str> =
        snapshots.iter().map(|s| (s.commit_id.as_str(), s.idea_uid.as_str())).collect();
    for snapshot in &snapshots {
        let findings = by_commit.remove(&snapshot.commit_id).unwrap_or_default();
        let content = convert_snapshot(snapshot, &findings, &idea_of, limits, &mut tally, &mut notes)
            .map_err(|p| BundleError::new(&snapshot.dir, p))?;
        submissions.push(content);
    }
    for (commit, findings) in by_commit {
        for finding in findings {
            skipped.push(SkippedFinding {
                post_id: post_id(finding),
                reason: format!("commit {commit} has no snapshot in this storage"),
            });
        }
    }
    Ok(AarExport { submissions, skipped, notes })
}

struct Snapshot {
    dir: std::path::PathBuf,
    idea_uid: String,
    run_id: String,
    commit_id: String,
}

/// Walks `ideas/<idea_uid>/<run_id>/commits/<commit_id>/` under `root`, refusing links and
/// special files at every level (stray regular files are passed over).
fn list_snapshots(root: &Path, tally: &mut ExportTally) -> Result<Vec<Snapshot>, Problem> {
    let ideas = root.join("ideas");
    if fs_safe::kind_at(&ideas, "ideas")? != Some(Kind::Folder) {
        return Err(Problem::Format {
            file: "ideas".into(),
            message: "must be a folder holding <idea>/<run>/commits/<commit>/".into(),
        });
    }
    let mut found = Vec::new();
    for idea in sorted_dirs(root, &ideas, tally)? {
        for run in sorted_dirs(root, &idea, tally)? {
            let commits = run.join("commits");
            if fs_safe::kind_at(&commits, &relative(root, &commits))? != Some(Kind::Folder) {
                continue;
            }
            for commit in sorted_dirs(root, &commits, tally)? {
                found.push(Snapshot {
                    idea_uid: file_name(&idea),
                    run_id: file_name(&run),
                    commit_id: file_name(&commit),
                    dir: commit,
                });
            }
        }
    }
    Ok(found)
}

/// The folders in `dir`, sorted; every entry counts against the export's entry budget.
fn sorted_dirs(root: &Path, dir: &Path, tally: &mut ExportTally) -> Result<Vec<std::path::PathBuf>, Problem> {
    let at = |source| Problem::IoAt { path: relative(root, dir), source };
    let mut dirs = Vec::new();
    for entry in fs::read_dir(dir).map_err(at)? {
        let entry = entry.map_err(at)?;
        let name = relative(root, &entry.path());
        tally.entry(&name)?;
        // `file_type` does not follow links, so a link is seen as one.
        let kind = entry.file_type().map_err(at)?;
        if fs_safe::classify(kind, &name)? == Kind::Folder {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// `path` as shown in messages: relative to the storage folder the user named.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

fn convert_snapshot(
    snapshot: &Snapshot,
    findings: &[&Finding],
    idea_of: &std::collections::HashMap<&str, &str>,
    limits: Limits,
    tally: &mut ExportTally,
    notes: &mut Vec<String>,
) -> Result<BundleContent, Problem> {
    let metadata_file =
        fs_safe::open_regular(&snapshot.dir.join("metadata.json"), "metadata.json", Links::Refuse)?;
    tally.read_from_disk("metadata.json", metadata_file.len)?;
    let metadata_bytes = metadata_file.read_capped("metadata.json", limits.max_file_bytes)?;
    let metadata: CommitMetadata =
        serde_json::from_slice(&metadata_bytes).map_err(|e| json_problem("metadata.json", &e))?;
    let archive =
        fs_safe::open_regular(&snapshot.dir.join("workspace.tar.gz"), "workspace.tar.gz", Links::Refuse)?;
    tally.read_from_disk("workspace.tar.gz", archive.len)?;
    // Capped at the size just charged: a file growing while it is read adds nothing.
    let reader = archive.file.take(archive.len);
    let workspace = tree::read_tar_gz_from(reader, limits, Some(tally)).map_err(|p| match p {
        Problem::CorruptArchive { format, message } => {
            Problem::CorruptArchive { format, message: format!("workspace.tar.gz: {message}") }
        }
        other => other,
    })?;

    let idea_name = metadata
        .idea_name
        .clone()
        .or_else(|| findings.iter().find_map(|f| f.idea_name.clone()))
        .unwrap_or_else(|| snapshot.idea_uid.clone());
    let mut tree: Tree = BTreeMap::new();
    for (path, bytes) in workspace {
        if path.as_str() == MANIFEST_FILE_NAME || std::str::from_utf8(&bytes).is_err() {
            notes.push(format!("commit {}: left out `{path}` (not a UTF-8 text file)", snapshot.commit_id));
            continue;
        }
        tree.insert(path, bytes);
    }
    let method = pick_method(&tree, &idea_name).ok_or_else(|| Problem::Format {
        file: "workspace.tar.gz".into(),
        message: "holds no run.py (nor any .py file) to review as the method".into(),
    })?;
    let files: Vec<String> = tree.keys().filter(|p| **p != method).map(|p| p.to_string()).collect();

    let created_at = findings
        .iter()
        .filter_map(|f| f.created_at.as_deref().and_then(normalise_time))
        .min()
        .or_else(|| metadata.created_at.as_deref().and_then(normalise_time));
    let created_at = created_at.unwrap_or_else(|| {
        notes.push(format!("commit {}: no time in the export; shown as 1970", snapshot.commit_id));
        UNKNOWN_TIME.to_owned()
    });
    let author = agent_name(&metadata, findings);
    let hypothesis = findings
        .iter()
        .find(|f| f.finding_type.as_deref().and_then(PostKind::parse) == Some(PostKind::Hypothesis))
        .and_then(|f| f.content.clone())
        .unwrap_or_default();

    let parent = metadata
        .parent_commit_id
        .clone()
        .or_else(|| findings.iter().find_map(|f| f.parent_commit_id.clone()))
        .filter(|p| !p.is_empty());
    let revision = parent.as_deref().and_then(|p| idea_of.get(p)) == Some(&snapshot.idea_uid.as_str());
    let manifest = SubmissionManifest {
        schema_version: SUBMISSION_SCHEMA_VERSION,
        title: metadata
            .title
            .clone()
            .or_else(|| findings.iter().find_map(|f| f.idea_title.clone()))
            .unwrap_or_else(|| format!("{idea_name} @ {}", snapshot.commit_id)),
        author: author.clone(),
        created_at: created_at.clone(),
        hypothesis,
        description: describe(snapshot, &idea_name, &metadata),
        method: MethodFile { path: method.to_string(), language: MethodLanguage::Python },
        // The AAR system records no method family; a reviewer who knows better edits the bundle.
        family: Default::default(),
        files,
        logs: Vec::new(),
        source_ref: Some(snapshot.commit_id.clone()),
        parent,
        revision,
        claims: findings.iter().filter_map(|f| claim(f, &snapshot.commit_id, notes)).collect(),
        posts: findings.iter().map(|f| post(f, &author, &created_at)).collect(),
    };
    // Struct fields serialise in declaration order, so these bytes (and the id) depend on the
    // export alone, never on serde_json's map-ordering feature.
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises");
    manifest_bytes.push(b'\n');
    tree.insert(BundlePath::parse(MANIFEST_FILE_NAME).expect("constant path"), manifest_bytes);
    crate::input::content_from_tree(&tree)
}

fn pick_method(tree: &Tree, idea_name: &str) -> Option<BundlePath> {
    let preferred = format!("ideas/{idea_name}/run.py");
    tree.keys()
        .find(|p| p.as_str() == preferred)
        .or_else(|| tree.keys().find(|p| p.as_str() == "run.py" || p.as_str().ends_with("/run.py")))
        .or_else(|| tree.keys().find(|p| p.as_str().ends_with(".py")))
        .cloned()
}

fn agent_name(metadata: &CommitMetadata, findings: &[&Finding]) -> String {
    let from_config = |config: &Option<serde_json::Value>| {
        let config = config.as_ref()?;
        ["agent", "agent_id", "author"].iter().find_map(|key| config.get(key)?.as_str().map(str::to_owned))
    };
    from_config(&metadata.config)
        .or_else(|| findings.iter().find_map(|f| from_config(&f.config)))
        .unwrap_or_else(|| "aar-system".to_owned())
}

fn describe(snapshot: &Snapshot, idea_name: &str, metadata: &CommitMetadata) -> String {
    let mut text = format!(
        "Imported from the AAR system: idea `{idea_name}` ({}), run `{}`, commit `{}`.",
        snapshot.idea_uid, snapshot.run_id, snapshot.commit_id
    );
    if let Some(sequence) = metadata.sequence_number {
        text.push_str(&format!(" Sequence number {sequence}."));
    }
    text.push_str(" The method is Python: it can be read, diffed and judged, not re-run here.");
    for (heading, value) in [("Config", &metadata.config), ("Metrics", &metadata.metrics)] {
        if let Some(value) = value {
            text.push_str(&format!("\n\n**{heading}**\n\n```json\n{}\n```", canonical_json(value)));
        }
    }
    text
}

/// JSON with object keys sorted, independent of how serde_json was built.
fn canonical_json(value: &serde_json::Value) -> String {
    fn write(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push_str(": ");
                    write(&map[key], out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write(item, out);
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn claim(finding: &Finding, commit: &str, notes: &mut Vec<String>) -> Option<Claim> {
    let pgr = finding.pgr?;
    let seeds: Vec<u64> = finding
        .seeds
        .as_ref()
        .and_then(|s| s.as_array())
        .map(|a| a.iter().filter_map(serde_json::Value::as_u64).collect())
        .unwrap_or_default();
    if seeds.is_empty() {
        notes.push(format!(
            "commit {commit}: finding {} reports PGR {pgr} without its seeds; kept as a post, not a claim",
            post_id(finding)
        ));
        return None;
    }
    Some(Claim {
        task: finding.dataset.clone().unwrap_or_else(|| "unknown".into()),
        split: None,
        pgr,
        pgr_se: finding.pgr_se,
        weak_acc: finding.weak_acc,
        ceiling_acc: finding.strong_acc,
        student_acc: finding.transfer_acc,
        seeds,
        per_seed: Vec::new(),
        measured: None,
    })
}

fn post(finding: &Finding, author: &str, fallback_time: &str) -> ForumPost {
    let created_at =
        finding.created_at.as_deref().and_then(normalise_time).unwrap_or_else(|| fallback_time.to_owned());
    ForumPost {
        author: author.to_owned(),
        title: finding.title.clone().unwrap_or_else(|| format!("finding {}", post_id(finding))),
        body: finding.content.clone().unwrap_or_default(),
        kind: finding.finding_type.as_deref().and_then(PostKind::parse).unwrap_or_default(),
        comments: finding
            .comments
            .iter()
            .map(|c| ForumComment {
                author: c.author.clone(),
                created_at: c
                    .created_at
                    .as_deref()
                    .and_then(normalise_time)
                    .unwrap_or_else(|| created_at.clone()),
                body: c.content.clone(),
            })
            .collect(),
        created_at,
    }
}

/// The AAR system writes ISO times, sometimes without an offset (meaning UTC).
fn normalise_time(text: &str) -> Option<String> {
    Timestamp::parse(text)
        .or_else(|_| Timestamp::parse(&format!("{}Z", text.trim())))
        .ok()
        .map(|t| t.to_string())
}

fn post_id(finding: &Finding) -> String {
    match &finding.post_id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let value = serde_json::json!({"b": 1, "a": {"z": [1, {"y": 2, "x": 3}], "c": null}});
        assert_eq!(canonical_json(&value), r#"{"a": {"c": null, "z": [1, {"x": 3, "y": 2}]}, "b": 1}"#);
    }

    #[test]
    fn times_without_offset_read_as_utc() {
        assert_eq!(normalise_time("2026-04-14T09:30:00").as_deref(), Some("2026-04-14T09:30:00Z"));
        assert_eq!(normalise_time("2026-04-14T09:30:00.5Z").as_deref(), Some("2026-04-14T09:30:00.5Z"));
        assert_eq!(normalise_time("soon"), None);
    }
}
