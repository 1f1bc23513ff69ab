//! The audit of what a method holds: how deep its values nest and how many bytes they take.
//!
//! Rhai checks a value's size when it builds or stores it, but not how deep arrays and maps nest,
//! and not the total of everything alive (a map grown by `m[key] = value` is never re-measured).
//! Both matter: Rhai clones, drops, measures and prints values recursively, so a value nested
//! 10,000 deep overflows a thread's stack and aborts the process; and a method can fill memory
//! with values that each pass the per-value limits.
//!
//! The sandbox therefore walks every variable alive (the whole scope, caller frames included)
//! every so many operations, at the next variable read ([`crate::host`] hooks Rhai's variable
//! resolver, which sees the scope). The walk itself recurses at most `max_value_depth + 1`
//! levels: it stops descending, and reports, as soon as a value is one level too deep.

use std::any::TypeId;

use aar_domain::Limit;
use rhai::{Array, Blob, Dynamic, FnPtr, ImmutableString, Map};

use crate::matrix::Matrix;

/// Bytes a value takes, approximately and never under: Rhai's `Dynamic` slot (16 bytes) is counted
/// where it is held; containers add their heap (a boxed `Vec` or `BTreeMap` and one slot per
/// element, map entries their key and node share).
const SLOT: u64 = 16;
const ARRAY: u64 = 48;
const MAP: u64 = 48;
const MAP_ENTRY: u64 = 64;
const STRING: u64 = 48;

/// What an audit found: every value within the limits.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Usage {
    /// Bytes alive (matrix data counted once however many values share it).
    pub bytes: u64,
    /// Values visited: what the audit cost.
    pub nodes: u64,
}

/// Why an audit stopped the method.
#[derive(Debug, Clone)]
pub(crate) enum Over {
    /// A value nests arrays, maps or curried function pointers deeper than the limit; `inner` is
    /// the kind of container found one level too deep.
    Depth { inner: &'static str },
    /// The values alive take more than the budget; `largest` is the kind holding most bytes.
    Memory { bytes: u64, largest: Limit },
}

/// Walks `values`, failing at the first value deeper than `max_depth` or as soon as the bytes
/// counted pass `max_bytes`.
pub(crate) fn measure<'a>(
    values: impl IntoIterator<Item = &'a Dynamic>,
    max_depth: usize,
    max_bytes: u64,
) -> Result<Usage, Over> {
    let mut walk =
        Walk { max_depth, max_bytes, usage: Usage::default(), by_kind: [0; 4], matrices: Vec::new() };
    for value in values {
        walk.usage.bytes += SLOT;
        walk.value(value, 0)?;
    }
    Ok(walk.usage)
}

struct Walk {
    max_depth: usize,
    max_bytes: u64,
    usage: Usage,
    /// Bytes in strings, arrays, maps and matrices, to name the largest when the budget breaks.
    by_kind: [u64; 4],
    /// Matrix data already counted (by address): `ctx.teacher` held in 1,000 variables is one
    /// matrix.
    matrices: Vec<usize>,
}

impl Walk {
    /// Visits `value`, which sits inside `depth` containers.
    fn value(&mut self, value: &Dynamic, depth: usize) -> Result<(), Over> {
        self.usage.nodes += 1;
        // Numbers and the like: nothing beyond their slot (the common case, kept first).
        if value.is_float() || value.is_int() || value.is_bool() || value.is_unit() || value.is_char() {
            return Ok(());
        }
        if let Some(s) = value.read_lock::<ImmutableString>() {
            return self.add(0, STRING + s.len() as u64);
        }
        if let Some(array) = value.read_lock::<Array>() {
            self.enter(depth, "an array")?;
            self.add(1, ARRAY + SLOT * array.capacity() as u64)?;
            return array.iter().try_for_each(|v| self.value(v, depth + 1));
        }
        if let Some(map) = value.read_lock::<Map>() {
            self.enter(depth, "a map")?;
            self.add(2, MAP)?;
            for (key, v) in map.iter() {
                self.add(2, MAP_ENTRY + key.len() as u64)?;
                self.value(v, depth + 1)?;
            }
            return Ok(());
        }
        // `ctx` and `task` hold the engine's data, not the method's: not counted.
        let id = value.type_id();
        if id == TypeId::of::<Matrix>() {
            if let Some(m) = value.read_lock::<Matrix>() {
                self.matrix(&m)?;
            }
        } else if id == TypeId::of::<Blob>() {
            if let Some(blob) = value.read_lock::<Blob>() {
                self.add(1, ARRAY + blob.capacity() as u64)?;
            }
        } else if id == TypeId::of::<FnPtr>() {
            // Curried arguments are values a function pointer carries: they nest like an array.
            if let Some(f) = value.read_lock::<FnPtr>() {
                self.enter(depth, "a function pointer")?;
                self.add(1, ARRAY + f.fn_name().len() as u64)?;
                return f.iter_curry().try_for_each(|v| self.value(v, depth + 1));
            }
        }
        Ok(())
    }

