//! The report's settings and their check: which parts to compute, with which models and options.

use chrono::{Days, NaiveDate};

use crate::clv::{
    BgNbd, ClvError, ClvOptions, FitOptions, GammaGamma, GammaGammaOptions, MaximumLikelihood,
    ModifiedBgNbd, ParetoNbd,
};
use crate::lifecycle::LifecycleRules;
use crate::rfm::ValueMatrixOptions;
use crate::segment::KMeansSegmenter;
use crate::settings::Settings;
use crate::summary::TimeUnit;
use crate::{Error, RfmScorer};

use super::ReportError;

/// Which purchase model gives P(alive) and expected purchases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PurchaseModelKind {
    /// BG/NBD (Fader, Hardie & Lee 2005), the default.
    #[default]
    BgNbd,
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
    ModifiedBgNbd,
    /// Pareto/NBD (Schmittlein, Morrison & Colombo 1987).
    ParetoNbd,
}

/// Which parts of the report to compute (all by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReportParts {
    /// RFM scores and segments.
    pub rfm: bool,
    /// The customer value matrix.
    pub value_matrix: bool,
    /// P(alive) and expected purchases from the purchase model.
    pub purchase_model: bool,
    /// Expected spend (Gamma-Gamma) and CLV; needs `purchase_model`.
    pub spend_model: bool,
    /// k-means segments.
    pub segmentation: bool,
    /// Lifecycle stages.
    pub lifecycle: bool,
    /// Period KPIs.
    pub kpis: bool,
}

impl ReportParts {
    /// The parts' names: the fields, as a warning or an error names them.
    pub(super) const NAMES: [&'static str; 7] = [
        "rfm",
        "value_matrix",
        "purchase_model",
        "spend_model",
        "segmentation",
        "lifecycle",
        "kpis",
    ];
}

impl Default for ReportParts {
    fn default() -> Self {
        Self {
            rfm: true,
            value_matrix: true,
            purchase_model: true,
            spend_model: true,
            segmentation: true,
            lifecycle: true,
            kpis: true,
        }
    }
}

crate::settings::checked_serde! {
    /// Settings of [`CustomerValueReport::build`](super::CustomerValueReport::build).
    ///
    /// Fields may be set in any order; [`Settings::check`] (which `build` calls before any work) says
    /// whether they can be used together.
    ///
    /// With the `serde` feature the settings serialize, and reading them back runs the same check: a
    /// configuration `build` would refuse is refused when read, with the check's message.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::report::{PurchaseModelKind, ReportConfig};
    /// let config = ReportConfig { purchase_model: PurchaseModelKind::ParetoNbd, ..ReportConfig::default() };
    /// let json = serde_json::to_string(&config).unwrap();
    /// assert_eq!(serde_json::from_str::<ReportConfig>(&json).unwrap(), config);
    ///
    /// let mut bad = serde_json::to_value(&config).unwrap();
    /// bad["kpi_period_days"] = serde_json::json!(0);
    /// let refused = serde_json::from_value::<ReportConfig>(bad).unwrap_err();
    /// assert!(refused.to_string().starts_with("report setting kpi_period_days = 0 is invalid"));
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    pub struct ReportConfig {
        /// The time unit the purchase model is fitted in (default weeks): elapsed time, weeks of 7 days
        /// with one occasion per day ([`RepeatHistory::from_summary`]), not lifetimes' calendar weeks
        /// (`freq='W'`), which the report does not use.
        ///
        /// [`RepeatHistory::from_summary`]: crate::clv::RepeatHistory::from_summary
        pub time_unit: TimeUnit,
        /// Horizon of the expected purchases and the CLV, in months (default 12, at most
        /// [`ClvOptions::MAX_HORIZON_MONTHS`] = 1,200; a month is [`TimeUnit::per_month`] units).
        pub horizon_months: u32,
        /// The purchase model (default BG/NBD).
        pub purchase_model: PurchaseModelKind,
        /// Options of its fit.
        pub fit_options: FitOptions,
        /// Monthly discount rate of the CLV (default 0.01).
        pub monthly_discount_rate: f64,
        /// Options of the Gamma-Gamma fit (default: q constrained above 1, so the mean spend and every
        /// CLV are finite).
        pub spend_options: GammaGammaOptions,
        /// The RFM scorer (default quintiles).
        pub rfm: RfmScorer,
        /// The value-matrix options.
        pub value_matrix: ValueMatrixOptions,
        /// The k-means settings (default k = 5 on the default features, seed 0, one greedy k-means++
        /// initialisation, scikit-learn's default since 1.4; raise
        /// [`KMeansSegmenter::n_init`] for more restarts at about 0.15 s each per million customers).
        pub segmentation: KMeansSegmenter,
        /// The lifecycle rules.
        pub lifecycle: LifecycleRules,
        /// Length of the KPI period ending on the as-of date, in days (default 90, at most
        /// [`ReportConfig::MAX_KPI_PERIOD_DAYS`]; the period must not start before
        /// [`NaiveDate::MIN`]).
        pub kpi_period_days: u32,
        /// Which parts to compute.
        pub parts: ReportParts,
        /// Decimal places of derived money (CLV, average order value, group CLV totals), rounded half
        /// to even (default 2, at most 28). Sums of the log's amounts (total spend, group revenue)
        /// stay exact.
        pub money_scale: u32,
    }
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            time_unit: TimeUnit::Weeks,
            horizon_months: 12,
            purchase_model: PurchaseModelKind::BgNbd,
            fit_options: FitOptions::default(),
            monthly_discount_rate: 0.01,
            spend_options: GammaGammaOptions {
                constrain_q_above_one: true,
                ..GammaGammaOptions::default()
            },
            rfm: RfmScorer::new(),
            value_matrix: ValueMatrixOptions::default(),
            segmentation: KMeansSegmenter::new(5).n_init(1),
            lifecycle: LifecycleRules::default(),
            kpi_period_days: 90,
            parts: ReportParts::default(),
            money_scale: 2,
        }
    }
}

