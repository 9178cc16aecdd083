//! Small dense linear algebra for the handful of parameters our models have (Cholesky on
//! row-major `Vec<Vec<f64>>`). Pulling in a BLAS-backed crate for 4×4 systems would switch
//! ndarray's BLAS feature on for every user.
//!
//! # Finite results
//!
//! Every function returns `None` rather than a non-finite value: for a matrix that is not square,
//! not finite or not positive definite, a right-hand side of the wrong length or not finite, and
//! a solution or inverse that overflows `f64` (a pivot of 1e-300 against a right-hand side of
//! 1e300, say).

/// The Cholesky factor L (lower triangular, A = L Lᵀ) of a symmetric positive-definite matrix,
/// or `None` when `a` is not square, not finite, or not positive definite.
///
/// # Examples
///
/// ```
/// use customer_value::numeric::linalg::cholesky;
/// let l = cholesky(&[vec![4.0, 2.0], vec![2.0, 2.0]]).unwrap();
/// assert_eq!(l, vec![vec![2.0, 0.0], vec![1.0, 1.0]]);
/// assert!(cholesky(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
/// ```
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    if a.iter()
        .any(|row| row.len() != n || row.iter().any(|v| !v.is_finite()))
    {
        return None;
    }
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - dot;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - dot) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solves A x = b for symmetric positive-definite A, or `None` when A is not positive definite,
/// b has the wrong length, or x is not finite.
///
/// # Examples
///
/// ```
/// use customer_value::numeric::linalg::solve_spd;
/// let x = solve_spd(&[vec![4.0, 2.0], vec![2.0, 2.0]], &[2.0, 0.0]).unwrap();
/// assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] + 1.0).abs() < 1e-12);
/// assert_eq!(solve_spd(&[vec![1e-300]], &[1e300]), None); // x = 1e600
/// ```
pub fn solve_spd(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let l = cholesky(a)?;
    if b.len() != l.len() {
        return None;
    }
    finite(solve_with_factor(&l, b))
}

/// `Some(values)` when every value is finite.
fn finite(values: Vec<f64>) -> Option<Vec<f64>> {
    values.iter().all(|v| v.is_finite()).then_some(values)
}

fn solve_with_factor(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = l.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        let dot: f64 = (0..i).map(|k| l[i][k] * y[k]).sum();
        y[i] = (b[i] - dot) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let dot: f64 = (i + 1..n).map(|k| l[k][i] * x[k]).sum();
        x[i] = (y[i] - dot) / l[i][i];
    }
    x
}

/// The inverse of a symmetric positive-definite matrix, or `None` when it is not positive
/// definite or the inverse is not finite.
///
/// # Examples
///
/// ```
/// use customer_value::numeric::linalg::invert_spd;
/// let inv = invert_spd(&[vec![4.0, 0.0], vec![0.0, 16.0]]).unwrap();
/// assert_eq!(inv, vec![vec![0.25, 0.0], vec![0.0, 0.0625]]);
/// assert_eq!(invert_spd(&[vec![5e-324]]), None); // 1 / 5e-324 overflows
/// ```
pub fn invert_spd(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let l = cholesky(a)?;
    let n = l.len();
    let mut inv = vec![vec![0.0; n]; n];
    for j in 0..n {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        let col = finite(solve_with_factor(&l, &e))?;
        for i in 0..n {
            inv[i][j] = col[i];
        }
    }
    Some(inv)
}
