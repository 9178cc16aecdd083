//! Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan 2013,
//! *Matrix Computations*, 4th ed., §8.5, cyclic Jacobi). The driver correlation matrices here are at most a
//! few dozen rows, where Jacobi is accurate to machine precision and needs no external crate.

/// Eigenvalues and eigenvectors of a symmetric matrix: `values[k]` belongs to the column
/// `vectors[·][k]`, so A = V diag(values) Vᵀ.
pub(crate) struct SymmetricEigen {
    pub values: Vec<f64>,
    pub vectors: Vec<Vec<f64>>,
}

// Each rotation updates two rows and two columns at once, which reads clearest with indices.
#[allow(clippy::needless_range_loop)]
/// Decomposes the symmetric matrix `a` (only its values are read; it is copied, never changed).
pub(crate) fn symmetric_eigen(a: &[Vec<f64>]) -> SymmetricEigen {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a.to_vec();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let scale: f64 = m.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i][j] * m[i][j])
            .sum::<f64>()
            .sqrt();
        if off <= f64::EPSILON * scale.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if m[p][q] == 0.0 {
                    continue;
                }
                // The rotation angle that zeroes m[p][q] (the symmetric Schur decomposition of Golub & Van Loan, §8.5).
                let tau = (m[q][q] - m[p][p]) / (2.0 * m[p][q]);
                let t = tau.signum() / (tau.abs() + (1.0 + tau * tau).sqrt());
                let t = if tau == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (mkp, mkq) = (m[k][p], m[k][q]);
                    m[k][p] = c * mkp - s * mkq;
                    m[k][q] = s * mkp + c * mkq;
                }
                for k in 0..n {
                    let (mpk, mqk) = (m[p][k], m[q][k]);
                    m[p][k] = c * mpk - s * mqk;
                    m[q][k] = s * mpk + c * mqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    SymmetricEigen {
        values: (0..n).map(|i| m[i][i]).collect(),
        vectors: v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::needless_range_loop)] // i and j index both the matrix and the eigenvectors
    fn reconstructs_the_matrix() {
        let a = vec![
            vec![1.0, 0.5, 0.3],
            vec![0.5, 1.0, 0.2],
            vec![0.3, 0.2, 1.0],
        ];
        let e = symmetric_eigen(&a);
        for i in 0..3 {
            for j in 0..3 {
                let rebuilt: f64 = (0..3)
                    .map(|k| e.vectors[i][k] * e.values[k] * e.vectors[j][k])
                    .sum();
                assert!((rebuilt - a[i][j]).abs() < 1e-12);
            }
        }
        // numpy.linalg.eigvalsh(a) = [0.48716053, 0.82893084, 1.68390863] (sum = trace = 3).
        let mut values = e.values.clone();
        values.sort_by(f64::total_cmp);
        assert!((values.iter().sum::<f64>() - 3.0).abs() < 1e-12);
        assert!((values[0] - 0.48716053).abs() < 1e-8);
        assert!((values[2] - 1.68390863).abs() < 1e-8);
    }

    #[test]
    fn two_by_two() {
        let e = symmetric_eigen(&[vec![1.0, 0.5], vec![0.5, 1.0]]);
        let mut values = e.values.clone();
        values.sort_by(f64::total_cmp);
        assert!((values[0] - 0.5).abs() < 1e-14 && (values[1] - 1.5).abs() < 1e-14);
    }
}
