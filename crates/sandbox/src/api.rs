//! The host functions a method may call (documented in docs/method-api.md), and the `Matrix`
//! type's script surface. Every function is vectorised over whole matrices so that common W2S
//! methods need no per-row script loop, and also accepts a single row (an array of numbers) or an
//! array of row arrays, which is how methods written before `Matrix` call them.
//!
//! All arithmetic is in `f64` over the `f32` data, in a fixed order, so results are bit-for-bit
//! reproducible. Every function charges the values it produces to the call's host-work budget.

use std::sync::Arc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FLOAT, INT, NativeCallContext};

use crate::matrix::{Invalid, Matrix, PerRow, Shape, float_array, matrix_arg, number, numbers_arg};
use crate::state::{AccessId, HostError, HostState};

type Result<T> = std::result::Result<T, HostError>;
type Host = Arc<HostState>;

/// Registers the `Matrix` type and every host function into `engine`.
pub(crate) fn register(engine: &mut Engine, host: &Host) {
    register_matrix(engine, host);

    // Row-wise statistics: a row gives one value, a matrix an array of one value per row.
    def1(engine, host, "argmax", |h, m| per_row(h, m, "m", |r| Dynamic::from_int(argmax(r) as INT)));
    def1(engine, host, "confidence", |h, m| per_row(h, m, "m", |r| Dynamic::from_float(max(r))));
    def1(engine, host, "entropy", |h, m| per_row(h, m, "m", |r| Dynamic::from_float(entropy(r))));
    def1(engine, host, "margin", |h, m| per_row(h, m, "m", |r| Dynamic::from_float(margin(r))));
    def1(engine, host, "harden", |h, m| match shape(m, "m")? {
        Shape::Row(row) => {
            h.produce(row.len())?;
            Ok(Dynamic::from_array(one_hot(argmax(&row), row.len())))
        }
        Shape::Matrix(m) => {
            h.produce(m.data().len())?;
            Ok(Dynamic::from(map_rows(&m, |row, out| out[argmax(row)] = 1.0)))
        }
    });
    def2(engine, host, "harden_balanced", harden_balanced);
    def3(engine, host, "mix", mix);
    def2(engine, host, "power_normalise", |h, m, p| {
        let m = matrix(m, "m")?;
        let p = number(p).ok_or_else(|| bad("p must be a number"))?;
        if !(p.is_finite() && p > 0.0) {
            return Err(bad(format!("p must be finite and above 0, not {p}")));
        }
        check_probabilities(&m, "m")?;
        h.produce(m.data().len())?;
        let k = m.cols().max(1);
        let mut out = vec![0.0f32; m.data().len()];
        let mut logs = vec![0.0f64; k];
        for (i, (row, dst)) in m.iter_rows().zip(out.chunks_exact_mut(k)).enumerate() {
            if p == 1.0 {
                normalise_into(row.iter().map(|&x| f64::from(x)), dst, i)
                    .map_err(|_| bad(format!("m row {i} has no mass")))?;
                continue;
            }
            // Directly when the row's largest power is far from underflow (every entry it could
            // lose is below f32's range once normalised); else in logs, so that large powers of
            // small probabilities do not underflow to 0.
            for (q, &x) in logs.iter_mut().zip(row) {
                let x = f64::from(x);
                *q = if p == 2.0 { x * x } else { x.powf(p) };
            }
            let top = logs.iter().copied().fold(0.0, f64::max);
            if top >= 1e-200 {
                let z: f64 = logs.iter().sum();
                for (o, q) in dst.iter_mut().zip(&logs) {
                    *o = (q / z) as f32;
                }
                continue;
            }
            for (l, &x) in logs.iter_mut().zip(row) {
                *l = p * f64::from(x).ln();
            }
            let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if top == f64::NEG_INFINITY {
                return Err(bad(format!("m row {i} has no mass")));
            }
            for l in logs.iter_mut() {
                *l = (*l - top).exp();
            }
            let z: f64 = logs.iter().sum();
            for (o, e) in dst.iter_mut().zip(&logs) {
                *o = (e / z) as f32;
            }
        }
        Ok(Dynamic::from(Matrix::new(m.rows(), m.cols(), out)))
    });
    def2(engine, host, "product", |h, a, b| {
        let (a, b) = (matrix(a, "a")?, matrix(b, "b")?);
        same_shape(&a, &b)?;
        check_probabilities(&a, "a")?;
        check_probabilities(&b, "b")?;
        h.produce(a.data().len())?;
        let k = a.cols().max(1);
        let mut out = vec![0.0f32; a.data().len()];
        let mut q = vec![0.0f64; k];
        for ((ra, rb), dst) in a.iter_rows().zip(b.iter_rows()).zip(out.chunks_exact_mut(k)) {
            for ((v, &x), &y) in q.iter_mut().zip(ra).zip(rb) {
                *v = f64::from(x) * f64::from(y);
            }
            let z: f64 = q.iter().sum();
            if z > 0.0 {
                for (o, v) in dst.iter_mut().zip(&q) {
                    *o = (v / z) as f32;
                }
            } else {
                // Both experts certain and disagreeing: the row keeps the first expert's opinion.
                dst.copy_from_slice(ra);
            }
        }
        Ok(Dynamic::from(Matrix::new(a.rows(), a.cols(), out)))
    });
    def1(engine, host, "normalise", |h, m| {
        let m = matrix(m, "m")?;
        check_probabilities(&m, "m")?;
        h.produce(m.data().len())?;
        rows_or_fail(&m, |i, row, out| normalise_into(row.iter().map(|&x| f64::from(x)), out, i))
            .map(Dynamic::from)
    });
    def1(engine, host, "class_balance", |h, m| {
        let m = matrix(m, "m")?;
        h.produce(m.cols())?;
        Ok(Dynamic::from_array(float_array(class_balance(&m))))
    });
    def1(engine, host, "column_means", |h, m| {
        let m = matrix(m, "m")?;
        h.produce(m.cols())?;
        let mut sums = vec![0.0; m.cols()];
        for row in m.iter_rows() {
            for (s, &x) in sums.iter_mut().zip(row) {
                *s += f64::from(x);
            }
        }
        Ok(Dynamic::from_array(float_array(sums.into_iter().map(|s| s / m.rows() as f64))))
    });
    def2(engine, host, "scale_columns", |h, m, s| {
        let m = matrix(m, "m")?;
        let s = floats(s, "s")?;
        if s.len() != m.cols() {
            return Err(bad(format!("s has {} values for {} columns", s.len(), m.cols())));
        }
        if let Some(x) = s.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
            return Err(bad(format!("s holds {x}; scales must be finite and non-negative")));
        }
        check_probabilities(&m, "m")?;
        h.produce(m.data().len())?;
        rows_or_fail(&m, |i, row, out| {
            normalise_into(row.iter().zip(&s).map(|(&x, s)| f64::from(x) * s), out, i)
        })
        .map(Dynamic::from)
    });
    def3(engine, host, "top_k_per_class", top_k_per_class);
    def2(engine, host, "one_hot", |h, i, k| {
        let (i, k) = (int(i, "i")?, int(k, "k")?);
        if k < 1 || !(0..k).contains(&i) {
            return Err(bad(format!("one_hot({i}, {k}): needs 0 <= i < k")));
        }
        h.produce(k as usize)?;
        Ok(Dynamic::from_array(one_hot(i as usize, k as usize)))
    });
    def2(engine, host, "uniform", |h, n, k| {
        let (n, k) = (int(n, "n")?, int(k, "k")?);
        if n < 1 || k < 1 {
            return Err(bad(format!("uniform({n}, {k}): needs n >= 1 and k >= 1")));
        }
        let len = (n as usize).checked_mul(k as usize).ok_or_else(|| bad("uniform: too large"))?;
        h.produce(len)?;
        Ok(Dynamic::from(Matrix::new(n as usize, k as usize, vec![1.0 / k as f32; len])))
    });

    // Masks: 1.0 where the comparison holds, else 0.0; `t` is a number or one value per element.
    def2(engine, host, "gt", |h, xs, t| compare(h, xs, t, |x, t| x > t));
    def2(engine, host, "ge", |h, xs, t| compare(h, xs, t, |x, t| x >= t));
    def2(engine, host, "lt", |h, xs, t| compare(h, xs, t, |x, t| x < t));
    def2(engine, host, "le", |h, xs, t| compare(h, xs, t, |x, t| x <= t));
    def2(engine, host, "eq", |h, xs, t| compare(h, xs, t, |x, t| x == t));

    // `take(xs, indices)`: `[xs[i] for i in indices]`.
    def2(engine, host, "take", |h, xs, indices| {
        let xs = floats(xs, "xs")?;
        let indices = floats(indices, "indices")?;
        h.produce(indices.len())?;
        let picked = indices
            .iter()
            .enumerate()
            .map(|(i, &index)| {
                if index.fract() == 0.0 && index >= 0.0 && index < xs.len() as f64 {
                    Ok(xs[index as usize])
                } else {
                    Err(bad(format!("indices[{i}] is {index}; xs has {} elements", xs.len())))
                }
            })
            .collect::<Result<Vec<f64>>>()?;
        Ok(Dynamic::from_array(float_array(picked)))
    });

    def2(engine, host, "quantile", |_, xs, q| {
        let mut xs = floats(xs, "xs")?;
        let q = number(q).ok_or_else(|| bad("q must be a number"))?;
        if !(0.0..=1.0).contains(&q) {
            return Err(bad(format!("q must be in 0..=1, not {q}")));
        }
        if xs.is_empty() {
            return Err(bad("the quantile of an empty array"));
        }
        if xs.iter().any(|x| x.is_nan()) {
            return Err(bad("xs holds NaN"));
        }
        xs.sort_by(f64::total_cmp);
        Ok(Dynamic::from_float(sorted_quantile(&xs, q)))
    });
    def3(engine, host, "class_quantiles", |h, xs, m, q| {
        let xs = floats(xs, "xs")?;
        let m = matrix(m, "m")?;
        let q = number(q).ok_or_else(|| bad("q must be a number"))?;
        if !(0.0..=1.0).contains(&q) {
            return Err(bad(format!("q must be in 0..=1, not {q}")));
        }
        if xs.len() != m.rows() {
            return Err(bad(format!("xs has {} values for {} rows", xs.len(), m.rows())));
        }
        if xs.iter().any(|x| x.is_nan()) {
            return Err(bad("xs holds NaN"));
        }
        h.produce(m.rows())?;
        let mut members: Vec<Vec<f64>> = vec![Vec::new(); m.cols()];
        for (row, &x) in m.iter_rows().zip(&xs) {
            members[argmax(row)].push(x);
        }
        Ok(Dynamic::from_array(
            members
                .into_iter()
                .map(|mut class| {
                    if class.is_empty() {
                        return Dynamic::UNIT;
                    }
                    class.sort_by(f64::total_cmp);
                    Dynamic::from_float(sorted_quantile(&class, q))
                })
                .collect(),
        ))
    });
    def1(engine, host, "mean", |_, xs| {
        let xs = floats(xs, "xs")?;
        if xs.is_empty() {
            return Err(bad("the mean of an empty array"));
        }
        Ok(Dynamic::from_float(xs.iter().sum::<f64>() / xs.len() as f64))
    });
    def1(engine, host, "sum", |_, xs| Ok(Dynamic::from_float(floats(xs, "xs")?.iter().sum())));
    def1(engine, host, "to_matrix", |h, m| {
        let m = matrix(m, "m")?;
        h.produce(m.data().len())?;
        Ok(Dynamic::from(m))
    });
}

