//! The weak-to-strong training engine of AAR Review, on burn.
//!
//! [`run_protocol`] runs the W2S protocol on a [`TaskData`] pack: per seed, it trains the weak
//! teacher on split A with gold labels, the strong ceiling on split B with gold labels, lets the
//! teacher label split B, trains a fresh strong student on B from those soft labels only (through a
//! [`StudentMethod`]: the built-in [`Vanilla`], later a sandboxed submission), and evaluates all
//! three on the held-out split. Progress goes to a [`ProgressSink`]; seeds, the device and a
//! [`CancelToken`] are passed in, so a run is reproducible and stoppable.
//!
//! Layout follows burn's examples: [`data`] (packs and batches), [`model`] (the MLP and its
//! config), [`training`] (the custom loop), [`protocol`] (the three models and PGR), [`stats`].

pub mod data;
pub mod device;
pub mod method;
pub mod model;
pub mod progress;
pub mod protocol;
pub mod references;
pub mod stats;
pub mod training;

mod error;

pub use data::{EvalSplit, TaskData};
pub use device::{Backend, ComputeDevice, DeviceChoice, resolve as resolve_device};
pub use error::EngineError;
pub use method::{
    EntryPoint, EpochContext, EpochTargets, MethodError, MethodErrorKind, StudentConfig, StudentMethod,
    TaskInfo, Vanilla,
};
pub use progress::{CancelToken, Phase, ProgressEvent, ProgressSink};
pub use protocol::{ProtocolRequest, run_protocol};

/// The engine's version, recorded in every run report.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
