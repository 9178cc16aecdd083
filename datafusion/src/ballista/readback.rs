//! The figures of what came back to the client: the modeled customers of the checked summaries,
//! and the scoring stage's rows, read from their Arrow batches on the driver.

use std::cmp::Ordering;

use datafusion::arrow::array::{
    make_comparator, new_empty_array, Array, ArrayRef, AsArray, BooleanArray, RecordBatch,
    StructArray,
};
use datafusion::arrow::compute::kernels::cmp::eq;
use datafusion::arrow::compute::{concat, filter, sort, SortOptions};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::error::{DataFusionError, Result};

use super::checks::{ModeledFigures, ScoreFigures};

/// The status of a customer the models see.
const MODELED: &str = "summary";

/// Customer ids, sorted (NULL first), to compare two outputs' customers without hashing.
#[derive(Debug, Clone)]
pub(super) struct SortedIds(ArrayRef);

impl SortedIds {
    /// `arrays` (one customer column each) as one sorted array.
    fn of(arrays: &[ArrayRef], data_type: &DataType) -> Result<SortedIds> {
        let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
        let all = match refs.is_empty() {
            true => new_empty_array(data_type),
            false => concat(&refs)?,
        };
        Ok(SortedIds(sort(&all, Some(sort_options()))?))
    }

    /// How many distinct ids of `found` are among these (which are distinct: one summary per
    /// customer), by one merge walk of the two sorted arrays.
    fn distinct_matches(&self, found: &SortedIds) -> Result<u64> {
        let (mine, theirs) = (&self.0, &found.0);
        if mine.is_empty() || theirs.is_empty() {
            return Ok(0);
        }
        let across = make_comparator(theirs.as_ref(), mine.as_ref(), sort_options())?;
        let within = make_comparator(theirs.as_ref(), theirs.as_ref(), sort_options())?;
        let (mut i, mut matches) = (0, 0);
        for j in 0..theirs.len() {
            if j > 0 && within(j, j - 1) == Ordering::Equal {
                continue;
            }
            while i < mine.len() && across(j, i) == Ordering::Greater {
                i += 1;
            }
            if i < mine.len() && across(j, i) == Ordering::Equal {
                matches += 1;
            }
        }
        Ok(matches)
    }
}

fn sort_options() -> SortOptions {
    SortOptions {
        descending: false,
        nulls_first: true,
    }
}

/// The modeled customers of summaries (`customer`, `summary` batches of the summary stage):
/// their figures and their ids.
pub(super) fn modeled_figures(batches: &[RecordBatch]) -> Result<(ModeledFigures, SortedIds)> {
    let mut figures = ModeledFigures::default();
    let mut ids = Vec::with_capacity(batches.len());
    let mut id_type = DataType::Null;
    for batch in batches {
        let summary = batch.column(1).as_struct();
        let status = field(summary, "status")?.as_string_opt::<i32>();
        let status = status.ok_or_else(|| error("the summary's status is not a string"))?;
        let modeled: BooleanArray = eq(
            status,
            &datafusion::arrow::array::StringArray::new_scalar(MODELED),
        )?;
        let x = int_field(summary, "x")?;
        let mean = field(summary, "mean_repeat_spend")?;
        for row in (0..batch.num_rows()).filter(|&r| modeled.value(r)) {
            let x = u64::try_from(x.value(row)).unwrap_or(0);
            figures.customers += 1;
            figures.repeat_purchases += x;
            if x > 0 && mean.is_null(row) {
                figures.without_mean_spend += 1;
                figures.repeat_purchases_without_mean_spend += x;
            }
        }
        id_type = batch.column(0).data_type().clone();
        ids.push(filter(batch.column(0), &modeled)?);
    }
    Ok((figures, SortedIds::of(&ids, &id_type)?))
}

/// The figures of the scoring stage's batches (`customer`, `x`, `p_alive`, `clv`, `rfm`,
/// `rfm_rows`), their customers matched against the modeled customers' `expected` ids.
pub(super) fn score_figures(batches: &[RecordBatch], expected: &SortedIds) -> Result<ScoreFigures> {
    let mut figures = ScoreFigures::default();
    let mut ids = Vec::with_capacity(batches.len());
    let mut id_type = DataType::Null;
    for batch in batches {
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| error(&format!("the scores have no column {name}")))
        };
        figures.rows += batch.num_rows() as u64;
        let x = column("x")?.as_primitive_opt::<Int64Type>();
        let x = x.ok_or_else(|| error("the scores' x is not Int64"))?;
        figures.repeat_purchases += x.iter().flatten().map(|n| n.max(0) as u64).sum::<u64>();
        figures.null_p_alive += column("p_alive")?.null_count() as u64;
        figures.null_clv += column("clv")?.null_count() as u64;
        figures.null_rfm += column("rfm")?.null_count() as u64;
        let seen = column("rfm_rows")?.as_primitive_opt::<Int64Type>();
        let seen = seen.ok_or_else(|| error("the scores' rfm_rows is not Int64"))?;
        // One value on every row (a CROSS JOIN with the one-row aggregate); the largest shows a
        // second aggregate row too.
        if let Some(n) = seen.iter().flatten().max() {
            figures.rfm_rows = figures.rfm_rows.max(n.max(0) as u64);
        }
        id_type = column("customer")?.data_type().clone();
        ids.push(column("customer")?.clone());
    }
    figures.customers = expected.distinct_matches(&SortedIds::of(&ids, &id_type)?)?;
    Ok(figures)
}

fn field<'a>(summary: &'a StructArray, name: &str) -> Result<&'a ArrayRef> {
    summary
        .column_by_name(name)
        .ok_or_else(|| error(&format!("the summary has no field {name}")))
}

fn int_field<'a>(
    summary: &'a StructArray, name: &str,
) -> Result<&'a datafusion::arrow::array::Int64Array> {
    field(summary, name)?
        .as_primitive_opt::<Int64Type>()
        .ok_or_else(|| error(&format!("the summary's {name} is not Int64")))
}

fn error(message: &str) -> DataFusionError {
    DataFusionError::Execution(message.to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::Int64Array;

    use super::*;

    fn ids(values: &[Option<i64>]) -> SortedIds {
        let array: ArrayRef = Arc::new(Int64Array::from(values.to_vec()));
        SortedIds::of(&[array], &DataType::Int64).unwrap()
    }

    #[test]
    fn distinct_matches_count_each_expected_id_once() {
        let expected = ids(&[Some(3), None, Some(1), Some(7)]);
        // By hand: 1, 3 and NULL are expected; 3 twice counts once; 9 is not expected.
        let found = ids(&[Some(3), Some(9), Some(1), Some(3), None]);
        assert_eq!(expected.distinct_matches(&found).unwrap(), 3);
        assert_eq!(expected.distinct_matches(&expected).unwrap(), 4);
        assert_eq!(expected.distinct_matches(&ids(&[])).unwrap(), 0);
    }
}
