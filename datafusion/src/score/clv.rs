//! `cv_clv(purchase_model, spend_model, options, x, t_x, T, mean_spend)`: customer lifetime value.

use customer_value::clv::{customer_lifetime_values, ClvOptions, GammaGamma};

use super::histories::{repeat_histories, spend_histories};
use super::model::{purchase_model, read_purchase_model, read_spend_model, ScoringModel};
use super::{core_error, no_repeat_spend};
use crate::arguments::settings_from_json;
use crate::row_udf::{RowFunction, Rows, SettingsError};

/// The three settings of `cv_clv`.
pub(crate) struct ClvSettings {
    purchase: ScoringModel,
    spend: GammaGamma,
    options: ClvOptions,
}

/// CLV by the core's batch form, `customer_lifetime_values` (lifetimes' convention: the
/// discounted monthly increments of the expected purchases times the expected spend).
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Clv;

impl RowFunction for Clv {
    const NAME: &'static str = "cv_clv";
    const SETTINGS: &'static [&'static str] = &["purchase_model", "spend_model", "options"];
    const INPUTS: &'static [&'static str] = &["x", "t_x", "T", "mean_spend"];
    type Settings = ClvSettings;
    type Output = f64;

    fn parse(texts: &[&str]) -> Result<ClvSettings, SettingsError> {
        Ok(ClvSettings {
            purchase: read_purchase_model(texts[0], Self::NAME).map_err(SettingsError::at(0))?,
            spend: read_spend_model(texts[1], Self::NAME).map_err(SettingsError::at(1))?,
            options: settings_from_json(&ClvOptions::default(), texts[2])
                .map_err(SettingsError::at(2))?,
        })
    }

    fn complete(row: &mut [Option<f64>]) {
        no_repeat_spend(row, 0, 3);
    }

    fn score(settings: &ClvSettings, rows: &Rows) -> Result<Vec<f64>, String> {
        let histories = repeat_histories(rows, 0)?;
        let spend = spend_histories(rows, 0, 3)?;
        customer_lifetime_values(
            purchase_model(&settings.purchase)?,
            &settings.spend,
            &histories,
            &spend,
            &settings.options,
        )
        .map_err(core_error)
    }
}
