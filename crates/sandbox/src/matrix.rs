//! The `Matrix` a method sees `ctx.teacher` and `ctx.student` as, and the conversions between
//! script values and plain numbers that every host function goes through.
//!
//! A matrix is `n x k` row-major `f32` behind an `Arc`: handing `ctx.teacher` to the script,
//! assigning it, passing it to a host function or returning it costs a reference count, not a
//! copy of `n * k` values. To scripts it also behaves like the array of row arrays the method API
//! promised before it existed (`for row in m`, `m[i]`, `m[i][j]`, `m.len()`), so both forms are
//! accepted wherever a matrix is.

use std::sync::Arc;

use rhai::{Array, Dynamic, FLOAT, INT};

/// Why a value is not what a host function (or the engine) needs. The message names the value.
pub(crate) type Invalid = String;

#[derive(Debug, Clone)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Arc<Vec<f32>>,
}

impl Matrix {
    /// `data` is row-major `rows x cols`.
    pub(crate) fn new(rows: usize, cols: usize, data: Vec<f32>) -> Matrix {
        debug_assert_eq!(data.len(), rows * cols);
        Matrix { rows, cols, data: Arc::new(data) }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    pub(crate) fn data(&self) -> &[f32] {
        &self.data
    }

    pub(crate) fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    pub(crate) fn iter_rows(&self) -> std::slice::ChunksExact<'_, f32> {
        // `max(1)`: a matrix with zero columns has no data, and chunks of 0 would panic.
        self.data.chunks_exact(self.cols.max(1))
    }

    /// Whether both are the same data (not a copy): how the host recognises `ctx.teacher`
    /// returned unchanged.
    pub(crate) fn same_data(&self, other: &Matrix) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }

    pub(crate) fn into_vec(self) -> Vec<f32> {
        Arc::unwrap_or_clone(self.data)
    }

    /// Row `i` as a script array of floats.
    pub(crate) fn row_array(&self, i: usize) -> Array {
        self.row(i).iter().map(|&x| Dynamic::from_float(FLOAT::from(x))).collect()
    }

    /// Resolves a script index (negative counts from the end, as for arrays).
    pub(crate) fn resolve_index(&self, index: INT) -> Result<usize, Invalid> {
        let n = self.rows as INT;
        let i = if index < 0 { index + n } else { index };
        if (0..n).contains(&i) {
            Ok(i as usize)
        } else {
            Err(format!("row index {index} is out of bounds for a matrix of {} rows", self.rows))
        }
    }

    /// Whether other values hold the same data: writing to this one then copies it.
    pub(crate) fn is_shared(&self) -> bool {
        Arc::strong_count(&self.data) > 1
    }

    /// Replaces row `i` (copy-on-write: other holders of the data keep theirs).
    pub(crate) fn set_row(&mut self, i: usize, values: &[f32]) {
        let cols = self.cols;
        Arc::make_mut(&mut self.data)[i * cols..(i + 1) * cols].copy_from_slice(values);
    }

    /// Reads an array of `rows` arrays of `cols` numbers; `what` names it in errors.
    pub(crate) fn from_array(array: &Array, what: &str) -> Result<Matrix, Invalid> {
        let Some(first) = array.first() else {
            return Err(format!("{what} is an empty array; a matrix needs at least one row"));
        };
        let cols = match first.read_lock::<Array>() {
            Some(row) => row.len(),
            None => return Err(format!("{what} row 0 is {}, not an array of numbers", first.type_name())),
        };
        let mut data = Vec::with_capacity(array.len() * cols);
        for (i, row) in array.iter().enumerate() {
            let Some(row) = row.read_lock::<Array>() else {
                return Err(format!("{what} row {i} is {}, not an array of numbers", row.type_name()));
            };
            if row.len() != cols {
                return Err(format!("{what} row {i} has {} values, row 0 has {cols}", row.len()));
            }
            for (j, x) in row.iter().enumerate() {
                data.push(
                    number(x).ok_or_else(|| {
                        format!("{what} row {i} column {j} is {}, not a number", x.type_name())
                    })? as f32,
                );
            }
        }
        Ok(Matrix::new(array.len(), cols, data))
    }

    /// The matrix as a script array of row arrays.
    pub(crate) fn to_array(&self) -> Array {
        (0..self.rows).map(|i| Dynamic::from_array(self.row_array(i))).collect()
    }
}

