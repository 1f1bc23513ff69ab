//! The method sandbox, end to end: the demo methods run, hostile methods are stopped with the
//! right error and leave a trace in the access log, results are reproducible, and the host API
//! does what docs/method-api.md says.

mod abuse;
mod api;
mod containment;
mod demos;
mod determinism;
mod process;
mod support;
mod visibility;