impl Settings for ReportConfig {
    type Error = ReportError;

    /// Checks the settings of every part switched on, before any work; the settings of a part
    /// switched off are not read, so not checked.
    ///
    /// # Errors
    ///
    /// - [`ReportError::MissingPart`] when `parts.spend_model` is on and `parts.purchase_model`
    ///   off (expected spend and CLV need the purchase model);
    /// - [`ReportError::InvalidParameter`] when, with the purchase model, `horizon_months` is 0 or
    ///   above [`ClvOptions::MAX_HORIZON_MONTHS`] (1,200); with the spend model,
    ///   `monthly_discount_rate` is negative or not finite; with the KPIs, `kpi_period_days` is 0
    ///   or above [`ReportConfig::MAX_KPI_PERIOD_DAYS`]; `money_scale` is above 28 (`Decimal`'s
    ///   largest scale);
    /// - [`ReportError::InvalidSetting`] naming the field (`fit_options`, `spend_options.fit`,
    ///   `rfm`, `segmentation`, `lifecycle`) whose own check fails, with that check's error, or
    ///   whose starting values (`initial`) do not hold one value per parameter of the model they
    ///   start (4 for the purchase models, 3 for Gamma-Gamma): a
    ///   [`ClvError::LengthMismatch`] naming `initial`.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::report::{ReportConfig, ReportError, ReportParts};
    /// use customer_value::Settings;
    ///
    /// assert!(ReportConfig::default().check().is_ok());
    /// let config = ReportConfig {
    ///     parts: ReportParts { purchase_model: false, ..ReportParts::default() },
    ///     ..ReportConfig::default()
    /// };
    /// assert!(matches!(
    ///     config.check(),
    ///     Err(ReportError::MissingPart { part: "spend_model", needs: "purchase_model" })
    /// ));
    /// let config = ReportConfig { kpi_period_days: 0, ..ReportConfig::default() };
    /// assert!(matches!(config.check(), Err(ReportError::InvalidParameter { name: "kpi_period_days", .. })));
    /// let config = ReportConfig { horizon_months: 1_201, ..ReportConfig::default() };
    /// assert!(matches!(config.check(), Err(ReportError::InvalidParameter { name: "horizon_months", .. })));
    /// let mut config = ReportConfig::default();
    /// config.fit_options.initial = Some(vec![1.0, 1.0, 1.0]); // BG/NBD has 4 parameters
    /// assert_eq!(
    ///     config.check().unwrap_err().to_string(),
    ///     "report setting fit_options: initial (one starting value per parameter of the model) \
    ///      has 3 values, expected 4"
    /// );
    /// let config = ReportConfig { money_scale: 29, ..ReportConfig::default() };
    /// assert!(matches!(config.check(), Err(ReportError::InvalidParameter { name: "money_scale", .. })));
    /// let mut config = ReportConfig::default();
    /// config.lifecycle.churn_probability = 2.0;
    /// assert!(matches!(config.check(), Err(ReportError::InvalidSetting { field: "lifecycle", .. })));
    /// ```
    fn check(&self) -> Result<(), ReportError> {
        let parts = self.parts;
        if parts.spend_model && !parts.purchase_model {
            return Err(ReportError::MissingPart {
                part: "spend_model",
                needs: "purchase_model",
            });
        }
        let invalid = |name, value, constraint| {
            Err(ReportError::InvalidParameter {
                name,
                value,
                constraint,
            })
        };
        if parts.purchase_model && self.horizon_months == 0 {
            return invalid("horizon_months", 0.0, "must be at least 1 month");
        }
        if parts.purchase_model && self.horizon_months > ClvOptions::MAX_HORIZON_MONTHS {
            return invalid(
                "horizon_months",
                f64::from(self.horizon_months),
                "must be at most 1,200 months (100 years, ClvOptions::MAX_HORIZON_MONTHS)",
            );
        }
        let rate = self.monthly_discount_rate;
        if parts.spend_model && !(rate.is_finite() && rate >= 0.0) {
            return invalid(
                "monthly_discount_rate",
                rate,
                "must be non-negative and finite",
            );
        }
        if parts.kpis && !(1..=Self::MAX_KPI_PERIOD_DAYS).contains(&self.kpi_period_days) {
            return invalid(
                "kpi_period_days",
                f64::from(self.kpi_period_days),
                "must be at least 1 day and at most 3,652,425 days (10,000 years, \
                 ReportConfig::MAX_KPI_PERIOD_DAYS)",
            );
        }
        if self.money_scale > 28 {
            return invalid(
                "money_scale",
                f64::from(self.money_scale),
                "must be at most 28 decimal places",
            );
        }
        self.check_nested()?;
        self.check_starting_values()
    }
}

