//! The fast path of [`Summarizer::summarize`] over a slice: a radix-partitioned hash aggregation.
//!
//! Phase 1 scans chunks of the log in parallel, applies the late/refund policies and copies each
//! counted line (customer, date, amount) into one of up to [`PARTITIONS`] buckets by customer-id
//! range (splitters from a regular sample of the log), so that the buckets' sorted outputs,
//! concatenated in order, are sorted by customer with no global sort. Phase 2 aggregates each bucket independently and reads it sequentially: its
//! customers fit a small, cache-resident map, their lines are grouped by a counting sort and
//! summarised. Copying beats scattering row indices: reading rows back by index costs a cache miss
//! per line, which dominated the run time. Per-customer results are exact (decimal sums), so neither the
//! chunking nor the thread count can change them; the output is sorted by customer id.

use std::hash::Hash;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::accumulator::IdMap;
use super::occasions::DayLine;
use super::policies::earliest as min_date;
use super::{CustomerSummary, DroppedCustomer, Summarizer, SummaryError, SummaryReport};
use crate::transaction::Transaction;

/// Number of partitions: about 4,000 customers each at a million customers, so each partition's
/// map and lines stay in cache.
const PARTITIONS: usize = 256;

/// Rows sampled to choose the splitters.
const SAMPLE: usize = 64 * PARTITIONS;

/// A counted line in its partition.
struct Row<C> {
    customer: C,
    line: DayLine,
}

/// Phase 1's output for one chunk of the log.
struct ChunkRows<C> {
    partitions: Vec<Vec<Row<C>>>,
    report: SummaryReport,
    earliest: Option<NaiveDate>,
}

/// Phase 2's output for one partition.
struct PartitionSummaries<C> {
    summaries: Vec<CustomerSummary<C>>,
    dropped: Vec<DroppedCustomer<C>>,
    report: SummaryReport,
}

pub(super) fn summarize<C>(
    settings: &Summarizer, log: &[Transaction<C>],
) -> Result<super::Summarized<C>, SummaryError>
where
    C: Clone + Eq + Hash + Ord + Send + Sync,
{
    let splitters = splitters(log);
    let chunk_len = (log.len() / (4 * rayon::current_num_threads())).max(1 << 14);
    let chunks: Vec<ChunkRows<C>> = log
        .par_chunks(chunk_len)
        .enumerate()
        .map(|(chunk_index, chunk)| scatter(settings, &splitters, chunk_index * chunk_len, chunk))
        // Collected in chunk order, then the first error taken, so the error reported is the one
        // of the lowest index (rayon's collect into a `Result` returns whichever error it met).
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<_, _>>()?;

    let mut report = SummaryReport::default();
    let mut earliest: Option<NaiveDate> = None;
    let mut counted = false;
    for chunk in &chunks {
        report.add_reading(&chunk.report);
        earliest = min_date(earliest, chunk.earliest);
        counted |= chunk.partitions.iter().any(|p| !p.is_empty());
    }
    settings.check_counted(counted, earliest)?;

    // Transpose chunk × partition into partition × chunk (moving the vectors, not the rows).
    let mut by_partition: Vec<Vec<Vec<Row<C>>>> = (0..=splitters.len())
        .map(|_| Vec::with_capacity(chunks.len()))
        .collect();
    for chunk in chunks {
        for (p, rows) in chunk.partitions.into_iter().enumerate() {
            by_partition[p].push(rows);
        }
    }
    let parts: Vec<PartitionSummaries<C>> = by_partition
        .into_par_iter()
        .map(|rows| aggregate(settings, rows))
        .collect();
    // Partition k holds ids in (splitter k−1, splitter k], each sorted: concatenation is sorted.
    let mut summaries = Vec::with_capacity(parts.iter().map(|p| p.summaries.len()).sum());
    let mut dropped = Vec::new();
    for part in parts {
        report.add_building(&part.report);
        summaries.extend(part.summaries);
        dropped.extend(part.dropped);
    }
    if summaries.is_empty() {
        return Err(report.no_purchase_occasions(settings.observation_end));
    }
    Ok((summaries, report, dropped))
}