/// `Matrix` as scripts see it: iterable by rows, indexable (`m[i]` is a row array; assigning
/// `m[i] = row` copies on write), `len()`, `rows`, `cols`, printable.
fn register_matrix(engine: &mut Engine, host: &Host) {
    engine.register_type_with_name::<Matrix>("Matrix");
    engine.register_iterator::<Matrix>();
    engine.register_fn("to_string", |m: &mut Matrix| format!("Matrix({} x {})", m.rows(), m.cols()));
    engine.register_fn("to_debug", |m: &mut Matrix| format!("Matrix({} x {})", m.rows(), m.cols()));
    engine.register_indexer_get(|ctx: NativeCallContext, m: &mut Matrix, i: INT| {
        let i = m.resolve_index(i).map_err(|e| HostError::BadArgument(e).into_eval(ctx.call_position()))?;
        Ok::<_, Box<EvalAltResult>>(m.row_array(i))
    });
    let h = host.clone();
    engine.register_indexer_set(move |ctx: NativeCallContext, m: &mut Matrix, i: INT, row: Array| {
        let fail = |e: Invalid| HostError::BadArgument(e).into_eval(ctx.call_position());
        let i = m.resolve_index(i).map_err(fail)?;
        // Writing a row of a matrix another value shares (`ctx.teacher`) copies all of it first.
        if m.is_shared() {
            h.at(ctx.call_position());
            let len = m.data().len();
            h.charge(len).and_then(|()| h.allocate(4 * len)).map_err(|e| e.into_eval(ctx.call_position()))?;
        }
        let values = crate::matrix::numbers(&row, "the new row").map_err(fail)?;
        if values.len() != m.cols() {
            return Err(fail(format!(
                "the new row has {} values; the matrix has {} columns",
                values.len(),
                m.cols()
            )));
        }
        m.set_row(i, &values.iter().map(|&x| x as f32).collect::<Vec<_>>());
        Ok(())
    });
    let counted = |name: &'static str| {
        let (host, id) = (host.clone(), AccessId::function(name));
        move || host.count(id)
    };
    let count = counted("len");
    engine.register_fn("len", move |m: &mut Matrix| {
        count();
        m.rows() as INT
    });
    let count = counted("is_empty");
    engine.register_fn("is_empty", move |m: &mut Matrix| {
        count();
        m.rows() == 0
    });
    let count = counted("rows");
    engine.register_get("rows", move |m: &mut Matrix| {
        count();
        m.rows() as INT
    });
    let count = counted("cols");
    engine.register_get("cols", move |m: &mut Matrix| {
        count();
        m.cols() as INT
    });
    let count = counted("to_array");
    let h = host.clone();
    engine.register_fn("to_array", move |ctx: NativeCallContext, m: &mut Matrix| {
        count();
        h.at(ctx.call_position());
        h.charge(m.data().len())
            .and_then(|()| h.produce(m.data().len() + m.rows()))
            .and_then(|()| h.check_deadline())
            .map_err(|e| e.into_eval(ctx.call_position()))?;
        Ok::<_, Box<EvalAltResult>>(m.to_array())
    });
}

