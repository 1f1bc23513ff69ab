//! What the entry points return, read into typed values and checked before anything reaches the
//! engine: a method's output is as untrusted as its code.

use aar_domain::{EpochTargets, Limit, MethodErrorKind, StudentConfig};
use rhai::{Array, Dynamic, Map};

use crate::context::EpochView;
use crate::limits::ConfigBounds;
use crate::matrix::{Matrix, number};

/// How far a target row's sum may be from 1 (the engine's own check uses the same tolerance
/// and the same `f32` summation, so both agree on every row).
pub(crate) const ROW_SUM_TOLERANCE: f32 = 1e-3;

/// A refused output: the error kind and what was wrong.
pub(crate) type Refused = (MethodErrorKind, String);

fn bad_output(what: &str, message: String) -> Refused {
    (MethodErrorKind::BadOutput { what: what.into() }, message)
}

/// Reads `#{ targets: ..., weights: ... }`. `targets` is a matrix or an array of rows (or `()`:
/// [`EpochTargets::Unchanged`], after epoch 0), `weights` `()` or one non-negative number per
/// example. The teacher returned unchanged and unweighted becomes [`EpochTargets::Teacher`],
/// which the engine keeps on the device without a copy.
pub(crate) fn read_targets(value: Dynamic, ctx: &EpochView) -> Result<EpochTargets, Refused> {
    let Some(map) = value.try_cast::<Map>() else {
        return Err(bad_output(
            "output",
            "targets() must return a map #{ targets: ..., weights: ... }".into(),
        ));
    };
    if let Some(key) = map.keys().find(|k| !matches!(k.as_str(), "targets" | "weights")) {
        return Err(bad_output(
            key,
            format!("targets() returned an unknown key `{key}`; the map holds `targets` and `weights`"),
        ));
    }
    let targets =
        map.get("targets").ok_or_else(|| bad_output("targets", "targets() returned no `targets`".into()))?;
    let weights = match map.get("weights") {
        None => None,
        Some(w) if w.is_unit() => None,
        Some(w) => Some(read_weights(w, ctx.num_examples)?),
    };
    // `targets: ()` keeps what the previous epoch of this round trained on (targets and weights).
    if targets.is_unit() {
        if weights.is_some() {
            return Err(bad_output(
                "weights",
                "`targets: ()` keeps the previous epoch's targets and weights; it takes no new weights"
                    .into(),
            ));
        }
        if ctx.epoch == 0 {
            return Err(bad_output(
                "targets",
                "`targets: ()` keeps the previous epoch's targets, and epoch 0 of a round has none".into(),
            ));
        }
        return Ok(EpochTargets::Unchanged);
    }
    let targets = match targets.read_lock::<Matrix>() {
        Some(m) if weights.is_none() && ctx.teacher.as_ref().is_some_and(|t| m.same_data(t)) => {
            return Ok(EpochTargets::Teacher);
        }
        Some(m) => m.clone(),
        None => match targets.read_lock::<Array>() {
            Some(rows) => Matrix::from_array(&rows, "targets").map_err(|m| bad_output("targets", m))?,
            None => {
                return Err(bad_output(
                    "targets",
                    format!("targets is {}; expected a matrix or an array of rows", targets.type_name()),
                ));
            }
        },
    };
    check_targets(&targets, ctx.num_examples, ctx.num_classes)?;
    Ok(EpochTargets::Custom { targets: targets.into_vec(), weights })
}

fn check_targets(m: &Matrix, n: usize, k: usize) -> Result<(), Refused> {
    let fail = |message: String| Err(bad_output("targets", message));
    if m.rows() != n {
        return fail(format!("targets have {} rows; split B has {n} examples", m.rows()));
    }
    if m.cols() != k {
        return fail(format!("targets rows have {} values; the task has {k} classes", m.cols()));
    }
    for (i, row) in m.iter_rows().enumerate() {
        if let Some(j) = row.iter().position(|p| !p.is_finite()) {
            return fail(format!("targets row {i} holds {} at column {j}", row[j]));
        }
        if let Some(j) = row.iter().position(|p| *p < 0.0) {
            return fail(format!("targets row {i} holds the negative value {} at column {j}", row[j]));
        }
        let sum: f32 = row.iter().sum();
        if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
            return fail(format!("targets row {i} sums to {sum}, not 1"));
        }
    }
    Ok(())
}

