//! The demo corpus, embedded in the binary so `aar-review demo` and the app's first start work
//! from any install, without the source tree.

use std::path::PathBuf;

use include_dir::{Dir, include_dir};

use crate::{ApiError, ApiResult, ErrorCode};

static BUNDLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../demo/bundles");
static AAR_EXPORT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../demo/aar-export");

/// The demo written out to a temporary folder, imported through the same path as user input.
pub(crate) struct Extracted {
    dir: tempfile::TempDir,
    pub inputs: Vec<PathBuf>,
}

impl Extracted {
    pub fn root(&self) -> &std::path::Path {
        self.dir.path()
    }
}

pub(crate) fn extract() -> ApiResult<Extracted> {
    let fail = |e: std::io::Error| {
        ApiError::new(ErrorCode::Storage, format!("could not unpack the demo corpus: {e}"))
    };
    let dir = tempfile::tempdir().map_err(fail)?;
    let bundles = dir.path().join("bundles");
    let aar = dir.path().join("aar-export");
    std::fs::create_dir_all(&bundles).map_err(fail)?;
    std::fs::create_dir_all(&aar).map_err(fail)?;
    BUNDLES.extract(&bundles).map_err(fail)?;
    AAR_EXPORT.extract(&aar).map_err(fail)?;
    let mut inputs: Vec<PathBuf> = BUNDLES.dirs().map(|d| bundles.join(d.path())).collect();
    inputs.sort();
    inputs.push(aar);
    Ok(Extracted { dir, inputs })
}