// --- registration helpers: count the call, run the function, turn its error into Rhai's.

type Fn1 = fn(&HostState, &Dynamic) -> Result<Dynamic>;
type Fn2 = fn(&HostState, &Dynamic, &Dynamic) -> Result<Dynamic>;
type Fn3 = fn(&HostState, &Dynamic, &Dynamic, &Dynamic) -> Result<Dynamic>;

fn def1(engine: &mut Engine, host: &Host, name: &'static str, f: Fn1) {
    let (host, id) = (host.clone(), AccessId::function(name));
    engine.register_fn(name, move |ctx: NativeCallContext, a: Dynamic| {
        host.count(id);
        host.at(ctx.call_position());
        host.charge(input_size(&a))
            .and_then(|()| f(&host, &a))
            .and_then(|value| host.check_deadline().map(|()| value))
            .map_err(|e| named(e, name).into_eval(ctx.call_position()))
    });
}

fn def2(engine: &mut Engine, host: &Host, name: &'static str, f: Fn2) {
    let (host, id) = (host.clone(), AccessId::function(name));
    engine.register_fn(name, move |ctx: NativeCallContext, a: Dynamic, b: Dynamic| {
        host.count(id);
        host.at(ctx.call_position());
        host.charge(input_size(&a) + input_size(&b))
            .and_then(|()| f(&host, &a, &b))
            .and_then(|value| host.check_deadline().map(|()| value))
            .map_err(|e| named(e, name).into_eval(ctx.call_position()))
    });
}