/// `for row in m`: rows as script arrays.
impl IntoIterator for Matrix {
    type Item = Array;
    type IntoIter = Rows;
    fn into_iter(self) -> Rows {
        Rows { matrix: self, next: 0 }
    }
}

#[derive(Debug, Clone)]
pub struct Rows {
    matrix: Matrix,
    next: usize,
}

impl Iterator for Rows {
    type Item = Array;
    fn next(&mut self) -> Option<Array> {
        (self.next < self.matrix.rows).then(|| {
            self.next += 1;
            self.matrix.row_array(self.next - 1)
        })
    }
}

/// A script number (integer or float) as `f64`.
pub(crate) fn number(value: &Dynamic) -> Option<f64> {
    value.as_float().ok().or_else(|| value.as_int().ok().map(|i| i as f64))
}

/// An array of numbers; `what` names it in errors.
pub(crate) fn numbers(array: &Array, what: &str) -> Result<Vec<f64>, Invalid> {
    array
        .iter()
        .enumerate()
        .map(|(i, x)| number(x).ok_or_else(|| format!("{what}[{i}] is {}, not a number", x.type_name())))
        .collect()
}

/// What a host function was given where a row or a matrix is accepted.
pub(crate) enum Shape {
    /// One probability row: an array of numbers.
    Row(Vec<f64>),
    /// A matrix, or an array of row arrays.
    Matrix(Matrix),
}

impl Shape {
    pub(crate) fn of(value: &Dynamic, what: &str) -> Result<Shape, Invalid> {
        if let Some(m) = value.read_lock::<Matrix>() {
            return Ok(Shape::Matrix(m.clone()));
        }
        let Some(array) = value.read_lock::<Array>() else {
            return Err(format!("{what} is {}; expected a matrix or an array", value.type_name()));
        };
        match array.first() {
            None => Err(format!("{what} is an empty array")),
            Some(first) if first.is_array() => Matrix::from_array(&array, what).map(Shape::Matrix),
            Some(_) => numbers(&array, what).map(Shape::Row),
        }
    }
}

/// A matrix argument (a `Matrix` or an array of row arrays).
pub(crate) fn matrix_arg(value: &Dynamic, what: &str) -> Result<Matrix, Invalid> {
    if let Some(m) = value.read_lock::<Matrix>() {
        return Ok(m.clone());
    }
    match value.read_lock::<Array>() {
        Some(array) => Matrix::from_array(&array, what),
        None => Err(format!("{what} is {}; expected a matrix or an array of rows", value.type_name())),
    }
}

/// An array-of-numbers argument.
pub(crate) fn numbers_arg(value: &Dynamic, what: &str) -> Result<Vec<f64>, Invalid> {
    match value.read_lock::<Array>() {
        Some(array) => numbers(&array, what),
        None => Err(format!("{what} is {}; expected an array of numbers", value.type_name())),
    }
}

/// A number, or an array of `n` numbers: one value per row.
pub(crate) enum PerRow {
    All(f64),
    Each(Vec<f64>),
}

impl PerRow {
    pub(crate) fn of(value: &Dynamic, n: usize, what: &str) -> Result<PerRow, Invalid> {
        if let Some(x) = number(value) {
            return Ok(PerRow::All(x));
        }
        let each = numbers_arg(value, what)?;
        if each.len() != n {
            return Err(format!("{what} has {} values for {n} rows", each.len()));
        }
        Ok(PerRow::Each(each))
    }

    pub(crate) fn get(&self, i: usize) -> f64 {
        match self {
            PerRow::All(x) => *x,
            PerRow::Each(xs) => xs[i],
        }
    }

    pub(crate) fn all(&self, mut ok: impl FnMut(f64) -> bool) -> bool {
        match self {
            PerRow::All(x) => ok(*x),
            PerRow::Each(xs) => xs.iter().all(|&x| ok(x)),
        }
    }
}

pub(crate) fn float_array(values: impl IntoIterator<Item = f64>) -> Array {
    values.into_iter().map(Dynamic::from_float).collect()
}
