//! Plain review types of AAR Review. Nothing here does IO: the types describe submissions, their
//! content-addressed files and the maths reviewers check, so every other crate agrees on them.

mod digest;
mod path;
mod pgr;
mod submission;
mod timestamp;

pub use digest::{Digest, IdPrefix, IdPrefixError};
pub use path::{BundlePath, BundlePathError};
pub use pgr::{mean, pgr, standard_error};
pub use submission::{BundleContent, ContentError, FileEntry, FileRole, SubmissionId};
pub use timestamp::{Timestamp, TimestampError};
