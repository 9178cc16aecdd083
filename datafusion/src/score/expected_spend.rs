//! `cv_expected_spend(spend_model, x, mean_spend)`: a customer's expected spend per transaction.

use super::histories::spend_histories;
use super::model::read_spend_model;
use super::{core_error, no_repeat_spend};
use crate::row_udf::{RowFunction, Rows, SettingsError};
use customer_value::clv::GammaGamma;

/// E[Z | x, z̄] by `GammaGamma::conditional_expected_average_spend`, the form the core's CLV
/// batch uses.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct ExpectedSpend;

impl RowFunction for ExpectedSpend {
    const NAME: &'static str = "cv_expected_spend";
    const SETTINGS: &'static [&'static str] = &["spend_model"];
    const INPUTS: &'static [&'static str] = &["x", "mean_spend"];
    type Settings = GammaGamma;
    type Output = f64;

    fn parse(texts: &[&str]) -> Result<GammaGamma, SettingsError> {
        read_spend_model(texts[0], Self::NAME).map_err(SettingsError::at(0))
    }

    fn complete(row: &mut [Option<f64>]) {
        no_repeat_spend(row, 0, 1);
    }

    fn score(model: &GammaGamma, rows: &Rows) -> Result<Vec<f64>, String> {
        spend_histories(rows, 0, 1)?
            .iter()
            .map(|h| {
                model
                    .conditional_expected_average_spend(h)
                    .map_err(core_error)
            })
            .collect()
    }
}
