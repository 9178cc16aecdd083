//! `cv_p_alive(model, x, t_x, T)`: the probability that a customer is still active at T.

use super::core_error;
use super::histories::repeat_histories;
use super::model::{purchase_model, read_purchase_model, ScoringModel};
use crate::row_udf::{RowFunction, Rows, SettingsError};

/// P(alive | x, t_x, T) by the purchase model's batch form
/// (`PurchaseModel::probability_alive_into`).
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct PAlive;

impl RowFunction for PAlive {
    const NAME: &'static str = "cv_p_alive";
    const SETTINGS: &'static [&'static str] = &["model"];
    const INPUTS: &'static [&'static str] = &["x", "t_x", "T"];
    type Settings = ScoringModel;
    type Output = f64;

    fn parse(texts: &[&str]) -> Result<ScoringModel, SettingsError> {
        read_purchase_model(texts[0], Self::NAME).map_err(SettingsError::at(0))
    }

    fn score(model: &ScoringModel, rows: &Rows) -> Result<Vec<f64>, String> {
        let histories = repeat_histories(rows, 0)?;
        let mut alive = vec![0.0; histories.len()];
        purchase_model(model)?
            .probability_alive_into(&histories, &mut alive)
            .map_err(core_error)?;
        Ok(alive)
    }
}
