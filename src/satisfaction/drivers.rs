//! Key-driver analysis: what moves overall satisfaction, and where to act.

use ndarray::ArrayView2;

use super::correlation::{complete_columns, Correlation, CorrelationMethod};
use super::eigen::{symmetric_eigen, SymmetricEigen};
use super::scale;
use super::{invalid, Result, SatisfactionError};
use crate::numeric::linalg::solve_spd;

/// Drivers count as collinear when an eigenvalue of their correlation matrix is at most this
/// fraction of the largest (condition number above 10¹⁰). Two identical columns give a correlation
/// of 1 − 2⁻⁵² rather than 1 after rounding, so an exact zero test passed them on and the solve
/// returned betas of ±10¹⁵ and a meaningless R²; at a condition number of 10¹⁰ the betas keep about
/// six correct digits.
const COLLINEAR_EIGENVALUE_RATIO: f64 = 1e-10;

/// In a near-null eigenvector, a driver whose component is at least this large takes part in the
/// linear dependence; the components of uninvolved drivers are rounding noise (~10⁻¹⁵).
const COLLINEAR_COMPONENT: f64 = 1e-6;

/// Shapley/LMG values are computed exactly (all 2^p subsets of drivers) up to this many drivers;
/// past it they are `None` (2^p R² fits grow too fast) and Johnson's relative weights, which agree
/// closely with LMG in practice (Johnson 2000), remain available.
pub const MAX_EXACT_SHAPLEY_DRIVERS: usize = 15;

/// Where a driver sits on the importance–performance grid (Martilla & James 1977, *Journal of
/// Marketing* 41(1)), split at the mean importance and the mean performance (a value equal to the
/// mean counts as high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Quadrant {
    /// High importance, high performance: keep up the good work.
    KeepUpTheGoodWork,
    /// High importance, low performance: concentrate here.
    ConcentrateHere,
    /// Low importance, low performance: low priority.
    LowPriority,
    /// Low importance, high performance: possible overkill.
    PossibleOverkill,
}

/// One driver's importance measures, performance and quadrant.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DriverImportance {
    /// The driver's column in the input (drivers are reported in input order).
    pub driver: usize,
    /// Pearson correlation with the overall score.
    pub correlation: f64,
    /// Standardised OLS coefficient β = R_xx⁻¹ r_xy.
    pub beta: f64,
    /// Johnson's relative weight ε (raw; the weights sum to R²).
    pub relative_weight: f64,
    /// Relative weight as a share of R² (the shares sum to 1).
    pub relative_weight_share: f64,
    /// Shapley/LMG value (raw; the values sum to R²); `None` past [`MAX_EXACT_SHAPLEY_DRIVERS`].
    pub shapley: Option<f64>,
    /// Shapley/LMG value as a share of R²; `None` past [`MAX_EXACT_SHAPLEY_DRIVERS`].
    pub shapley_share: Option<f64>,
    /// Performance: the driver's mean score (0 when built from correlations without means).
    pub performance: f64,
    /// Importance (relative-weight share) against performance.
    pub quadrant: Quadrant,
}

/// Key-driver analysis of an overall score against driver items.
///
/// - Correlation and standardised β from the correlation matrix.
/// - Johnson's relative weights (Johnson 2000, *Multivariate Behavioral Research* 35(1)):
///   with R_xx = V Λ Vᵀ, Λ* = V Λ^{1/2} Vᵀ and β* = Λ*⁻¹ r_xy, driver j's weight is
///   ε_j = Σ_k Λ*_{jk}² β*_k²; they sum to R². The eigen-decomposition uses Jacobi rotations.
/// - Shapley/LMG values (Lindeman, Merenda & Gold 1980; Grömping 2006, *J. Stat. Software* 17(1)):
///   driver j's R² gain averaged over all orders of entry,
///   Σ_{S ⊆ others} |S|!(p − |S| − 1)!/p! · (R²(S ∪ {j}) − R²(S)); they sum to R².
/// - Quadrant: importance = relative-weight share, performance = driver mean.
///
/// # Examples
///
/// ```
/// use customer_value::satisfaction::KeyDrivers;
/// // REFERENCE.md: r12 = 0.5, r1y = 0.6, r2y = 0.4.
/// let drivers = KeyDrivers::from_correlations(
///     &[vec![1.0, 0.5], vec![0.5, 1.0]],
///     &[0.6, 0.4],
///     &[4.1, 3.2],
/// )?;
/// assert!((drivers.r_squared() - 0.3733).abs() < 1e-4);
/// let first = &drivers.drivers()[0];
/// assert!((first.shapley.unwrap() - 0.2867).abs() < 1e-4);
/// assert!((first.shapley_share.unwrap() - 0.7679).abs() < 1e-4);
/// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
/// ```
///
/// Read back with serde, the fields are checked: at least one driver, numbered 0, 1, … in order, R²
/// in (0, 1], the mean importance 1/p, correlations in −1…1 and every other figure finite.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "KeyDriversData")
)]
pub struct KeyDrivers {
    respondents: Option<usize>,
    r_squared: f64,
    mean_importance: f64,
    mean_performance: f64,
    drivers: Vec<DriverImportance>,
}

