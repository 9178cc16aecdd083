//! One confidence-interval type for every estimate the crate reports: survey shares and means,
//! correlations, and delta-method intervals on model predictions.
//!
//! # Finite results
//!
//! An `Interval` is plain data: [`Interval::new`] and [`Interval::from_standard_error`] store or
//! compute what they are given without checks, so ±∞ in gives ±∞ out, and so does a Wald bound
//! `estimate ± critical · standard_error` beyond ±`f64::MAX`; [`Interval::width`] of bounds of
//! opposite sign beyond ±`f64::MAX`/2 is +∞. Every interval the crate itself returns in an `Ok` is
//! finite. [`Interval::clamped`] never panics: a NaN or reversed range leaves the interval unchanged,
//! and a NaN estimate or bound is clipped onto the range.
//!
//! # Examples
//!
//! ```
//! use customer_value::Interval;
//! let interval = Interval::new(0.5, 0.4, 0.6, 0.95);
//! assert!(interval.contains(0.45) && !interval.contains(0.61));
//! assert!((interval.width() - 0.2).abs() < 1e-12);
//! // A delta-method interval also carries its standard error.
//! let wald = Interval::from_standard_error(7.0, 2f64.sqrt(), 1.959963984540054, 0.95);
//! assert_eq!(wald.standard_error, Some(2f64.sqrt()));
//! assert!((wald.upper - (7.0 + 1.959963984540054 * 2f64.sqrt())).abs() < 1e-12);
//! ```

/// A confidence interval around an estimate, on the estimate's own scale.
///
/// Every interval the crate builds satisfies `lower <= estimate <= upper`: intervals are clipped to
/// their scale (a share to [0, 1], P(alive) to [0, 1], expected purchases to [0, ∞)), and the
/// estimate is the one the interval is centred on (for the adjusted Wald NPS interval, the adjusted
/// estimate).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Interval {
    /// The estimate the interval is centred on.
    pub estimate: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Confidence level in (0, 1), e.g. 0.95.
    pub level: f64,
    /// The standard error behind a Wald-type interval (estimate ± z · SE), e.g. the delta method's;
    /// `None` for intervals not built from one (Wilson, score, Fisher z).
    #[cfg_attr(feature = "serde", serde(default))]
    pub standard_error: Option<f64>,
}

impl Interval {
    /// An interval from its bounds, without a standard error.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Interval;
    /// let interval = Interval::new(0.8, 0.71, 0.87, 0.95);
    /// assert_eq!(interval.standard_error, None);
    /// ```
    pub fn new(estimate: f64, lower: f64, upper: f64, level: f64) -> Self {
        Self {
            estimate,
            lower,
            upper,
            level,
            standard_error: None,
        }
    }

    /// The Wald interval `estimate ± critical · standard_error`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Interval;
    /// let interval = Interval::from_standard_error(10.0, 1.0, 2.0, 0.95);
    /// assert_eq!((interval.lower, interval.upper), (8.0, 12.0));
    /// ```
    pub fn from_standard_error(
        estimate: f64, standard_error: f64, critical: f64, level: f64,
    ) -> Self {
        Self {
            estimate,
            lower: estimate - critical * standard_error,
            upper: estimate + critical * standard_error,
            level,
            standard_error: Some(standard_error),
        }
    }

    /// Whether `value` lies within the closed interval.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Interval;
    /// let interval = Interval::new(0.5, 0.4, 0.6, 0.95);
    /// assert!(interval.contains(0.4) && !interval.contains(0.61));
    /// ```
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }

    /// Upper minus lower bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Interval;
    /// let interval = Interval::new(0.5, 0.4, 0.6, 0.95);
    /// assert!((interval.width() - 0.2).abs() < 1e-12);
    /// ```
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }

    /// The interval with its bounds (and estimate) clipped to `[min, max]`, e.g. `[0, 1]` for a
    /// probability. Never panics (unlike `f64::clamp`): with `min > max` or a NaN `min` or `max` the
    /// interval comes back unchanged, and a NaN estimate or bound becomes `min`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::Interval;
    /// let interval = Interval::from_standard_error(0.9, 0.1, 2.0, 0.95);
    /// assert_eq!(interval.clamped(0.0, 1.0).upper, 1.0);
    /// assert_eq!(interval.clamped(1.0, 0.0), interval);
    /// assert_eq!(interval.clamped(f64::NAN, 1.0), interval);
    /// ```
    pub fn clamped(self, min: f64, max: f64) -> Self {
        if min.is_nan() || max.is_nan() || min > max {
            return self;
        }
        let clip = |v: f64| v.max(min).min(max);
        Self {
            estimate: clip(self.estimate),
            lower: clip(self.lower),
            upper: clip(self.upper),
            ..self
        }
    }

    /// Builds `estimate ± half_width` clipped to `[min, max]`; the estimate is clipped too, so the
    /// interval always contains it.
    pub(crate) fn symmetric(
        estimate: f64, half_width: f64, level: f64, min: f64, max: f64,
    ) -> Interval {
        let estimate = estimate.max(min).min(max);
        Interval::new(
            estimate,
            (estimate - half_width).max(min).min(max),
            (estimate + half_width).max(min).min(max),
            level,
        )
    }

    /// Multiplies every bound (and the standard error) by `factor > 0`, e.g. shares to percentages.
    pub(crate) fn scaled(self, factor: f64) -> Interval {
        Interval {
            estimate: self.estimate * factor,
            lower: self.lower * factor,
            upper: self.upper * factor,
            level: self.level,
            standard_error: self.standard_error.map(|se| se * factor),
        }
    }
}
