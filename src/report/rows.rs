//! The per-customer rows: the base row from the summary, the join of each part's figures into the
//! rows, and the totals per group.

use std::collections::BTreeMap;
use std::hash::Hash;

use rust_decimal::Decimal;

use crate::lifecycle::{LifecycleClassifier, LifecycleRules};
use crate::rfm::FittedRfm;
use crate::rfm::{value_matrix, ValueMatrixOptions};
use crate::segment::{KMeansSegmenter, SegmentError, SegmentModel};
use crate::summary::CustomerSummary;
use crate::{Error, RfmScorer, RfmSegment};

use super::{CustomerReport, GroupTotals};

/// Each row's RFM scores and segment: from the `given` breakpoints, or from breakpoints fitted on
/// these summaries. Returns the breakpoints used.
pub(super) fn fill_rfm<C: Clone + Eq + Hash + Ord + Send + Sync>(
    rows: &mut [CustomerReport<C>], summaries: &[CustomerSummary<C>], scorer: &RfmScorer,
    given: Option<&FittedRfm>,
) -> Result<FittedRfm, Error> {
    let (fitted, records) = match given {
        Some(fitted) => (fitted.clone(), fitted.score(summaries)?),
        None => scorer.fit_and_score(summaries)?,
    };
    for (row, record) in rows.iter_mut().zip(records) {
        row.rfm_score = Some(record.score);
        row.rfm_segment = Some(record.segment);
    }
    Ok(fitted)
}

/// Each row's value-matrix cell.
pub(super) fn fill_value_cells<C: Clone + Eq + Hash + Ord + Send + Sync>(
    rows: &mut [CustomerReport<C>], summaries: &[CustomerSummary<C>], options: &ValueMatrixOptions,
) -> Result<(), Error> {
    let matrix = value_matrix(summaries, options)?;
    for (row, (_, cell)) in rows.iter_mut().zip(matrix.cells) {
        row.value_cell = cell;
    }
    Ok(())
}

/// What k-means gave the rows: the segments' labels, how many customers were left out and the
/// model that assigned them.
pub(super) struct KMeansOutcome {
    pub(super) labels: Vec<String>,
    pub(super) left_out: u64,
    pub(super) model: Option<SegmentModel>,
}

/// Each row's k-means segment, from the `given` model or from a segmentation fitted on these
/// summaries. Customers with net spend below zero are left out (`log1p` of a spend below −1 is
/// undefined) and keep `None`.
pub(super) fn fill_kmeans_segments<C: Clone + Eq + Hash + Ord + Send + Sync>(
    rows: &mut [CustomerReport<C>], summaries: &[CustomerSummary<C>], segmenter: &KMeansSegmenter,
    given: Option<&SegmentModel>,
) -> Result<KMeansOutcome, SegmentError> {
    let segmentable = |s: &CustomerSummary<C>| {
        s.total_spend() >= Decimal::ZERO && s.average_order_value() >= Decimal::ZERO
    };
    let kept: Vec<CustomerSummary<C>>;
    let kept: &[CustomerSummary<C>] = if summaries.iter().all(segmentable) {
        summaries
    } else {
        kept = summaries
            .iter()
            .filter(|s| segmentable(s))
            .cloned()
            .collect();
        &kept
    };
    let left_out = (summaries.len() - kept.len()) as u64;
    let model = match given {
        Some(model) => model.clone(),
        None => segmenter.fit(kept)?.model()?,
    };
    // Each customer's nearest centroid of the final model, also right after the fit: Lloyd's
    // last step moves the centroids after the last assignment, so a fit's own labels may put a
    // customer on a border with another centroid than the model would. Assigning through the
    // model makes a report built with these models give every customer the same segment.
    let assigned = model.assign(kept)?;
    join_by_customer(
        rows,
        kept.iter().map(CustomerSummary::customer).zip(&assigned),
        |row, &label| row.kmeans_segment = Some(label),
    );
    Ok(KMeansOutcome {
        labels: model.labels.clone(),
        left_out,
        model: Some(model),
    })
}

/// Each row's lifecycle stage and its reason.
pub(super) fn fill_lifecycle<C: Clone + Ord + Send + Sync>(
    rows: &mut [CustomerReport<C>], summaries: &[CustomerSummary<C>], rules: LifecycleRules,
    as_of: chrono::NaiveDate,
) -> Result<(), Error> {
    let classification = LifecycleClassifier::new(rules)?.classify(summaries, &[], as_of)?;
    // A customer without a purchase occasion by `as_of` has no stage and keeps `None`.
    join_by_customer(
        rows,
        classification.customers().iter().map(|s| (&s.customer, s)),
        |row, stage| {
            row.lifecycle_stage = Some(stage.stage);
            row.lifecycle_reason = Some(stage.reason);
        },
    );
    Ok(())
}

