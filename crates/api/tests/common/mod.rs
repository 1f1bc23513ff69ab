//! Shared by the API's test suites.

use aar_api::{Isolation, WorkerCommand};

/// Submitted methods in worker processes, as the CLI and the app run them: started from the
/// `aar-method-worker` the sandbox crate builds beside the test binaries
/// (`target/<profile>/deps/<test>` → `target/<profile>/aar-method-worker`).
pub fn method_workers() -> Isolation {
    let test = std::env::current_exe().expect("the test binary's path");
    let worker = test
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("aar-method-worker"))
        .expect("the test binary lies in target/<profile>/deps");
    assert!(
        worker.is_file(),
        "{} is missing: build it with `cargo build -p aar-sandbox --bins` (the workspace's test command does)",
        worker.display()
    );
    Isolation::process(WorkerCommand::program(worker))
}
