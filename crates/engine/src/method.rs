//! How the student is trained on split B: the boundary a method runs behind. The types live in
//! `aar-domain` (plain data, shared with the method sandbox, which does not link burn); they are
//! re-exported here so the engine's API is unchanged.

pub use aar_domain::{
    EntryPoint, EpochContext, EpochTargets, LabelProbe, MethodError, MethodErrorKind, StudentConfig,
    StudentMethod, TaskInfo, Vanilla,
};
