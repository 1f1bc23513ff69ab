//! The teacher and the ceiling of a seed do not depend on the method: a verification that runs
//! the method, vanilla and two ablations on one pack would train them four times over. A
//! [`ReferenceCache`] keeps what a run needs of them (the teacher's soft labels on split B, both
//! accuracies on the evaluation split, their curves) under a key that names everything they
//! depend on, so a later run reuses them and trains only its student.
//!
//! Reuse changes nothing in the numbers: every phase draws from its own RNG stream (see
//! `training::init_rng`), and the soft labels go back to the device as the same f32 values, so
//! a run with a cache hit reports bit-identical accuracies (tested). The key holds the engine
//! version, the pack's data hash, both models' specs and training configs, the seed, the
//! evaluation split and the device (backend and adapter: float results differ across them).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use aar_review_schemas::task::ModelSpec;
use aar_review_schemas::vocab::{Backend, EvalSplit};
use serde::{Deserialize, Serialize};

use crate::ENGINE_VERSION;

/// What one seed's teacher and ceiling leave for a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceModels {
    pub weak_acc: f64,
    pub ceiling_acc: f64,
    /// The teacher's soft labels on split B, row-major `[n_b, classes]`.
    pub teacher_probs: Vec<f32>,
    pub weak_curve: Vec<f64>,
    pub ceiling_curve: Vec<f64>,
}

/// Where reference models are kept between runs.
pub trait ReferenceCache: Send + Sync {
    fn get(&self, key: &ReferenceKey) -> Option<ReferenceModels>;
    fn put(&self, key: &ReferenceKey, models: &ReferenceModels);
}

/// The content address of one seed's reference models: the sha256 of everything they depend on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReferenceKey(String);

impl ReferenceKey {
    pub fn new(
        data_sha256: &str,
        weak: &ModelSpec,
        strong: &ModelSpec,
        seed: u64,
        eval_split: EvalSplit,
        backend: Backend,
        adapter: &str,
    ) -> ReferenceKey {
        let described = serde_json::json!({
            "engine": ENGINE_VERSION, "data": data_sha256, "weak": weak, "strong": strong, "seed": seed,
            "eval_split": eval_split, "backend": backend, "adapter": adapter,
        });
        ReferenceKey(aar_domain::Digest::of(described.to_string().as_bytes()).to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ReferenceModels {
    /// Whether a stored entry fits the run it is offered to (a damaged or foreign file is
    /// ignored and retrained, never trusted).
    pub(crate) fn fits(&self, n_b: usize, classes: usize, weak_epochs: u32, ceiling_epochs: u32) -> bool {
        self.teacher_probs.len() == n_b * classes
            && self.teacher_probs.iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p))
            && (0.0..=1.0).contains(&self.weak_acc)
            && (0.0..=1.0).contains(&self.ceiling_acc)
            && self.weak_curve.len() == weak_epochs as usize
            && self.ceiling_curve.len() == ceiling_epochs as usize
    }
}

/// A cache for one process (one verification), in memory.
#[derive(Debug, Default)]
pub struct MemoryReferences(Mutex<HashMap<ReferenceKey, ReferenceModels>>);

impl ReferenceCache for MemoryReferences {
    fn get(&self, key: &ReferenceKey) -> Option<ReferenceModels> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    fn put(&self, key: &ReferenceKey, models: &ReferenceModels) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone(), models.clone());
    }
}

/// A cache folder: one JSON file per key, written to a temporary name and renamed into place so
/// concurrent runs never read half a file. Unreadable entries count as misses; a full disk only
/// costs the reuse.
#[derive(Debug, Clone)]
pub struct FolderReferences {
    dir: PathBuf,
}

/// The largest entry read back (a pack's split B is at most a few million floats).
const MAX_ENTRY_BYTES: u64 = 256 << 20;

impl FolderReferences {
    pub fn new(dir: PathBuf) -> FolderReferences {
        FolderReferences { dir }
    }

