//! Every demo method and every reference method in methods/ runs on synthetic data.

use std::path::{Path, PathBuf};

use aar_domain::{EntryPoint, StudentMethod};

use crate::support::{Data, assert_valid, method, task};

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(root.join("../../demo/bundles")).unwrap() {
        let path = entry.unwrap().path();
        // The planted probe for gold labels is refused by design (tested below).
        if !path.ends_with(PROBE) {
            files.push(path.join("method.rhai"));
        }
    }
    for entry in std::fs::read_dir(root.join("../../methods")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rhai") {
            files.push(path);
        }
    }
    files.sort();
    files.into_iter().map(|f| (f.display().to_string(), std::fs::read_to_string(&f).unwrap())).collect()
}

#[test]
fn every_demo_method_compiles_configures_and_returns_valid_targets() {
    let sources = sources();
    assert!(sources.len() >= 15 + 7, "{} methods found", sources.len());
    let data = Data::new();
    for (path, source) in sources {
        let info = aar_sandbox::check_method(&source).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut method = method(&source);
        let config = method.configure(&task()).unwrap_or_else(|e| panic!("{path}: {e}"));
        let epochs = config.epochs.unwrap_or(20);
        assert_eq!(method.needs_student_predictions(), info.needs_student);
        for round in 0..=config.rounds {
            for epoch in [0, 1, epochs / 5, epochs / 2, epochs - 1] {
                let mut ctx = data.ctx(epoch, epochs);
                (ctx.round, ctx.rounds) = (round, config.rounds);
                let targets = method.targets(&ctx).unwrap_or_else(|e| panic!("{path}: {e}"));
                assert_valid(&targets);
            }
        }
        let log = method.access_log();
        assert!(log.incidents.is_empty(), "{path}: {:?}", log.incidents);
        assert!(log.reads.contains_key("ctx.teacher") || log.reads.contains_key("ctx.student"), "{path}");
    }
}

/// The demo's planted label probe (demo/README.md, answer key 5).
const PROBE: &str = "label-probe";

#[test]
fn the_demo_label_probe_is_stopped_at_its_read_of_ctx_gold_and_recorded() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/bundles").join(PROBE).join("method.rhai"),
    )
    .unwrap();
    let mut method = method(&source);
    let err = method.targets(&Data::new().ctx(0, 20)).unwrap_err();
    assert!(err.to_string().contains("ctx has no `ctx.gold`"), "{err}");
    assert_eq!(err.position.map(|p| p.line), Some(7), "{err}");
    assert_eq!(method.access_log().incidents.len(), 1, "{:?}", method.access_log().incidents);
}

#[test]
fn demo_output_goes_to_the_access_log() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/bundles/conf-filter-fixed/method.rhai"),
    )
    .unwrap();
    let mut method = method(&source);
    method.targets(&Data::new().ctx(0, 100)).unwrap();
    let output = &method.access_log().output;
    assert_eq!(output.len(), 1);
    assert_eq!(output[0].entry, EntryPoint::Targets);
    assert_eq!(output[0].epoch, Some(0));
    assert!(output[0].text.starts_with("kept fraction"), "{}", output[0].text);
    // One vectorised call for the whole teacher, not one per row.
    assert_eq!(method.access_log().calls["confidence"], 1);
}