impl KeyDrivers {
    /// Analyses `overall` (one answer per respondent) against `drivers` (respondents × driver items).
    /// A respondent with a `NaN` overall or driver answer is dropped (listwise deletion).
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::KeyDrivers;
    /// use ndarray::array;
    /// let drivers = array![[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0], [5.0, 5.0], [2.0, 2.0]];
    /// let overall = [1.5, 1.6, 3.4, 3.6, 5.0, 2.1];
    /// let analysis = KeyDrivers::analyse(&overall, drivers.view())?;
    /// let total: f64 = analysis.drivers().iter().map(|d| d.relative_weight).sum();
    /// assert!((total - analysis.r_squared()).abs() < 1e-12);
    /// assert_eq!(analysis.respondents(), Some(6));
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::LengthMismatch`] when `overall` and the rows of `drivers` differ in number;
    /// [`SatisfactionError::TooFewItems`] for no driver columns; [`SatisfactionError::NonFinite`] for an
    /// infinite answer (with its row); [`SatisfactionError::TooFewRespondents`] with fewer complete
    /// respondents than drivers + 2; [`SatisfactionError::ZeroVariance`] naming a constant overall score
    /// or driver; [`SatisfactionError::SingularDrivers`] naming the drivers that are collinear (e.g.
    /// two identical columns); [`SatisfactionError::ZeroVariance`] (name "the part of the overall
    /// score the drivers explain (R² = 0)") when R² is 0, so shares are undefined. Answers may be any
    /// finite numbers: correlations do not depend on their scale, and means are computed without
    /// overflow.
    pub fn analyse(overall: &[f64], drivers: ArrayView2<f64>) -> Result<KeyDrivers> {
        let columns = complete_answers(overall, drivers)?;
        let p = drivers.ncols();
        let (rxx, rxy) = pearson_correlations(&columns)?;
        // Rows are in canonical order (see `complete_columns`), so the means are order-free.
        let n = columns[p].len();
        let means: Vec<f64> = columns[..p]
            .iter()
            .map(|column| scale::mean(column))
            .collect();
        let mut result = Self::from_correlations(&rxx, &rxy, &means)?;
        result.respondents = Some(n);
        Ok(result)
    }

    /// Key drivers from a driver correlation matrix `driver_correlations` (p × p), the drivers'
    /// correlations with the overall score `overall_correlations` (p) and the drivers' mean scores
    /// `performance` (p), e.g. from published tables.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::satisfaction::{KeyDrivers, Quadrant};
    /// let drivers = KeyDrivers::from_correlations(
    ///     &[vec![1.0, 0.3, 0.2], vec![0.3, 1.0, 0.4], vec![0.2, 0.4, 1.0]],
    ///     &[0.6, 0.5, 0.2],
    ///     &[3.1, 4.2, 3.9],
    /// )?;
    /// let shapley: f64 = drivers.drivers().iter().map(|d| d.shapley.unwrap()).sum();
    /// assert!((shapley - drivers.r_squared()).abs() < 1e-12);
    /// assert_eq!(drivers.drivers()[0].quadrant, Quadrant::ConcentrateHere);
    /// assert_eq!(drivers.respondents(), None);
    /// # Ok::<(), customer_value::satisfaction::SatisfactionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SatisfactionError::TooFewItems`] for no drivers; [`SatisfactionError::LengthMismatch`] when the
    /// shapes disagree; [`SatisfactionError::InvalidParameter`] for a correlation outside −1…1 or not
    /// finite, a diagonal other than 1, an asymmetric matrix, a non-finite performance, or correlations
    /// implying R² above 1; [`SatisfactionError::SingularDrivers`] naming the collinear drivers when
    /// the matrix is (to a condition number of 10¹⁰) not positive definite;
    /// [`SatisfactionError::ZeroVariance`] (name "the part of the overall score the drivers explain
    /// (R² = 0)") when R² is 0.
    pub fn from_correlations(
        driver_correlations: &[Vec<f64>], overall_correlations: &[f64], performance: &[f64],
    ) -> Result<KeyDrivers> {
        check_correlations(driver_correlations, overall_correlations, performance)?;
        let p = driver_correlations.len();
        let eigen = symmetric_eigen(driver_correlations);
        check_collinearity(&eigen)?;
        let singular = || SatisfactionError::SingularDrivers {
            drivers: weakest_dependence(&eigen),
        };
        let (beta, r_squared) = explained_variance(driver_correlations, overall_correlations)
            .ok_or_else(singular)??;
        let relative = relative_weights(&eigen, overall_correlations);
        let shapley = (p <= MAX_EXACT_SHAPLEY_DRIVERS)
            .then(|| shapley_values(driver_correlations, overall_correlations).ok_or_else(singular))
            .transpose()?;
        let mean_importance = 1.0 / p as f64;
        let mean_performance = scale::mean(performance);
        let drivers = (0..p)
            .map(|j| {
                let relative_weight_share = relative[j] / r_squared;
                DriverImportance {
                    driver: j,
                    correlation: overall_correlations[j],
                    beta: beta[j],
                    relative_weight: relative[j],
                    relative_weight_share,
                    shapley: shapley.as_ref().map(|s| s[j]),
                    shapley_share: shapley.as_ref().map(|s| s[j] / r_squared),
                    performance: performance[j],
                    quadrant: Quadrant::of(
                        relative_weight_share >= mean_importance,
                        performance[j] >= mean_performance,
                    ),
                }
            })
            .collect();
        Ok(KeyDrivers {
            respondents: None,
            r_squared,
            mean_importance,
            mean_performance,
            drivers,
        })
    }

    /// Complete respondents used; `None` when built from correlations.
    pub fn respondents(&self) -> Option<usize> {
        self.respondents
    }
    /// R² of the standardised regression of the overall score on all drivers.
    pub fn r_squared(&self) -> f64 {
        self.r_squared
    }
    /// Per driver, in input order.
    pub fn drivers(&self) -> &[DriverImportance] {
        &self.drivers
    }
    /// The importance split of the quadrant: the mean relative-weight share, 1/p.
    pub fn mean_importance(&self) -> f64 {
        self.mean_importance
    }
    /// The performance split of the quadrant: the mean of the drivers' mean scores.
    pub fn mean_performance(&self) -> f64 {
        self.mean_performance
    }
}