/// The totals per RFM segment (best segment first), per k-means segment and per lifecycle stage.
pub(super) fn group_tables<C>(
    rows: &[CustomerReport<C>], kmeans_labels: &[String],
) -> [Vec<GroupTotals>; 3] {
    let total = rows.len();
    let by_rfm_segment = group_totals(
        rows,
        total,
        |r| {
            r.rfm_segment.as_ref().map(|s| {
                let rank = RfmSegment::DEFAULTS
                    .iter()
                    .position(|d| d == s)
                    .unwrap_or(RfmSegment::DEFAULTS.len());
                (rank, s.name())
            })
        },
        |_, name| name.to_string(),
    );
    let by_kmeans_segment = group_totals(
        rows,
        total,
        |r| {
            r.kmeans_segment
                .map(|k| (k, kmeans_labels.get(k).map_or("", String::as_str)))
        },
        |r, label| format!("{}: {label}", r.kmeans_segment.unwrap_or_default()),
    );
    let by_lifecycle_stage = group_totals(
        rows,
        total,
        |r| r.lifecycle_stage.map(|s| (s as usize, "")),
        |r, _| {
            r.lifecycle_stage
                .map_or(String::new(), |s| format!("{s:?}"))
        },
    );
    [by_rfm_segment, by_kmeans_segment, by_lifecycle_stage]
}

/// Merge join of `rows` with `keyed` (both sorted by customer id, `keyed` a subset of the rows'
/// customers): `set` gives each matched row its value.
fn join_by_customer<'a, C: Ord + 'a, T>(
    rows: &mut [CustomerReport<C>], keyed: impl Iterator<Item = (&'a C, T)>,
    mut set: impl FnMut(&mut CustomerReport<C>, T),
) {
    let mut keyed = keyed.peekable();
    for row in rows {
        while keyed.next_if(|(c, _)| **c < row.customer).is_some() {}
        if let Some((_, value)) = keyed.next_if(|(c, _)| **c == row.customer) {
            set(row, value);
        }
    }
}

/// A customer's row with the summary's figures; the average order value rounded half to even to
/// `money_scale` places.
pub(super) fn base_row<C: Clone>(s: &CustomerSummary<C>, money_scale: u32) -> CustomerReport<C> {
    CustomerReport {
        customer: s.customer().clone(),
        first_purchase: s.first_purchase(),
        last_purchase: s.last_purchase(),
        purchase_occasions: s.purchase_occasions(),
        total_spend: s.total_spend(),
        average_order_value: s.average_order_value().round_dp_with_strategy(
            money_scale,
            rust_decimal::RoundingStrategy::MidpointNearestEven,
        ),
        recency_days: s.recency_days(),
        rfm_score: None,
        rfm_segment: None,
        value_cell: None,
        probability_alive: None,
        expected_purchases: None,
        expected_spend: None,
        clv: None,
        kmeans_segment: None,
        lifecycle_stage: None,
        lifecycle_reason: None,
    }
}

/// Totals per group. `key` gives each row's group as (sort rank, name), borrowed so that no row
/// allocates; `display` makes the group's shown name from its first row and key name, once per
/// group.
fn group_totals<'a, C>(
    rows: &'a [CustomerReport<C>], total: usize,
    key: impl Fn(&'a CustomerReport<C>) -> Option<(usize, &'a str)>,
    display: impl Fn(&CustomerReport<C>, &str) -> String,
) -> Vec<GroupTotals> {
    let mut groups: BTreeMap<(usize, &'a str), GroupTotals> = BTreeMap::new();
    for row in rows {
        if let Some((rank, name)) = key(row) {
            let entry = groups.entry((rank, name)).or_insert_with(|| GroupTotals {
                name: display(row, name),
                customers: 0,
                customer_share: 0.0,
                revenue: Decimal::ZERO,
                expected_purchases: None,
                clv: None,
            });
            entry.customers += 1;
            entry.revenue += row.total_spend;
            if let Some(e) = row.expected_purchases {
                entry.expected_purchases = Some(entry.expected_purchases.unwrap_or(0.0) + e);
            }
            if let Some(v) = row.clv {
                entry.clv = Some(entry.clv.unwrap_or(Decimal::ZERO) + v);
            }
        }
    }
    groups
        .into_values()
        .map(|mut g| {
            g.customer_share = g.customers as f64 / total.max(1) as f64;
            g
        })
        .collect()
}
