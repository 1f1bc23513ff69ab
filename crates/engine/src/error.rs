use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("task pack {}: {problem}", path.display())]
    BadPack { path: PathBuf, problem: String },
    #[error("no task named `{name}`; known tasks: {}", known.join(", "))]
    UnknownTask { name: String, known: Vec<String> },
    #[error("no GPU adapter is available ({0}); use --device cpu")]
    NoGpu(String),
    #[error("the method failed at epoch {epoch}: {message}")]
    Method { epoch: u32, message: String },
    #[error("training diverged: the {phase} loss became {value} at epoch {epoch} (seed {seed})")]
    Diverged { phase: &'static str, seed: u64, epoch: u32, value: f64 },
    #[error("cancelled")]
    Cancelled,
    #[error("no seeds given")]
    NoSeeds,
}
