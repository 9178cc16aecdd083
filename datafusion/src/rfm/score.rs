//! `cv_rfm_score(fitted, recency_days, frequency, monetary)`: a customer's R, F and M scores and
//! segment against fitted breakpoints.

use std::sync::Arc;

use customer_value::rfm::FittedRfm;
use customer_value::{RfmScore, RfmSegment};
use datafusion::arrow::array::{ArrayRef, StringArray, StructArray, UInt8Array};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::Result;

use crate::row_udf::{ResultColumn, RowFunction, Rows, SettingsError};

/// The scores by `FittedRfm::score_values` and the segment by `FittedRfm::segment`: the core's
/// own scoring of these values.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct RfmScoreFunction;

/// One customer's scores and segment (its name is borrowed when the column is built: a default
/// segment's name is static, so a row allocates no string).
pub(crate) struct Scored {
    score: RfmScore,
    segment: RfmSegment,
}

/// The result's fields: `r`, `f`, `m` (UInt8, 1..=bins, higher is better) and `segment` (Utf8).
fn score_fields() -> Fields {
    Fields::from(vec![
        Field::new("r", DataType::UInt8, false),
        Field::new("f", DataType::UInt8, false),
        Field::new("m", DataType::UInt8, false),
        Field::new("segment", DataType::Utf8, false),
    ])
}

impl ResultColumn for Scored {
    fn data_type() -> DataType {
        DataType::Struct(score_fields())
    }

    fn column(values: Vec<Option<Scored>>) -> Result<ArrayRef> {
        let nulls = NullBuffer::from_iter(values.iter().map(Option::is_some));
        // Rows without a score hold 0 and "" under the struct's NULL.
        let level = |pick: fn(&RfmScore) -> u8| {
            let levels = values
                .iter()
                .map(|v| v.as_ref().map_or(0, |s| pick(&s.score)));
            Arc::new(UInt8Array::from_iter_values(levels)) as ArrayRef
        };
        let segments = values
            .iter()
            .map(|v| v.as_ref().map_or("", |s| s.segment.name()));
        let columns = vec![
            level(|s| s.recency),
            level(|s| s.frequency),
            level(|s| s.monetary),
            Arc::new(StringArray::from_iter_values(segments)) as ArrayRef,
        ];
        Ok(Arc::new(StructArray::try_new(
            score_fields(),
            columns,
            Some(nulls),
        )?))
    }
}

impl RowFunction for RfmScoreFunction {
    const NAME: &'static str = "cv_rfm_score";
    const SETTINGS: &'static [&'static str] = &["fitted"];
    const INPUTS: &'static [&'static str] = &["recency_days", "frequency", "monetary"];
    type Settings = FittedRfm;
    type Output = Scored;

    fn parse(texts: &[&str]) -> std::result::Result<FittedRfm, SettingsError> {
        serde_json::from_str(texts[0]).map_err(|e| SettingsError {
            index: 0,
            message: format!("is refused by customer-value as a fitted RFM model: {e}"),
        })
    }

    fn score(fitted: &FittedRfm, rows: &Rows) -> std::result::Result<Vec<Scored>, String> {
        (0..rows.len())
            .map(|i| {
                let recency = rows.check_value(0, i, true)?;
                let frequency = rows.check_value(1, i, true)?;
                let monetary = rows.check_value(2, i, false)?;
                let score = fitted.score_values(recency, frequency, monetary);
                let segment = fitted
                    .segment(score)
                    .map_err(|e| format!("customer-value: {e}"))?;
                Ok(Scored { score, segment })
            })
            .collect()
    }
}
