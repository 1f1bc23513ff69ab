//! Reading what reviewers import: submission bundles and the AAR system's own exports.
//!
//! Everything read here is untrusted. Every file goes through [`aar_domain::BundlePath`] (no
//! absolute paths, no `..`), links and special files (FIFOs, sockets, devices) are refused on the
//! opened handle (see `fs_safe`), and sizes are capped by [`Limits`] both as declared (archive
//! headers, file metadata) and as actually read, so a lying header or a zip bomb stops at the cap
//! instead of filling memory. Only the paths the user names may be links (to a regular file or
//! folder).

mod aar;
mod error;
mod fs_safe;
mod input;
mod tree;

pub use aar::{AarExport, SkippedFinding, read_aar_export, read_forum_export};
pub use error::{BundleError, Problem};
pub use input::{InputKind, detect, read_bundle};
pub use tree::Limits;