impl Quadrant {
    /// The quadrant of a driver of high or low importance and high or low performance.
    fn of(important: bool, performing: bool) -> Self {
        match (important, performing) {
            (true, true) => Quadrant::KeepUpTheGoodWork,
            (true, false) => Quadrant::ConcentrateHere,
            (false, false) => Quadrant::LowPriority,
            (false, true) => Quadrant::PossibleOverkill,
        }
    }
}

/// The fields of [`KeyDrivers`] as read, before the checks of [`KeyDrivers::try_from`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct KeyDriversData {
    respondents: Option<usize>,
    r_squared: f64,
    mean_importance: f64,
    mean_performance: f64,
    drivers: Vec<DriverImportance>,
}

#[cfg(feature = "serde")]
impl TryFrom<KeyDriversData> for KeyDrivers {
    type Error = SatisfactionError;

    /// Accepts what the constructors can produce (see the type's docs).
    fn try_from(data: KeyDriversData) -> Result<KeyDrivers> {
        let p = data.drivers.len();
        if p == 0 {
            return Err(no_drivers());
        }
        if !(data.r_squared > 0.0 && data.r_squared <= 1.0 + 1e-9) {
            return Err(invalid("r_squared", data.r_squared, "R² lies in (0, 1]"));
        }
        if (data.mean_importance * p as f64 - 1.0).abs() > 1e-9 {
            return Err(invalid(
                "mean_importance",
                data.mean_importance,
                "the mean importance is 1 / (number of drivers)",
            ));
        }
        if !data.mean_performance.is_finite() {
            return Err(invalid(
                "mean_performance",
                data.mean_performance,
                "is finite",
            ));
        }
        for (position, d) in data.drivers.iter().enumerate() {
            check_driver(position, d)?;
        }
        Ok(KeyDrivers {
            respondents: data.respondents,
            r_squared: data.r_squared,
            mean_importance: data.mean_importance,
            mean_performance: data.mean_performance,
            drivers: data.drivers,
        })
    }
}

