//! Plain review types of AAR Review. Nothing here does IO: the types describe submissions, their
//! content-addressed files and the maths reviewers check, so every other crate agrees on them.

mod digest;
mod method;
mod paired;
mod path;
mod pgr;
pub mod review;
mod submission;
pub mod text;
mod timestamp;

pub use digest::{Digest, IdPrefix, IdPrefixError};
pub use method::{
    AblatedTeacher, Ablation, AccessLog, EntryPoint, EpochContext, EpochTargets, Incident, LabelProbe, Limit,
    MethodError, MethodErrorKind, OutputLine, PARTIAL_SHARE, SourcePosition, StudentConfig, StudentMethod,
    TaskInfo, Vanilla,
};
pub use paired::PairedTest;
pub use path::{BundlePath, BundlePathError};
pub use pgr::{mean, pgr, standard_error};
pub use submission::{BundleContent, ContentError, FileEntry, FileRole, SubmissionId};
pub use submission::{MAX_CLAIMS, MAX_COMMENTS_PER_POST, MAX_PGR_MAGNITUDE, MAX_POSTS, MAX_SEEDS_PER_CLAIM};
pub use timestamp::{Timestamp, TimestampError};
