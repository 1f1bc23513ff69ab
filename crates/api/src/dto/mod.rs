//! Transport types: what front ends receive, as camelCase JSON, one module per domain. TypeScript
//! declarations are generated from these types (see [`crate::typescript_bindings`]) so the UI
//! cannot drift. Every type is re-exported here, so callers name them `dto::X`.

mod diff;
mod import;
mod review;
mod runs;
mod store;
mod submissions;
mod tasks;
mod verify;

pub use diff::*;
pub use import::*;
pub use review::*;
pub use runs::*;
pub use store::*;
pub use submissions::*;
pub use tasks::*;
pub use verify::*;