/// One driver read back: numbered by its position, a correlation in −1…1, finite figures.
#[cfg(feature = "serde")]
fn check_driver(position: usize, d: &DriverImportance) -> Result<()> {
    if d.driver != position {
        return Err(invalid(
            "driver",
            d.driver as f64,
            "drivers are numbered 0, 1, … in order",
        ));
    }
    if !(-1.0..=1.0).contains(&d.correlation) {
        return Err(invalid(
            "correlation",
            d.correlation,
            "a correlation lies in -1..=1",
        ));
    }
    let figures = [
        ("beta", Some(d.beta)),
        ("relative_weight", Some(d.relative_weight)),
        ("relative_weight_share", Some(d.relative_weight_share)),
        ("shapley", d.shapley),
        ("shapley_share", d.shapley_share),
        ("performance", Some(d.performance)),
    ];
    match figures
        .into_iter()
        .find(|(_, v)| v.is_some_and(|v| !v.is_finite()))
    {
        Some((name, Some(value))) => Err(invalid(name, value, "is finite")),
        _ => Ok(()),
    }
}

/// The overall score and the drivers as complete columns (drivers first, the overall score last),
/// after listwise deletion, with enough respondents and no constant column.
fn complete_answers(overall: &[f64], drivers: ArrayView2<f64>) -> Result<Vec<Vec<f64>>> {
    if overall.len() != drivers.nrows() {
        return Err(SatisfactionError::LengthMismatch {
            name: "overall",
            expected: drivers.nrows(),
            found: overall.len(),
        });
    }
    let p = drivers.ncols();
    if p == 0 {
        return Err(no_drivers());
    }
    // Overall score as the last column, so listwise deletion covers it too.
    let combined = ndarray::Array2::from_shape_fn((drivers.nrows(), p + 1), |(row, column)| {
        if column == p {
            overall[row]
        } else {
            drivers[[row, column]]
        }
    });
    let columns = complete_columns(combined.view())?;
    let n = columns[p].len();
    if n < p + 2 {
        return Err(SatisfactionError::TooFewRespondents {
            statistic: "key-driver analysis (drivers + 2)",
            needed: p + 2,
            found: n,
        });
    }
    // Check variances first so the error names the constant column, whatever its pairing.
    for (j, column) in columns.iter().enumerate() {
        let first = column[0];
        if column.iter().all(|&v| v == first) {
            return Err(SatisfactionError::ZeroVariance {
                name: column_name(j, p),
            });
        }
    }
    Ok(columns)
}

/// "overall" for the last of p + 1 columns, "driver j" for the others.
fn column_name(j: usize, p: usize) -> String {
    if j == p {
        "overall".to_string()
    } else {
        format!("driver {j}")
    }
}

/// Pearson correlations among the drivers (R_xx) and of each driver with the overall score (r_xy),
/// from complete columns with the overall score last.
fn pearson_correlations(columns: &[Vec<f64>]) -> Result<(Vec<Vec<f64>>, Vec<f64>)> {
    let p = columns.len() - 1;
    let pearson = |i: usize, j: usize| {
        Correlation::from_complete(
            &columns[i],
            &columns[j],
            CorrelationMethod::Pearson,
            &column_name(i, p),
            &column_name(j, p),
        )
        .map(|c| c.coefficient())
    };
    let mut rxx = vec![vec![1.0; p]; p];
    for (i, j) in (0..p).flat_map(|i| (i + 1..p).map(move |j| (i, j))) {
        let r = pearson(i, j)?;
        rxx[i][j] = r;
        rxx[j][i] = r;
    }
    let rxy = (0..p)
        .map(|j| pearson(j, p))
        .collect::<Result<Vec<f64>>>()?;
    Ok((rxx, rxy))
}

