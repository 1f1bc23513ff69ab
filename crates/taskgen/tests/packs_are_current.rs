//! The checked-in packs under `tasks/` must be exactly what `aar-taskgen` writes today.

use std::fs;
use std::path::Path;

use sha2::Digest as _;

const REGENERATE: &str = "regenerate with `cargo run -p aar-taskgen -- --out tasks` (from the workspace root), \
     re-run `python3 crates/taskgen/simulate.py tasks` and update the table in tasks/README.md";

#[test]
fn checked_in_packs_match_the_generator_byte_for_byte() {
    let tasks = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tasks");
    let fresh = tempfile::tempdir().expect("a temp dir");
    let names = aar_taskgen::write_all(fresh.path()).expect("the generator writes its packs");
    assert!(!names.is_empty());
    for name in &names {
        for file in [aar_review_schemas::task::TASK_FILE_NAME, aar_taskgen::DATA_FILE_NAME] {
            let want = fs::read(fresh.path().join(name).join(file)).expect("a generated file");
            let path = tasks.join(name).join(file);
            let have = fs::read(&path)
                .unwrap_or_else(|e| panic!("{} is missing ({e}); {REGENERATE}", path.display()));
            assert!(
                have == want,
                "{} differs from what aar-taskgen generates ({} vs {} bytes); {REGENERATE}",
                path.display(),
                have.len(),
                want.len()
            );
        }
    }
}

#[test]
fn generation_is_deterministic() {
    let first = aar_taskgen::all_packs().iter().map(|p| p.render()).collect::<Vec<_>>();
    let second = aar_taskgen::all_packs().iter().map(|p| p.render()).collect::<Vec<_>>();
    assert!(first == second, "two runs of the generator gave different bytes");
}

#[test]
fn packs_are_well_formed() {
    for pack in aar_taskgen::all_packs() {
        let (json, data) = pack.render();
        let task: aar_review_schemas::task::TaskPack = serde_json::from_str(&json).expect("valid task.json");
        assert_eq!(task.schema_version, aar_review_schemas::task::TASK_SCHEMA_VERSION);
        // The latent-5k packs hold 13,000 examples (2.5 MB); the others stay under 0.8 MB.
        assert!(data.len() < 3_000_000, "{}: the pack should stay small ({} bytes)", task.name, data.len());
        let st = safetensors::SafeTensors::deserialize(&data).expect("valid safetensors");
        for split in aar_review_schemas::task::SPLITS {
            let n = task.splits.get(split).unwrap() as usize;
            let x_weak = st.tensor(&format!("{split}.x_weak")).unwrap();
            assert_eq!(x_weak.shape(), [n, task.weak.input_dim as usize]);
            assert_eq!(x_weak.dtype(), safetensors::Dtype::F32);
            let x_strong = st.tensor(&format!("{split}.x_strong")).unwrap();
            assert_eq!(x_strong.shape(), [n, task.strong.input_dim as usize]);
            assert_eq!(x_strong.dtype(), safetensors::Dtype::F32);
            let y = st.tensor(&format!("{split}.y")).unwrap();
            assert_eq!(y.shape(), [n]);
            assert_eq!(y.dtype(), safetensors::Dtype::I32);
            for c in y.data().chunks_exact(4) {
                let c = i32::from_le_bytes(c.try_into().unwrap());
                assert!(c >= 0 && (c as u32) < task.num_classes, "{}: label {c} out of range", task.name);
            }
        }
        assert_eq!(st.len(), 15, "{}: exactly the 15 tensors of the format", task.name);
    }
    let names: Vec<String> = aar_taskgen::all_packs().into_iter().map(|p| p.task.name).collect();
    assert_eq!(names, ["digits", "wine", "latent", "digits-copyable", "latent-5k", "latent-5k-copyable"]);
}

/// Rows of `split`'s tensor `view` (`x_weak`/`x_strong`) in a rendered pack, as raw bytes.
fn rows(data: &[u8], split: &str, view: &str) -> Vec<Vec<u8>> {
    let tensors = safetensors::SafeTensors::deserialize(data).unwrap();
    let t = tensors.tensor(&format!("{split}.{view}")).unwrap();
    let width = t.shape()[1] * 4;
    t.data().chunks(width).map(<[u8]>::to_vec).collect()
}

#[test]
fn a_fresh_draw_replaces_split_b_and_private_with_examples_the_pack_does_not_hold() {
    for name in ["latent", "latent-5k", "latent-5k-copyable"] {
        let shipped = aar_taskgen::all_packs().into_iter().find(|p| p.task.name == name).unwrap().render().1;
        let drawn = aar_taskgen::fresh(name, 0x5EC2E7).unwrap();
        let fresh = drawn.pack.render().1;
        for split in ["a", "dev", "test"] {
            for view in ["x_weak", "x_strong"] {
                assert_eq!(rows(&fresh, split, view), rows(&shipped, split, view), "{name} {split}.{view}");
            }
        }
        let everything: std::collections::HashSet<Vec<u8>> = aar_review_schemas::task::SPLITS
            .iter()
            .flat_map(|split| rows(&shipped, split, "x_strong"))
            .collect();
        for split in ["b", "private"] {
            let new = rows(&fresh, split, "x_strong");
            assert_eq!(new.len(), rows(&shipped, split, "x_strong").len());
            assert!(new.iter().all(|row| !everything.contains(row)), "{name} {split}: a shipped example");
        }
        // Drawn from the same world: the teacher's split a is unchanged, and the labels keep
        // their balance (within sampling noise).
        let balance = |data: &[u8]| {
            let tensors = safetensors::SafeTensors::deserialize(data).unwrap();
            let y = tensors.tensor("private.y").unwrap();
            let labels: Vec<i32> =
                y.data().chunks(4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            (0..4)
                .map(|c| labels.iter().filter(|l| **l == c).count() as f64 / labels.len() as f64)
                .collect::<Vec<_>>()
        };
        for (old, new) in balance(&shipped).iter().zip(balance(&fresh)) {
            assert!((old - new).abs() < 0.08, "{name}: class share {old} vs {new}");
        }
        // The secret decides the draw, and only the secret.
        assert!(aar_taskgen::fresh(name, 0x5EC2E7).unwrap().pack.render().1 == fresh);
        assert!(aar_taskgen::fresh(name, 0x5EC2E8).unwrap().pack.render().1 != fresh);
        // It names the pack it was drawn from: the bundled one.
        let shipped_sha256: String =
            sha2::Sha256::digest(&shipped).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(drawn.drawn_from, shipped_sha256, "{name}");
    }
    assert!(aar_taskgen::fresh("digits", 1).is_none(), "fixed datasets have no generator to draw from");
}
