//! The pipe protocol between a verifying process and its method worker: one frame per message,
//! a JSON header followed by the message's matrices as raw little-endian `f32`s, so that the
//! numbers a method returns cross the boundary bit for bit (JSON would lose NaN and infinities,
//! which the checks after the boundary must still see).
//!
//! A frame is `u32` header length, the header, `u32` matrix count, and for each matrix a `u64`
//! element count and its bytes. Reading refuses a frame past the caller's limits before
//! allocating for it.

use std::io::{self, Read, Write};

use aar_domain::{AccessLog, EpochContext, MethodError, StudentConfig};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::limits::SandboxLimits;

/// The protocol's version, in the worker's first frame: a parent and a worker of different
/// builds do not talk.
pub(crate) const PROTOCOL: u32 = 1;

/// The largest header either side accepts: access logs are bounded (100 incidents and 1,000
/// printed lines of a few KiB), so a real one is a few MiB at most.
pub(crate) const MAX_HEADER_BYTES: usize = 16 << 20;

/// What the verifying process asks of its worker.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Request {
    /// Compile the method; always the first request.
    Start {
        source: String,
        name: String,
        file: String,
        withhold_teacher: bool,
        limits: Box<SandboxLimits>,
        process: ProcessLimits,
    },
    Configure {
        num_classes: usize,
        num_examples: usize,
    },
    /// Followed by the teacher's soft labels when `new_teacher` (otherwise the worker reuses the
    /// last ones it was sent), then the student's predictions when `student`.
    Targets {
        at: Epoch,
        new_teacher: bool,
        student: bool,
    },
}

/// An [`EpochContext`] without its matrices.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Epoch {
    epoch: u32,
    epochs: u32,
    round: u32,
    rounds: u32,
    num_classes: usize,
    num_examples: usize,
}

impl Epoch {
    pub(crate) fn of(ctx: &EpochContext<'_>) -> Epoch {
        let EpochContext { epoch, epochs, round, rounds, num_classes, num_examples, .. } = *ctx;
        Epoch { epoch, epochs, round, rounds, num_classes, num_examples }
    }

    /// The context again, with the matrices the frame carried.
    pub(crate) fn context<'a>(self, teacher: &'a [f32], student: Option<&'a [f32]>) -> EpochContext<'a> {
        let Epoch { epoch, epochs, round, rounds, num_classes, num_examples } = self;
        EpochContext { epoch, epochs, round, rounds, num_classes, num_examples, teacher, student }
    }
}

/// The operating-system limits a worker puts on itself before it compiles anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessLimits {
    /// Bytes of data the worker may map (`RLIMIT_DATA`): heap, thread stacks, every private
    /// writable mapping. An allocation past it fails and the worker aborts.
    pub memory_bytes: u64,
    /// Seconds of CPU time the worker may use (`RLIMIT_CPU`), a backstop behind the parent's
    /// wall-clock watchdog.
    pub cpu_seconds: u64,
}

/// What the worker answers, always with the method's access log as it stands.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Reply {
    pub log: AccessLog,
    pub outcome: Outcome,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Outcome {
    /// The worker's first frame, before any request: it runs, and speaks this protocol.
    Ready {
        protocol: u32,
    },
    Started {
        needs_student: bool,
    },
    Configured(StudentConfig),
    /// `EpochTargets::Teacher`.
    Teacher,
    /// `EpochTargets::Unchanged`.
    Unchanged,
    /// `EpochTargets::Custom`: followed by the targets, then the weights when `weights`.
    Custom {
        weights: bool,
    },
    Failed(Box<MethodError>),
}