/// Checks the shapes and values given to [`KeyDrivers::from_correlations`].
fn check_correlations(
    driver_correlations: &[Vec<f64>], overall_correlations: &[f64], performance: &[f64],
) -> Result<()> {
    let p = driver_correlations.len();
    if p == 0 {
        return Err(no_drivers());
    }
    for (name, found) in [
        ("overall_correlations", overall_correlations.len()),
        ("performance", performance.len()),
    ]
    .into_iter()
    .chain(
        driver_correlations
            .iter()
            .map(|row| ("driver_correlations row", row.len())),
    ) {
        if found != p {
            return Err(SatisfactionError::LengthMismatch {
                name,
                expected: p,
                found,
            });
        }
    }
    let is_correlation = |r: f64| r.is_finite() && (-1.0..=1.0).contains(&r);
    for i in 0..p {
        if driver_correlations[i][i] != 1.0 {
            return Err(invalid(
                "driver_correlations",
                driver_correlations[i][i],
                "the diagonal of a correlation matrix is 1",
            ));
        }
        for (j, &r) in driver_correlations[i].iter().enumerate() {
            if !is_correlation(r) {
                return Err(invalid(
                    "driver_correlations",
                    r,
                    "a correlation lies in -1..=1",
                ));
            }
            if (r - driver_correlations[j][i]).abs() > 1e-12 {
                return Err(invalid(
                    "driver_correlations",
                    r,
                    "a correlation matrix is symmetric",
                ));
            }
        }
        let r = overall_correlations[i];
        if !is_correlation(r) {
            return Err(invalid(
                "overall_correlations",
                r,
                "a correlation lies in -1..=1",
            ));
        }
        if !performance[i].is_finite() {
            return Err(invalid("performance", performance[i], "must be finite"));
        }
    }
    Ok(())
}

/// Key-driver analysis needs at least one driver.
fn no_drivers() -> SatisfactionError {
    SatisfactionError::TooFewItems {
        statistic: "key-driver analysis",
        needed: 1,
        found: 0,
    }
}

/// Fails naming the collinear drivers when an eigenvalue of R_xx is at most
/// [`COLLINEAR_EIGENVALUE_RATIO`] of the largest.
fn check_collinearity(eigen: &SymmetricEigen) -> Result<()> {
    let largest = eigen.values.iter().fold(0.0_f64, |m, &l| m.max(l));
    let cutoff = COLLINEAR_EIGENVALUE_RATIO * largest;
    if eigen.values.iter().all(|&l| l > cutoff) {
        return Ok(());
    }
    Err(SatisfactionError::SingularDrivers {
        drivers: dependent_drivers(eigen, cutoff),
    })
}

/// The drivers with a component of at least [`COLLINEAR_COMPONENT`] in an eigenvector whose
/// eigenvalue is at most `cutoff`: those in some linear dependence (ascending).
fn dependent_drivers(eigen: &SymmetricEigen, cutoff: f64) -> Vec<usize> {
    let near_null: Vec<usize> = (0..eigen.values.len())
        .filter(|&k| eigen.values[k] <= cutoff)
        .collect();
    (0..eigen.vectors.len())
        .filter(|&j| {
            near_null
                .iter()
                .any(|&k| eigen.vectors[j][k].abs() >= COLLINEAR_COMPONENT)
        })
        .collect()
}

/// The drivers of the weakest direction (smallest eigenvalue), for a solve that fails although the
/// eigenvalues passed [`check_collinearity`].
fn weakest_dependence(eigen: &SymmetricEigen) -> Vec<usize> {
    let smallest = eigen.values.iter().fold(f64::INFINITY, |m, &l| m.min(l));
    dependent_drivers(eigen, smallest)
}

/// The standardised coefficients β = R_xx⁻¹ r_xy and R² = βᵀ r_xy, checked to lie in (0, 1];
/// `None` when the Cholesky solve fails.
fn explained_variance(rxx: &[Vec<f64>], rxy: &[f64]) -> Option<Result<(Vec<f64>, f64)>> {
    let beta = solve_spd(rxx, rxy)?;
    let r_squared: f64 = beta.iter().zip(rxy).map(|(b, r)| b * r).sum();
    if r_squared > 1.0 + 1e-9 {
        return Some(Err(invalid(
            "overall_correlations",
            r_squared,
            "together with the driver correlations they imply R² above 1",
        )));
    }
    if r_squared.is_nan() || r_squared <= 0.0 {
        return Some(Err(SatisfactionError::ZeroVariance {
            name: "the part of the overall score the drivers explain (R² = 0)".to_string(),
        }));
    }
    Some(Ok((beta, r_squared)))
}