fn def3(engine: &mut Engine, host: &Host, name: &'static str, f: Fn3) {
    let (host, id) = (host.clone(), AccessId::function(name));
    engine.register_fn(name, move |ctx: NativeCallContext, a: Dynamic, b: Dynamic, c: Dynamic| {
        host.count(id);
        host.at(ctx.call_position());
        host.charge(input_size(&a) + input_size(&b) + input_size(&c))
            .and_then(|()| f(&host, &a, &b, &c))
            .and_then(|value| host.check_deadline().map(|()| value))
            .map_err(|e| named(e, name).into_eval(ctx.call_position()))
    });
}

/// The values a host function reads from an argument: a matrix's entries, an array's elements
/// and its rows' (an array of rows is read whole), or 1. Charged before the call, so that a loop
/// over an expensive function pays for what each call scans, not one operation.
fn input_size(value: &Dynamic) -> usize {
    if let Some(m) = value.read_lock::<Matrix>() {
        return m.data().len();
    }
    match value.read_lock::<Array>() {
        Some(array) => {
            array.len()
                + array.iter().filter_map(|row| row.read_lock::<Array>().map(|r| r.len())).sum::<usize>()
        }
        None => 1,
    }
}

/// Prefixes a bad-argument message with the function's name.
fn named(e: HostError, name: &str) -> HostError {
    match e {
        HostError::BadArgument(message) => HostError::BadArgument(format!("{name}: {message}")),
        other => other,
    }
}