fn read_weights(value: &Dynamic, n: usize) -> Result<Vec<f32>, Refused> {
    let fail = |message: String| Err(bad_output("weights", message));
    let Some(array) = value.read_lock::<Array>() else {
        return fail(format!("weights is {}; expected () or an array of {n} numbers", value.type_name()));
    };
    if array.len() != n {
        return fail(format!("weights has {} values; split B has {n} examples", array.len()));
    }
    let mut weights = Vec::with_capacity(n);
    for (i, w) in array.iter().enumerate() {
        let Some(w) = number(w) else {
            return fail(format!("weights[{i}] is {}, not a number", w.type_name()));
        };
        if !(w.is_finite() && w >= 0.0) {
            return fail(format!("weights[{i}] is {w}; weights must be finite and non-negative"));
        }
        weights.push(w as f32);
    }
    if weights.iter().all(|w| *w == 0.0) {
        return fail("every weight is 0: the student would train on nothing".into());
    }
    Ok(weights)
}

/// Reads what `configure` returned: `()` or a map of overrides within `bounds`.
pub(crate) fn read_config(value: Dynamic, bounds: &ConfigBounds) -> Result<StudentConfig, Refused> {
    let mut config = StudentConfig::default();
    if value.is_unit() {
        return Ok(config);
    }
    let Some(map) = value.try_cast::<Map>() else {
        return Err(bad_output("output", "configure() must return a map of overrides (or nothing)".into()));
    };
    for (key, value) in &map {
        let key = key.as_str();
        let out_of_bounds = |message: String| {
            (MethodErrorKind::LimitExceeded { which: Limit::Config { key: key.into() } }, message)
        };
        match key {
            "epochs" => {
                config.epochs =
                    Some(whole(key, value, 1, bounds.max_epochs).map_err(|e| e.resolve(out_of_bounds))?)
            }
            "batch_size" => {
                config.batch_size =
                    Some(whole(key, value, 1, bounds.max_batch_size).map_err(|e| e.resolve(out_of_bounds))?)
            }
            "rounds" => {
                config.rounds =
                    whole(key, value, 0, bounds.max_rounds).map_err(|e| e.resolve(out_of_bounds))?
            }
            "lr" => {
                let lr = real(key, value)?;
                if !(lr.is_finite() && lr > 0.0 && lr <= bounds.max_learning_rate) {
                    return Err(out_of_bounds(format!(
                        "lr is {lr}; it must be above 0 and at most {}",
                        bounds.max_learning_rate
                    )));
                }
                config.learning_rate = Some(lr);
            }
            "weight_decay" => {
                let wd = real(key, value)?;
                if !(wd.is_finite() && (0.0..=bounds.max_weight_decay).contains(&wd)) {
                    return Err(out_of_bounds(format!(
                        "weight_decay is {wd}; it must be in 0..={}",
                        bounds.max_weight_decay
                    )));
                }
                config.weight_decay = Some(wd);
            }
            _ => {
                return Err(bad_output(
                    key,
                    format!(
                        "configure() returned an unknown key `{key}`; it may set epochs, lr, batch_size, \
                         weight_decay and rounds"
                    ),
                ));
            }
        }
    }
    Ok(config)
}

/// An integer setting that is either of the wrong type or out of its bounds.
enum WholeError {
    Type(Refused),
    Bounds(String),
}

impl WholeError {
    fn resolve(self, out_of_bounds: impl Fn(String) -> Refused) -> Refused {
        match self {
            WholeError::Type(refused) => refused,
            WholeError::Bounds(message) => out_of_bounds(message),
        }
    }
}

fn whole(key: &str, value: &Dynamic, min: u32, max: u32) -> Result<u32, WholeError> {
    let v = value
        .as_int()
        .map_err(|t| WholeError::Type(bad_output(key, format!("{key} must be an integer, not {t}"))))?;
    if v < i64::from(min) || v > i64::from(max) {
        return Err(WholeError::Bounds(format!("{key} is {v}; it must be in {min}..={max}")));
    }
    Ok(v as u32)
}

fn real(key: &str, value: &Dynamic) -> Result<f64, Refused> {
    number(value).ok_or_else(|| bad_output(key, format!("{key} must be a number, not {}", value.type_name())))
}