impl ReportConfig {
    /// The longest KPI period: 3,652,425 days, 10,000 years of the Gregorian calendar (the span of
    /// the dates written with four-digit years). Longer periods reach outside the dates chrono
    /// represents from any as-of date near the present.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value::report::ReportConfig;
    /// use customer_value::Settings;
    /// let longest = ReportConfig { kpi_period_days: ReportConfig::MAX_KPI_PERIOD_DAYS, ..ReportConfig::default() };
    /// assert!(longest.check().is_ok());
    /// let longer = ReportConfig { kpi_period_days: ReportConfig::MAX_KPI_PERIOD_DAYS + 1, ..longest };
    /// assert!(longer.check().is_err());
    /// ```
    pub const MAX_KPI_PERIOD_DAYS: u32 = 3_652_425;

    /// The first day of the KPI period ending on `as_of`.
    ///
    /// # Errors
    ///
    /// [`ReportError::InvalidParameter`] naming `kpi_period_days` when the period would start
    /// before [`NaiveDate::MIN`].
    pub(super) fn kpi_period_start(&self, as_of: NaiveDate) -> Result<NaiveDate, ReportError> {
        // At least one day: checked.
        let back = u64::from(self.kpi_period_days.saturating_sub(1));
        as_of
            .checked_sub_days(Days::new(back))
            .ok_or(ReportError::InvalidParameter {
                name: "kpi_period_days",
                value: f64::from(self.kpi_period_days),
                constraint: "reaches before the earliest date chrono represents (NaiveDate::MIN, \
                             262144 BCE) from the as-of date: shorten it, move the as-of date, \
                             or set parts.kpis = false",
            })
    }

    /// The starting values of the fits, when given, hold one value per parameter of the model
    /// they start: 4 for every purchase model (r, α, a, b or r, α, s, β), 3 for Gamma-Gamma.
    fn check_starting_values(&self) -> Result<(), ReportError> {
        let purchase_parameters = match self.purchase_model {
            PurchaseModelKind::BgNbd => BgNbd::PARAMETER_NAMES.len(),
            PurchaseModelKind::ModifiedBgNbd => ModifiedBgNbd::PARAMETER_NAMES.len(),
            PurchaseModelKind::ParetoNbd => ParetoNbd::PARAMETER_NAMES.len(),
        };
        let fits = [
            (
                self.parts.purchase_model,
                "fit_options",
                &self.fit_options,
                purchase_parameters,
            ),
            (
                self.parts.spend_model,
                "spend_options.fit",
                &self.spend_options.fit,
                GammaGamma::PARAMETER_NAMES.len(),
            ),
        ];
        for (on, field, options, expected) in fits {
            match &options.initial {
                Some(initial) if on && initial.len() != expected => {
                    let source = ClvError::LengthMismatch {
                        name: "initial (one starting value per parameter of the model)",
                        expected,
                        found: initial.len(),
                    };
                    return Err(ReportError::InvalidSetting {
                        field,
                        source: Box::new(source.into()),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The checks of the settings this configuration holds for the parts switched on, each error
    /// under the field's name.
    // GammaGammaOptions and ValueMatrixOptions have no check of their own yet: when they implement
    // Settings, add `spend_options` and `value_matrix` here.
    fn check_nested(&self) -> Result<(), ReportError> {
        let parts = self.parts;
        let nested = [
            (
                parts.purchase_model,
                "fit_options",
                self.fit_options.check().map_err(Error::from),
            ),
            (
                parts.spend_model,
                "spend_options.fit",
                self.spend_options.fit.check().map_err(Error::from),
            ),
            (parts.rfm, "rfm", self.rfm.check().map_err(Error::from)),
            (
                parts.segmentation,
                "segmentation",
                self.segmentation.check().map(|_| ()).map_err(Error::from),
            ),
            (
                parts.lifecycle,
                "lifecycle",
                self.lifecycle.check().map_err(Error::from),
            ),
        ];
        for (on, field, result) in nested {
            if on {
                result.map_err(|source| ReportError::InvalidSetting {
                    field,
                    source: Box::new(source),
                })?;
            }
        }
        Ok(())
    }
}