fn bad(message: impl Into<String>) -> HostError {
    HostError::BadArgument(message.into())
}

fn shape(value: &Dynamic, what: &str) -> Result<Shape> {
    Shape::of(value, what).map_err(HostError::BadArgument)
}

fn matrix(value: &Dynamic, what: &str) -> Result<Matrix> {
    matrix_arg(value, what).map_err(HostError::BadArgument)
}

fn floats(value: &Dynamic, what: &str) -> Result<Vec<f64>> {
    numbers_arg(value, what).map_err(HostError::BadArgument)
}

fn int(value: &Dynamic, what: &str) -> Result<INT> {
    value.as_int().map_err(|t| bad(format!("{what} must be an integer, not {t}")))
}

// --- the functions with more than a line of logic.

/// A row gives `f(row)`; a matrix an array of `f(row)` for every row.
fn per_row(host: &HostState, m: &Dynamic, what: &str, f: impl Fn(&[f64]) -> Dynamic) -> Result<Dynamic> {
    match shape(m, what)? {
        Shape::Row(row) => Ok(f(&row)),
        Shape::Matrix(m) => {
            host.produce(m.rows())?;
            let mut buffer = vec![0.0; m.cols()];
            let out: Array = m
                .iter_rows()
                .map(|row| {
                    for (b, &x) in buffer.iter_mut().zip(row) {
                        *b = f64::from(x);
                    }
                    f(&buffer)
                })
                .collect();
            Ok(Dynamic::from_array(out))
        }
    }
}