    fn path(&self, key: &ReferenceKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.as_str()))
    }
}

impl ReferenceCache for FolderReferences {
    fn get(&self, key: &ReferenceKey) -> Option<ReferenceModels> {
        let path = self.path(key);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_ENTRY_BYTES {
            return None;
        }
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    fn put(&self, key: &ReferenceKey, models: &ReferenceModels) {
        // Best effort: a cache that cannot be written is a cache that misses.
        let _ = std::fs::create_dir_all(&self.dir).and_then(|()| {
            // Unique per process and per write: two runs of one process may store the same key
            // at once (a verification's parallel tests do), and must not share a temporary file.
            static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let unique = format!("{}.{}.{n}.tmp", key.as_str(), std::process::id());
            let tmp = self.dir.join(unique);
            std::fs::write(&tmp, serde_json::to_vec(models).expect("reference models serialise"))?;
            std::fs::rename(&tmp, self.path(key)).inspect_err(|_| drop(std::fs::remove_file(&tmp)))
        });
    }
}

/// Memory in front of a folder: what a verification uses, so its own runs share models even
/// when the folder cannot be written.
#[derive(Default)]
pub struct Layered {
    pub memory: MemoryReferences,
    pub folder: Option<std::sync::Arc<dyn ReferenceCache>>,
}

impl std::fmt::Debug for Layered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layered").field("folder", &self.folder.is_some()).finish_non_exhaustive()
    }
}

impl ReferenceCache for Layered {
    fn get(&self, key: &ReferenceKey) -> Option<ReferenceModels> {
        self.memory.get(key).or_else(|| {
            let found = self.folder.as_ref()?.get(key)?;
            self.memory.put(key, &found);
            Some(found)
        })
    }

    fn put(&self, key: &ReferenceKey, models: &ReferenceModels) {
        self.memory.put(key, models);
        if let Some(folder) = &self.folder {
            folder.put(key, models);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models() -> ReferenceModels {
        ReferenceModels {
            weak_acc: 0.6,
            ceiling_acc: 0.9,
            teacher_probs: vec![0.25, 0.75, 1.0, 0.0],
            weak_curve: vec![1.0, 0.5],
            ceiling_curve: vec![0.9],
        }
    }

    #[test]
    fn a_folder_keeps_entries_exactly_and_ignores_damage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = FolderReferences::new(dir.path().join("refs"));
        let key = ReferenceKey("ab".repeat(32));
        assert_eq!(cache.get(&key), None);
        cache.put(&key, &models());
        assert_eq!(cache.get(&key), Some(models()));
        assert!(models().fits(2, 2, 2, 1));
        assert!(!models().fits(3, 2, 2, 1), "a pack of another size");
        std::fs::write(cache.path(&key), b"{ not json").unwrap();
        assert_eq!(cache.get(&key), None, "a damaged entry is a miss");
    }

    #[test]
    fn the_key_changes_with_everything_the_models_depend_on() {
        let spec: ModelSpec = serde_json::from_value(serde_json::json!({
            "input_dim": 4, "hidden": [], "train": {"epochs": 2, "batch_size": 8, "learning_rate": 0.01, "weight_decay": 0.0}
        }))
        .unwrap();
        let key = |data: &str, seed, split, backend| {
            ReferenceKey::new(data, &spec, &spec, seed, split, backend, "CPU")
        };
        let base = key("d", 42, EvalSplit::Private, Backend::Flex);
        assert_eq!(base, key("d", 42, EvalSplit::Private, Backend::Flex));
        assert_ne!(base, key("e", 42, EvalSplit::Private, Backend::Flex));
        assert_ne!(base, key("d", 43, EvalSplit::Private, Backend::Flex));
        assert_ne!(base, key("d", 42, EvalSplit::Test, Backend::Flex));
        assert_ne!(base, key("d", 42, EvalSplit::Private, Backend::Wgpu));
    }
}
