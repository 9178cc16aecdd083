//! `cv_expected_purchases(model, horizon, x, t_x, T)`: the purchases a customer is expected to
//! make in the next `horizon` time units.

use std::collections::BTreeMap;

use customer_value::clv::RepeatHistory;

use super::core_error;
use super::histories::repeat_histories;
use super::model::{purchase_model, read_purchase_model, ScoringModel};
use crate::row_udf::{RowFunction, Rows, SettingsError};

/// E[Y(horizon) | x, t_x, T] by the purchase model's batch form
/// (`PurchaseModel::conditional_expected_purchases_into`), once per distinct horizon of a run
/// (once in all when the horizon is a literal).
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct ExpectedPurchases;

impl RowFunction for ExpectedPurchases {
    const NAME: &'static str = "cv_expected_purchases";
    const SETTINGS: &'static [&'static str] = &["model"];
    const INPUTS: &'static [&'static str] = &["horizon", "x", "t_x", "T"];
    type Settings = ScoringModel;
    type Output = f64;

    fn parse(texts: &[&str]) -> Result<ScoringModel, SettingsError> {
        read_purchase_model(texts[0], Self::NAME).map_err(SettingsError::at(0))
    }

    fn score(model: &ScoringModel, rows: &Rows) -> Result<Vec<f64>, String> {
        let histories = repeat_histories(rows, 1)?;
        // Rows by horizon (bit pattern of a checked, non-negative value; −0 read as 0).
        let mut by_horizon: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for i in 0..rows.len() {
            let horizon = rows.check_value(0, i, true)? + 0.0;
            by_horizon.entry(horizon.to_bits()).or_default().push(i);
        }
        let model = purchase_model(model)?;
        let mut expected = vec![0.0; histories.len()];
        for (bits, members) in by_horizon {
            let group: Vec<RepeatHistory> = members.iter().map(|&i| histories[i]).collect();
            let mut out = vec![0.0; group.len()];
            model
                .conditional_expected_purchases_into(f64::from_bits(bits), &group, &mut out)
                .map_err(core_error)?;
            for (&i, value) in members.iter().zip(out) {
                expected[i] = value;
            }
        }
        Ok(expected)
    }
}
