use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("task pack {}: {problem}", path.display())]
    BadPack { path: PathBuf, problem: String },
    #[error("no GPU adapter is available ({0}); use --device cpu")]
    NoGpu(String),
    #[error("{source}{}", epoch.map(|e| format!(" (student epoch {e})")).unwrap_or_default())]
    // Boxed: a method error carries a message and a position, and would make every engine
    // result as large.
    Method { epoch: Option<u32>, source: Box<crate::MethodError> },
    #[error("training diverged: the {phase} loss became {value} at epoch {epoch} (seed {seed})")]
    Diverged { phase: &'static str, seed: u64, epoch: u32, value: f64 },
    #[error("cancelled")]
    Cancelled,
    #[error("no seeds given")]
    NoSeeds,
    #[error("the run's training config is out of bounds: {0}")]
    InvalidConfig(String),
}
