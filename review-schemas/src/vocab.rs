//! The small closed vocabularies every format and front end shares: splits, devices, backends,
//! training phases and file roles. Each is an enum serialised as its lowercase name, so the JSON
//! stays what it always was, and the desktop app gets a TypeScript union for it instead of a
//! string it has to re-declare.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A split of a task pack. **a** trains the teacher on gold labels; **b** is what a method sees
/// (the teacher's labels only); **dev** is what agents may score themselves on; **test** is the
/// held-out evaluation; **private** is reserved for reviewers' re-runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Split {
    A,
    B,
    Dev,
    Test,
    Private,
}

impl Split {
    /// Every split, in the order packs list them.
    pub const ALL: [Split; 5] = [Split::A, Split::B, Split::Dev, Split::Test, Split::Private];

    pub fn as_str(self) -> &'static str {
        match self {
            Split::A => "a",
            Split::B => "b",
            Split::Dev => "dev",
            Split::Test => "test",
            Split::Private => "private",
        }
    }

    pub fn parse(text: &str) -> Option<Split> {
        Split::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The split a re-run evaluates its three models on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum EvalSplit {
    /// The split agents may score themselves on: a verification replays dev claims on it.
    Dev,
    /// The held-out test split.
    #[default]
    Test,
    /// The reviewers' private split, never used for anything an agent sees.
    Private,
}

impl EvalSplit {
    pub fn as_str(self) -> &'static str {
        self.split().as_str()
    }

    pub fn split(self) -> Split {
        match self {
            EvalSplit::Dev => Split::Dev,
            EvalSplit::Test => Split::Test,
            EvalSplit::Private => Split::Private,
        }
    }

    pub fn parse(text: &str) -> Option<EvalSplit> {
        match text {
            "dev" => Some(EvalSplit::Dev),
            "test" => Some(EvalSplit::Test),
            "private" => Some(EvalSplit::Private),
            _ => None,
        }
    }
}

/// Where a run was asked to train (`--device auto|gpu|cpu`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// A real GPU (discrete, integrated or virtual) when wgpu finds one, else the CPU.
    #[default]
    Auto,
    /// wgpu on the best adapter it has, even a software one (lavapipe) on a machine without a GPU.
    Gpu,
    /// burn's `flex` backend.
    Cpu,
}

impl DeviceChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceChoice::Auto => "auto",
            DeviceChoice::Gpu => "gpu",
            DeviceChoice::Cpu => "cpu",
        }
    }

    pub fn parse(text: &str) -> Option<DeviceChoice> {
        [DeviceChoice::Auto, DeviceChoice::Gpu, DeviceChoice::Cpu].into_iter().find(|d| d.as_str() == text)
    }
}

/// The burn backend a run trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn's pure-Rust CPU backend.
    Flex,
    /// burn-wgpu (Vulkan, Metal or DX12; lavapipe on a machine without a GPU).
    Wgpu,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::Wgpu => "wgpu",
        }
    }

    pub fn parse(text: &str) -> Option<Backend> {
        [Backend::Flex, Backend::Wgpu].into_iter().find(|b| b.as_str() == text)
    }
}

/// The three trainings of one seed of the W2S protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The weak teacher, on split a's gold labels.
    Weak,
    /// The strong model on split b's gold labels: the top of the gap.
    Ceiling,
    /// The strong student, on the method's targets for split b.
    Student,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Weak => "weak",
            Phase::Ceiling => "ceiling",
            Phase::Student => "student",
        }
    }

    /// How progress lines name it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Weak => "weak teacher",
            Phase::Ceiling => "strong ceiling",
            Phase::Student => "strong student",
        }
    }
}

/// What a stored file of a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum FileRole {
    /// The `submission.json` itself.
    Manifest,
    /// The executable method: the bytes a re-run executes.
    Method,
    /// Other source, for context only.
    Source,
    /// Logs the author attached.
    Log,
}

impl FileRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FileRole::Manifest => "manifest",
            FileRole::Method => "method",
            FileRole::Source => "source",
            FileRole::Log => "log",
        }
    }

    pub fn parse(text: &str) -> Option<FileRole> {
        [FileRole::Manifest, FileRole::Method, FileRole::Source, FileRole::Log]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

crate::display_as_str!(Split, EvalSplit, DeviceChoice, Backend, Phase, FileRole);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_and_matches_its_json() {
        for s in Split::ALL {
            assert_eq!(Split::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        for e in [EvalSplit::Dev, EvalSplit::Test, EvalSplit::Private] {
            assert_eq!(EvalSplit::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{}\"", e.as_str()));
        }
        for d in [DeviceChoice::Auto, DeviceChoice::Gpu, DeviceChoice::Cpu] {
            assert_eq!(DeviceChoice::parse(d.as_str()), Some(d));
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{}\"", d.as_str()));
        }
        for b in [Backend::Flex, Backend::Wgpu] {
            assert_eq!(Backend::parse(b.as_str()), Some(b));
            assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{}\"", b.as_str()));
        }
        for r in [FileRole::Manifest, FileRole::Method, FileRole::Source, FileRole::Log] {
            assert_eq!(FileRole::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        }
        assert_eq!(serde_json::to_string(&Phase::Ceiling).unwrap(), "\"ceiling\"");
        assert_eq!(Split::parse("train"), None);
        assert_eq!(EvalSplit::parse("b"), None);
    }
}