    fn enter(&self, depth: usize, what: &'static str) -> Result<(), Over> {
        if depth >= self.max_depth { Err(Over::Depth { inner: what }) } else { Ok(()) }
    }

    fn matrix(&mut self, m: &Matrix) -> Result<(), Over> {
        let address = m.data().as_ptr() as usize;
        if self.matrices.contains(&address) {
            return Ok(());
        }
        self.matrices.push(address);
        self.add(3, 4 * m.data().len() as u64)
    }

    /// Counts `bytes` of kind `kind` (string, array, map, matrix).
    fn add(&mut self, kind: usize, bytes: u64) -> Result<(), Over> {
        self.by_kind[kind] += bytes;
        self.usage.bytes += bytes;
        if self.usage.bytes > self.max_bytes {
            let largest = (0..4).max_by_key(|&k| self.by_kind[k]).unwrap_or(1);
            let largest =
                [Limit::StringSize, Limit::ArraySize, Limit::MapSize, Limit::HostWork][largest].clone();
            return Err(Over::Memory { bytes: self.usage.bytes, largest });
        }
        Ok(())
    }
}

/// `text` cut to at most `max` bytes (at a character boundary), with a marker saying how much
/// was cut. Every text the sandbox keeps from a method goes through here, so that a script
/// cannot make its errors or log megabytes long.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [{} more bytes cut]", &text[..end], text.len() - end)
}

/// A script value as text for an error message, at most `max` bytes: strings as they are,
/// other values through their display only when they are small and shallow (displaying
/// recurses, and a large value is megabytes of text).
pub(crate) fn describe(value: &Dynamic, max: usize) -> String {
    if let Some(s) = value.read_lock::<ImmutableString>() {
        return bounded(&s, max);
    }
    match measure([value], 8, 64 * 1024) {
        Ok(usage) if usage.nodes <= 4096 => bounded(&value.to_string(), max),
        _ => format!("a large {} (not shown)", value.type_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> Dynamic {
        let mut value = Dynamic::from_array(Array::new());
        for _ in 0..depth {
            value = Dynamic::from_array(vec![value]);
        }
        value
    }

    #[test]
    fn depth_is_counted_in_containers() {
        // `[[[]]]` is three arrays: depth 3 passes a limit of 3 and fails a limit of 2.
        assert!(measure([&nested(2)], 3, u64::MAX).is_ok());
        assert!(matches!(measure([&nested(2)], 2, u64::MAX), Err(Over::Depth { inner: "an array" })));
        assert!(measure([&Dynamic::from_float(1.0)], 0, u64::MAX).is_ok());
    }

    #[test]
    fn bytes_are_counted_and_shared_matrices_once() {
        let m = Matrix::new(100, 10, vec![0.0; 1000]);
        let values: Vec<Dynamic> = (0..10).map(|_| Dynamic::from(m.clone())).collect();
        let usage = measure(&values, 4, u64::MAX).unwrap();
        assert_eq!(usage.bytes, 10 * SLOT + 4000);
        let strings: Vec<Dynamic> = (0..10).map(|i| Dynamic::from("x".repeat(1000 + i))).collect();
        match measure(&strings, 4, 5000) {
            Err(Over::Memory { largest: Limit::StringSize, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn texts_are_bounded_with_a_marker() {
        assert_eq!(bounded("short", 10), "short");
        let cut = bounded(&"é".repeat(100), 11);
        assert!(cut.starts_with("ééééé…"), "{cut}");
        assert!(cut.ends_with("[190 more bytes cut]"), "{cut}");
        assert_eq!(describe(&nested(100), 100), "a large array (not shown)");
    }
}