/// Up to PARTITIONS − 1 distinct, sorted customer ids from a regular sample of the log.
fn splitters<C: Clone + Ord>(log: &[Transaction<C>]) -> Vec<C> {
    let step = (log.len() / SAMPLE).max(1);
    let mut sample: Vec<&C> = log.iter().step_by(step).map(|t| &t.customer).collect();
    sample.sort_unstable();
    sample.dedup();
    let take = (PARTITIONS - 1).min(sample.len());
    let mut cuts: Vec<C> = (1..=take)
        .map(|i| sample[i * sample.len() / (take + 1)].clone())
        .collect();
    cuts.dedup();
    cuts
}

/// The partition of `customer`: the number of splitters strictly below it.
fn partition_of<C: Ord>(splitters: &[C], customer: &C) -> usize {
    splitters.partition_point(|s| s < customer)
}

fn scatter<C: Clone + Ord>(
    settings: &Summarizer, splitters: &[C], base: usize, chunk: &[Transaction<C>],
) -> Result<ChunkRows<C>, SummaryError> {
    let parts = splitters.len() + 1;
    let mut partitions: Vec<Vec<Row<C>>> = (0..parts)
        .map(|_| Vec::with_capacity(chunk.len() / parts + 16))
        .collect();
    let mut report = SummaryReport::default();
    let mut earliest: Option<NaiveDate> = None;
    for (offset, t) in chunk.iter().enumerate() {
        report.lines_read += 1;
        earliest = min_date(earliest, Some(t.date));
        if settings.admit(base + offset, t, &mut report)? {
            partitions[partition_of(splitters, &t.customer)].push(Row {
                customer: t.customer.clone(),
                line: DayLine {
                    date: t.date,
                    amount: t.amount,
                },
            });
        }
    }
    Ok(ChunkRows {
        partitions,
        report,
        earliest,
    })
}

fn aggregate<C>(settings: &Summarizer, rows: Vec<Vec<Row<C>>>) -> PartitionSummaries<C>
where
    C: Clone + Eq + Hash + Ord,
{
    let count: usize = rows.iter().map(Vec::len).sum();
    let mut ids: IdMap<&C, u32> = IdMap::default();
    let mut customers: Vec<&C> = Vec::new();
    let mut row_customer: Vec<u32> = Vec::with_capacity(count);
    for row in rows.iter().flatten() {
        let id = *ids.entry(&row.customer).or_insert_with(|| {
            customers.push(&row.customer);
            // A partition holds fewer than 2^32 customers on any machine this runs on.
            (customers.len() - 1) as u32
        });
        row_customer.push(id);
    }
    drop(ids);
    // Counting sort of the lines by customer.
    let mut starts = vec![0usize; customers.len() + 1];
    for &id in &row_customer {
        starts[id as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut lines = vec![
        DayLine {
            date: NaiveDate::MIN,
            amount: rust_decimal::Decimal::ZERO
        };
        count
    ];
    for (row, &id) in rows.iter().flatten().zip(&row_customer) {
        let slot = &mut next[id as usize];
        lines[*slot] = row.line;
        *slot += 1;
    }
    let mut report = SummaryReport::default();
    let mut dropped = Vec::new();
    let mut summaries = Vec::with_capacity(customers.len());
    let mut order: Vec<u32> = (0..customers.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| customers[a as usize].cmp(customers[b as usize]));
    for id in order.into_iter().map(|i| i as usize) {
        let customer = customers[id];
        let own = &mut lines[starts[id]..starts[id + 1]];
        own.sort_unstable_by_key(|l| l.date);
        let built = settings.build(customer.clone(), own);
        summaries.extend(report.record(built, own.len(), &mut dropped));
    }
    PartitionSummaries {
        summaries,
        dropped,
        report,
    }
}