/// Johnson's (2000) relative weights ε_j, summing to R², from the eigen-decomposition of R_xx
/// (every eigenvalue positive: [`check_collinearity`] passed).
fn relative_weights(eigen: &SymmetricEigen, rxy: &[f64]) -> Vec<f64> {
    let p = eigen.values.len();
    let v = &eigen.vectors;
    let root: Vec<f64> = eigen.values.iter().map(|l| l.sqrt()).collect();
    // Λ* = V Λ^{1/2} Vᵀ (driver–orthogonal-variable correlations) and its inverse V Λ^{-1/2} Vᵀ.
    let lambda_star: Vec<Vec<f64>> = (0..p)
        .map(|i| {
            (0..p)
                .map(|j| (0..p).map(|k| v[i][k] * root[k] * v[j][k]).sum())
                .collect()
        })
        .collect();
    let beta_star: Vec<f64> = (0..p)
        .map(|i| {
            (0..p)
                .map(|j| {
                    let inverse_ij: f64 = (0..p).map(|k| v[i][k] * v[j][k] / root[k]).sum();
                    inverse_ij * rxy[j]
                })
                .sum()
        })
        .collect();
    (0..p)
        .map(|j| {
            (0..p)
                .map(|k| lambda_star[j][k].powi(2) * beta_star[k].powi(2))
                .sum()
        })
        .collect()
}

/// Exact Shapley/LMG values from R² of every subset of drivers; `None` when a solve fails.
fn shapley_values(rxx: &[Vec<f64>], rxy: &[f64]) -> Option<Vec<f64>> {
    let p = rxx.len();
    let subsets = 1usize << p;
    let mut r_squared = vec![0.0; subsets];
    for (mask, slot) in r_squared.iter_mut().enumerate().skip(1) {
        let members: Vec<usize> = (0..p).filter(|j| mask & (1 << j) != 0).collect();
        let sub: Vec<Vec<f64>> = members
            .iter()
            .map(|&i| members.iter().map(|&j| rxx[i][j]).collect())
            .collect();
        let target: Vec<f64> = members.iter().map(|&j| rxy[j]).collect();
        // Principal submatrices of a positive-definite matrix are positive definite.
        let b = solve_spd(&sub, &target)?;
        *slot = b.iter().zip(&target).map(|(x, y)| x * y).sum();
    }
    let factorial = |k: usize| (1..=k).map(|i| i as f64).product::<f64>();
    let weights: Vec<f64> = (0..p)
        .map(|size| factorial(size) * factorial(p - size - 1) / factorial(p))
        .collect();
    Some(
        (0..p)
            .map(|j| {
                let bit = 1usize << j;
                (0..subsets)
                    .filter(|mask| mask & bit == 0)
                    .map(|mask| {
                        weights[mask.count_ones() as usize]
                            * (r_squared[mask | bit] - r_squared[mask])
                    })
                    .sum()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_two_drivers() {
        let rxx = vec![vec![1.0, 0.5], vec![0.5, 1.0]];
        let k = KeyDrivers::from_correlations(&rxx, &[0.6, 0.4], &[1.0, 2.0]).unwrap();
        assert!((k.r_squared() - 0.37333333333333335).abs() < 1e-12);
        let d = k.drivers();
        assert!((d[0].shapley.unwrap() - 0.2866666666666667).abs() < 1e-12);
        assert!((d[1].shapley.unwrap() - 0.0866666666666667).abs() < 1e-12);
        assert!((d[0].shapley_share.unwrap() - 0.7678571428571429).abs() < 1e-12);
        assert!((d[1].shapley_share.unwrap() - 0.2321428571428571).abs() < 1e-12);
        // Johnson's weights coincide with LMG for two predictors (REFERENCE.md).
        assert!((d[0].relative_weight - 0.2866666666666667).abs() < 1e-12);
        assert!((d[1].relative_weight - 0.0866666666666667).abs() < 1e-12);
        // β = R⁻¹ r = (0.5333, 0.1333).
        assert!((d[0].beta - 0.5333333333333333).abs() < 1e-12);
        assert!((d[1].beta - 0.1333333333333333).abs() < 1e-12);
        assert_eq!(d[0].quadrant, Quadrant::ConcentrateHere);
        assert_eq!(d[1].quadrant, Quadrant::PossibleOverkill);
    }

    #[test]
    fn singular_matrix_is_an_error() {
        let rxx = vec![vec![1.0, 1.0], vec![1.0, 1.0]];
        assert_eq!(
            KeyDrivers::from_correlations(&rxx, &[0.5, 0.5], &[1.0, 1.0]),
            Err(SatisfactionError::SingularDrivers {
                drivers: vec![0, 1]
            })
        );
    }
}