/// Writes one frame.
pub(crate) fn write_frame(
    out: &mut impl Write,
    header: &impl Serialize,
    matrices: &[&[f32]],
) -> io::Result<()> {
    let header = serde_json::to_vec(header).map_err(io::Error::other)?;
    let header_len = u32::try_from(header.len()).map_err(|_| io::Error::other("frame header too large"))?;
    out.write_all(&header_len.to_le_bytes())?;
    out.write_all(&header)?;
    out.write_all(&(matrices.len() as u32).to_le_bytes())?;
    let mut bytes = Vec::new();
    for matrix in matrices {
        out.write_all(&(matrix.len() as u64).to_le_bytes())?;
        bytes.clear();
        bytes.reserve(matrix.len() * 4);
        for value in *matrix {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        out.write_all(&bytes)?;
    }
    out.flush()
}

/// Reads one frame; `Ok(None)` at a clean end of the stream. Refuses a header over
/// [`MAX_HEADER_BYTES`], more than `max_matrices` matrices or one over `max_elements()`, asked
/// once the frame has arrived (a reader waits for the next frame before the question that
/// decides its size is sent).
pub(crate) fn read_frame<T: DeserializeOwned>(
    input: &mut impl Read,
    max_matrices: usize,
    max_elements: impl Fn() -> usize,
) -> io::Result<Option<(T, Vec<Vec<f32>>)>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let header_len = u32::from_le_bytes(len) as usize;
    if header_len > MAX_HEADER_BYTES {
        return Err(invalid(format!("a frame header of {header_len} bytes (at most {MAX_HEADER_BYTES})")));
    }
    let mut header = vec![0u8; header_len];
    input.read_exact(&mut header)?;
    let header: T =
        serde_json::from_slice(&header).map_err(|e| invalid(format!("a malformed frame header: {e}")))?;
    input.read_exact(&mut len)?;
    let count = u32::from_le_bytes(len) as usize;
    if count > max_matrices {
        return Err(invalid(format!("{count} matrices in a frame (at most {max_matrices})")));
    }
    let mut matrices = Vec::with_capacity(count);
    for _ in 0..count {
        let mut n = [0u8; 8];
        input.read_exact(&mut n)?;
        let n = usize::try_from(u64::from_le_bytes(n)).unwrap_or(usize::MAX);
        let max = max_elements();
        if n > max {
            return Err(invalid(format!("a matrix of {n} values (at most {max})")));
        }
        let mut bytes = vec![0u8; n * 4];
        input.read_exact(&mut bytes)?;
        matrices.push(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect());
    }
    Ok(Some((header, matrices)))
}

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_carry_every_float_bit_for_bit() {
        let values = [0.1f32, -0.0, f32::NAN, f32::INFINITY, f32::MIN_POSITIVE / 2.0, 1.0 / 3.0];
        let mut pipe = Vec::new();
        write_frame(&mut pipe, &Outcome::Custom { weights: false }, &[&values, &[]]).unwrap();
        let (outcome, matrices): (Outcome, _) = read_frame(&mut pipe.as_slice(), 2, || 16).unwrap().unwrap();
        assert!(matches!(outcome, Outcome::Custom { weights: false }));
        let bits = |m: &[f32]| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&matrices[0]), bits(&values));
        assert!(matrices[1].is_empty());
    }

    #[test]
    fn a_frame_past_its_limits_is_refused_before_it_is_read() {
        let mut pipe = Vec::new();
        write_frame(&mut pipe, &Outcome::Teacher, &[&[1.0; 10]]).unwrap();
        let too_big = read_frame::<Outcome>(&mut pipe.as_slice(), 1, || 9).unwrap_err();
        assert!(too_big.to_string().contains("a matrix of 10 values (at most 9)"), "{too_big}");
        let too_many = read_frame::<Outcome>(&mut pipe.as_slice(), 0, || 100).unwrap_err();
        assert!(too_many.to_string().contains("1 matrices"), "{too_many}");
        let mut huge = (u32::MAX).to_le_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        let header = read_frame::<Outcome>(&mut huge.as_slice(), 1, || 1).unwrap_err();
        assert!(header.to_string().contains("frame header"), "{header}");
    }

    #[test]
    fn a_clean_end_of_stream_is_no_frame_and_a_cut_one_is_an_error() {
        assert!(read_frame::<Outcome>(&mut [].as_slice(), 1, || 1).unwrap().is_none());
        let mut pipe = Vec::new();
        write_frame(&mut pipe, &Outcome::Teacher, &[&[1.0; 10]]).unwrap();
        pipe.truncate(pipe.len() - 3);
        assert!(read_frame::<Outcome>(&mut pipe.as_slice(), 1, || 100).is_err());
    }
}