/// `(1 - c) * a + c * b`, with `c` one number or one per row, in `0..=1`.
fn mix(host: &HostState, a: &Dynamic, b: &Dynamic, c: &Dynamic) -> Result<Dynamic> {
    match (shape(a, "a")?, shape(b, "b")?) {
        (Shape::Row(a), Shape::Row(b)) => {
            if a.len() != b.len() {
                return Err(bad(format!("a has {} values, b {}", a.len(), b.len())));
            }
            let c = number(c).ok_or_else(|| bad("c must be a number when mixing two rows"))?;
            check_weight(c)?;
            host.produce(a.len())?;
            Ok(Dynamic::from_array(float_array(a.iter().zip(&b).map(|(x, y)| (1.0 - c) * x + c * y))))
        }
        (Shape::Matrix(a), Shape::Matrix(b)) => {
            same_shape(&a, &b)?;
            let c = PerRow::of(c, a.rows(), "c").map_err(HostError::BadArgument)?;
            if !c.all(|c| (0.0..=1.0).contains(&c)) {
                return Err(bad("c must be in 0..=1"));
            }
            host.produce(a.data().len())?;
            let k = a.cols().max(1);
            let out = a.data().iter().zip(b.data()).enumerate().map(|(index, (&x, &y))| {
                let c = c.get(index / k);
                ((1.0 - c) * f64::from(x) + c * f64::from(y)) as f32
            });
            Ok(Dynamic::from(Matrix::new(a.rows(), a.cols(), out.collect())))
        }
        _ => Err(bad("a and b must both be rows or both be matrices")),
    }
}

fn check_weight(c: f64) -> Result<()> {
    if (0.0..=1.0).contains(&c) { Ok(()) } else { Err(bad(format!("c must be in 0..=1, not {c}"))) }
}

/// The one-hot of each row's class when the rows are split among the classes in the proportions
/// `balance`: every (row, class) pair in decreasing order of `m`'s value, each row to the first
/// class that still has room; class `j` has room for `balance[j] / sum(balance) * n` rows
/// (rounded by largest remainder). For two classes this is Burns et al.'s threshold at the
/// teacher's positive rate.
fn harden_balanced(host: &HostState, m: &Dynamic, balance: &Dynamic) -> Result<Dynamic> {
    let m = matrix(m, "m")?;
    let balance = floats(balance, "balance")?;
    let (n, k) = (m.rows(), m.cols());
    if balance.len() != k {
        return Err(bad(format!("balance has {} values for {k} classes", balance.len())));
    }
    if balance.iter().any(|b| !(b.is_finite() && *b >= 0.0)) || balance.iter().sum::<f64>() <= 0.0 {
        return Err(bad("balance must be finite, non-negative and not all zero"));
    }
    if let Some(i) = m.data().iter().position(|x| !x.is_finite()) {
        return Err(bad(format!("m row {} is not finite", i / k)));
    }
    if u32::try_from(n * k).is_err() {
        return Err(bad("m is too large"));
    }
    // A pair's sort key sorts by decreasing value, then by position; all keys are distinct.
    host.produce(2 * n * k)?;
    let mut keys: Vec<u64> = m
        .data()
        .iter()
        .enumerate()
        .map(|(index, &x)| (u64::from(!sortable(x)) << 32) | index as u64)
        .collect();
    keys.sort_unstable();
    let mut room = quotas(&balance, n);
    let mut class = vec![usize::MAX; n];
    let mut left = n;
    for key in keys {
        let index = (key & 0xffff_ffff) as usize;
        let (i, j) = (index / k, index % k);
        if class[i] == usize::MAX && room[j] > 0 {
            class[i] = j;
            room[j] -= 1;
            left -= 1;
            if left == 0 {
                break;
            }
        }
    }
    let mut out = vec![0.0; n * k];
    for (i, &j) in class.iter().enumerate() {
        out[i * k + j] = 1.0;
    }
    Ok(Dynamic::from(Matrix::new(n, k, out)))
}

