//! A method worker and nothing else: what `aar_sandbox::WorkerCommand::program` starts in tests.
//! The CLI and the app serve as their own workers (`aar_sandbox::serve_if_worker`).

fn main() {
    aar_sandbox::serve_if_worker();
    eprintln!("aar-method-worker: start me with {}", aar_sandbox::WORKER_ARG);
    std::process::exit(2);
}