/// The `q`-quantile of sorted, non-empty `xs`: linear interpolation between the closest ranks
/// (numpy's default).
fn sorted_quantile(xs: &[f64], q: f64) -> f64 {
    let pos = q * (xs.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64)
}

/// `f32` bits that sort as the numbers do (for finite values).
fn sortable(x: f32) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 { !bits } else { bits | 1 << 31 }
}

/// `n` split in the proportions `weights`, rounded by largest remainder (ties to the lower class).
fn quotas(weights: &[f64], n: usize) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / total * n as f64).collect();
    let mut quota: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b))
    });
    let short = n.saturating_sub(quota.iter().sum());
    for &j in order.iter().cycle().take(short) {
        quota[j] += 1;
    }
    quota
}

/// A 0/1 mask keeping, among the rows whose argmax in `m` is class `j`, the `keep` with the
/// highest `scores` (ties to the lower row). `keep` is a count (integer) or a fraction of each
/// class's rows (float in `0..=1`, rounded up).
fn top_k_per_class(host: &HostState, scores: &Dynamic, m: &Dynamic, keep: &Dynamic) -> Result<Dynamic> {
    let scores = floats(scores, "scores")?;
    let m = matrix(m, "m")?;
    if scores.len() != m.rows() {
        return Err(bad(format!("scores has {} values for {} rows", scores.len(), m.rows())));
    }
    if scores.iter().any(|s| s.is_nan()) {
        return Err(bad("scores holds NaN"));
    }
    let keep = match (keep.as_int(), keep.as_float()) {
        (Ok(count), _) if count >= 0 => Keep::Count(count as usize),
        (_, Ok(fraction)) if (0.0..=1.0).contains(&fraction) => Keep::Fraction(fraction),
        _ => return Err(bad("k_per_class must be a count >= 0 or a fraction in 0..=1")),
    };
    host.produce(m.rows())?;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); m.cols()];
    for (i, row) in m.iter_rows().enumerate() {
        members[argmax(row)].push(i);
    }
    let mut mask = vec![0.0; m.rows()];
    for rows in &mut members {
        rows.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        let kept = match keep {
            Keep::Count(c) => c,
            Keep::Fraction(f) => (f * rows.len() as f64).ceil() as usize,
        };
        for &i in rows.iter().take(kept) {
            mask[i] = 1.0;
        }
    }
    Ok(Dynamic::from_array(float_array(mask)))
}

#[derive(Clone, Copy)]
enum Keep {
    Count(usize),
    Fraction(f64),
}

fn compare(host: &HostState, xs: &Dynamic, t: &Dynamic, holds: fn(f64, f64) -> bool) -> Result<Dynamic> {
    let xs = floats(xs, "xs")?;
    let t = PerRow::of(t, xs.len(), "t").map_err(HostError::BadArgument)?;
    host.produce(xs.len())?;
    Ok(Dynamic::from_array(float_array(
        xs.iter().enumerate().map(|(i, &x)| if holds(x, t.get(i)) { 1.0 } else { 0.0 }),
    )))
}

/// Builds a matrix of `m`'s shape row by row; `fill` writes row `i` into a zeroed row.
fn map_rows(m: &Matrix, fill: impl Fn(&[f32], &mut [f32])) -> Matrix {
    let mut out = vec![0.0; m.data().len()];
    for (row, dst) in m.iter_rows().zip(out.chunks_exact_mut(m.cols().max(1))) {
        fill(row, dst);
    }
    Matrix::new(m.rows(), m.cols(), out)
}

/// As [`map_rows`], where a row can fail.
fn rows_or_fail(m: &Matrix, fill: impl Fn(usize, &[f32], &mut [f32]) -> Result<()>) -> Result<Matrix> {
    let mut out = vec![0.0; m.data().len()];
    for (i, (row, dst)) in m.iter_rows().zip(out.chunks_exact_mut(m.cols().max(1))).enumerate() {
        fill(i, row, dst)?;
    }
    Ok(Matrix::new(m.rows(), m.cols(), out))
}

fn normalise_into(values: impl Iterator<Item = f64> + Clone, out: &mut [f32], row: usize) -> Result<()> {
    let z: f64 = values.clone().sum();
    if !(z.is_finite() && z > 0.0) {
        return Err(bad(format!("row {row} sums to {z}; it cannot be normalised")));
    }
    for (o, v) in out.iter_mut().zip(values) {
        *o = (v / z) as f32;
    }
    Ok(())
}

/// Entries must be finite and non-negative (what the probability functions assume).
fn check_probabilities(m: &Matrix, what: &str) -> Result<()> {
    match m.data().iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        None => Ok(()),
        Some(index) => {
            let (i, j) = (index / m.cols(), index % m.cols());
            Err(bad(format!(
                "{what} row {i} column {j} is {}; entries must be finite and >= 0",
                m.data()[index]
            )))
        }
    }
}

fn same_shape(a: &Matrix, b: &Matrix) -> Result<()> {
    if (a.rows(), a.cols()) == (b.rows(), b.cols()) {
        Ok(())
    } else {
        Err(bad(format!("shapes differ: {} x {} and {} x {}", a.rows(), a.cols(), b.rows(), b.cols())))
    }
}

// --- row kernels, generic over the matrix's f32 rows and script rows in f64.

/// Index of the largest entry (the first of equals; NaN never wins).
pub(crate) fn argmax<T: Copy + Into<f64>>(row: &[T]) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (j, &x) in row.iter().enumerate() {
        if x.into() > best.1 {
            best = (j, x.into());
        }
    }
    best.0
}

fn max(row: &[f64]) -> FLOAT {
    row.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn entropy(row: &[f64]) -> FLOAT {
    -row.iter().filter(|&&p| p > 0.0).map(|&p| p * p.ln()).sum::<f64>()
}

fn margin(row: &[f64]) -> FLOAT {
    let (mut first, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &p in row {
        if p > first {
            second = first;
            first = p;
        } else if p > second {
            second = p;
        }
    }
    if second == f64::NEG_INFINITY { first } else { first - second }
}

fn one_hot(i: usize, k: usize) -> Array {
    float_array((0..k).map(|j| if j == i { 1.0 } else { 0.0 }))
}

fn class_balance(m: &Matrix) -> Vec<f64> {
    let mut counts = vec![0usize; m.cols()];
    for row in m.iter_rows() {
        counts[argmax(row)] += 1;
    }
    counts.into_iter().map(|c| c as f64 / m.rows() as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_sum_to_n_and_follow_the_weights() {
        assert_eq!(quotas(&[0.5, 0.5], 3), vec![2, 1]);
        assert_eq!(quotas(&[1.0, 1.0, 1.0], 10), vec![4, 3, 3]);
        assert_eq!(quotas(&[0.0, 1.0], 7), vec![0, 7]);
        assert_eq!(quotas(&[0.2, 0.3, 0.5], 100), vec![20, 30, 50]);
    }

    #[test]
    fn sortable_keys_order_like_the_numbers() {
        let xs = [-2.0f32, -0.5, -0.0, 0.0, 1e-30, 0.25, 1.0, 7.0];
        for pair in xs.windows(2) {
            assert!(sortable(pair[0]) <= sortable(pair[1]), "{pair:?}");
        }
    }

    #[test]
    fn row_kernels() {
        assert_eq!(argmax(&[0.1f32, 0.7, 0.7]), 1);
        assert_eq!(margin(&[0.2, 0.5, 0.3]), 0.2);
        assert_eq!(margin(&[1.0]), 1.0);
        assert!((entropy(&[0.5, 0.5]) - std::f64::consts::LN_2).abs() < 1e-12);
    }
}
