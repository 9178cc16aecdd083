//! The fast path of [`Summarizer::summarize`] over a slice, and of
//! [`Summarizer::summarize_columns`]: a radix-partitioned hash aggregation.
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
use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use super::accumulator::IdMap;
use super::occasions::{Built, DayLine};
use super::policies::earliest as min_date;
use super::{CustomerSummary, DroppedCustomer, Summarizer, SummaryError, SummaryReport};
use crate::transaction::Transaction;

/// Number of partitions: about 4,000 customers each at a million customers, so each partition's
/// map and lines stay in cache.
const PARTITIONS: usize = 256;

/// Rows sampled to choose the splitters.
const SAMPLE: usize = 64 * PARTITIONS;

/// A log that phase 1 reads in parallel chunks of positions: a slice of transactions, or columns.
pub(super) trait PartitionedLog<C>: Sync {
    /// A counted line, as its partition keeps it.
    type Line: Copy + Default + Send + Sync;

    /// Number of lines.
    fn len(&self) -> usize;

    /// The customer of the line at `position`.
    fn customer(&self, position: usize) -> &C;

    /// Reads the lines at `positions`: counts them in `rows.report`, applies the policies and
    /// pushes each counted line into `rows`; the first refused or out-of-range line is the error.
    fn scatter(
        &self, settings: &Summarizer, positions: Range<usize>,
        rows: &mut ChunkRows<'_, C, Self::Line>,
    ) -> Result<(), SummaryError>;

    /// A line's day as a number: any numbering in date order.
    fn day(line: &Self::Line) -> i32;

    /// One customer's summary from its counted lines, sorted by day.
    fn build(&self, settings: &Summarizer, customer: C, lines: &[Self::Line]) -> Built<C>;
}

/// A counted line in its partition.
struct Row<C, L> {
    customer: C,
    line: L,
}

/// One partition's rows, as the chunks copied them.
type PartitionRows<C, L> = Vec<Vec<Row<C, L>>>;

/// Phase 1's output for one chunk of the log.
pub(super) struct ChunkRows<'s, C, L> {
    splitters: &'s [C],
    partitions: Vec<Vec<Row<C, L>>>,
    /// The counts of reading the chunk's lines.
    pub(super) report: SummaryReport,
    /// The earliest date among the chunk's lines (late ones included).
    pub(super) earliest: Option<NaiveDate>,
}

impl<'s, C: Clone + Ord, L> ChunkRows<'s, C, L> {
    fn new(splitters: &'s [C], lines: usize) -> Self {
        let parts = splitters.len() + 1;
        Self {
            splitters,
            // Half again the mean: the splitters, from a sample of 64 ids a partition, leave
            // partitions about 12% apart, and growing a vector copies it (7% of a columnar pass
            // was such copies). Capacity never written is never touched, so costs no memory.
            partitions: (0..parts)
                .map(|_| Vec::with_capacity(lines / parts * 3 / 2 + 64))
                .collect(),
            report: SummaryReport::default(),
            earliest: None,
        }
    }

    /// Copies a counted line into its customer's partition.
    pub(super) fn push(&mut self, customer: &C, line: L) {
        self.partitions[partition_of(self.splitters, customer)].push(Row {
            customer: customer.clone(),
            line,
        });
    }
}

/// Phase 2's output for one partition.
struct PartitionSummaries<C> {
    summaries: Vec<CustomerSummary<C>>,
    dropped: Vec<DroppedCustomer<C>>,
    report: SummaryReport,
}

pub(super) fn summarize<C, L>(
    settings: &Summarizer, log: &L,
) -> Result<super::Summarized<C>, SummaryError>
where
    C: Clone + Eq + Hash + Ord + Send + Sync,
    L: PartitionedLog<C> + ?Sized,
{
    let splitters = splitters(log);
    let len = log.len();
    let chunk_len = (len / (4 * rayon::current_num_threads())).max(1 << 14);
    let chunks: Vec<ChunkRows<C, L::Line>> = (0..len.div_ceil(chunk_len))
        .into_par_iter()
        .map(|chunk| {
            let positions = chunk * chunk_len..len.min((chunk + 1) * chunk_len);
            let mut rows = ChunkRows::new(&splitters, positions.len());
            log.scatter(settings, positions, &mut rows)?;
            Ok(rows)
        })
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
    let mut by_partition: Vec<PartitionRows<C, L::Line>> = (0..=splitters.len())
        .map(|_| Vec::with_capacity(chunks.len()))
        .collect();
    for chunk in chunks {
        for (p, rows) in chunk.partitions.into_iter().enumerate() {
            by_partition[p].push(rows);
        }
    }
    let parts: Vec<PartitionSummaries<C>> = by_partition
        .into_par_iter()
        .map(|rows| aggregate(settings, log, rows))
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

impl<C: Clone + Ord + Send + Sync> PartitionedLog<C> for [Transaction<C>] {
    type Line = DayLine;

    fn len(&self) -> usize {
        <[Transaction<C>]>::len(self)
    }

    fn customer(&self, position: usize) -> &C {
        &self[position].customer
    }

    fn scatter(
        &self, settings: &Summarizer, positions: Range<usize>, rows: &mut ChunkRows<'_, C, DayLine>,
    ) -> Result<(), SummaryError> {
        for (position, t) in positions.clone().zip(&self[positions]) {
            rows.report.lines_read += 1;
            rows.earliest = min_date(rows.earliest, Some(t.date));
            if settings.admit(position, t, &mut rows.report)? {
                let line = DayLine {
                    date: t.date,
                    amount: t.amount,
                };
                rows.push(&t.customer, line);
            }
        }
        Ok(())
    }

    fn day(line: &DayLine) -> i32 {
        line.date.num_days_from_ce()
    }

    fn build(&self, settings: &Summarizer, customer: C, lines: &[DayLine]) -> Built<C> {
        settings.build(customer, lines)
    }
}

/// Up to PARTITIONS − 1 distinct, sorted customer ids from a regular sample of the log.
fn splitters<C: Clone + Ord, L: PartitionedLog<C> + ?Sized>(log: &L) -> Vec<C> {
    let step = (log.len() / SAMPLE).max(1);
    let mut sample: Vec<&C> = (0..log.len())
        .step_by(step)
        .map(|i| log.customer(i))
        .collect();
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

fn aggregate<C, L>(
    settings: &Summarizer, log: &L, rows: PartitionRows<C, L::Line>,
) -> PartitionSummaries<C>
where
    C: Clone + Eq + Hash + Ord,
    L: PartitionedLog<C> + ?Sized,
{
    let grouped = group::<C, L>(&rows);
    let mut report = SummaryReport::default();
    let mut dropped = Vec::new();
    let mut summaries = Vec::with_capacity(grouped.customers.len());
    for (rank, customer) in grouped.customers.iter().enumerate() {
        let own = &grouped.lines[grouped.starts[rank]..grouped.starts[rank + 1]];
        let built = log.build(settings, (*customer).clone(), own);
        summaries.extend(report.record(built, own.len(), &mut dropped));
    }
    PartitionSummaries {
        summaries,
        dropped,
        report,
    }
}

/// A partition's lines grouped by customer, in customer order, each customer's sorted by day.
struct Grouped<'r, C, L> {
    /// The customers, sorted.
    customers: Vec<&'r C>,
    /// Customer k's lines are `lines[starts[k]..starts[k + 1]]`.
    starts: Vec<usize>,
    lines: Vec<L>,
}

fn group<'r, C, L>(rows: &'r PartitionRows<C, L::Line>) -> Grouped<'r, C, L::Line>
where
    C: Eq + Hash + Ord,
    L: PartitionedLog<C> + ?Sized,
{
    let count: usize = rows.iter().map(Vec::len).sum();
    // Room for a customer every 8 lines: growing the map from empty took 1.3% of a pass.
    let mut ids: IdMap<&C, u32> = IdMap::with_capacity_and_hasher(count / 8, Default::default());
    let mut customers: Vec<&C> = Vec::with_capacity(count / 8);
    let mut row_customer: Vec<u32> = Vec::with_capacity(count);
    let mut days: Vec<i32> = Vec::with_capacity(count);
    for row in rows.iter().flatten() {
        let id = *ids.entry(&row.customer).or_insert_with(|| {
            customers.push(&row.customer);
            // A partition holds fewer than 2^32 customers on any machine this runs on.
            (customers.len() - 1) as u32
        });
        row_customer.push(id);
        days.push(L::day(&row.line));
    }
    drop(ids);
    // Renumber the customers in id order, so that their lines are laid out in that order.
    let mut order: Vec<u32> = (0..customers.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| customers[a as usize].cmp(customers[b as usize]));
    let mut rank = vec![0u32; customers.len()];
    for (r, &id) in order.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    for id in &mut row_customer {
        *id = rank[*id as usize];
    }
    let sorted: Vec<&C> = order.iter().map(|&id| customers[id as usize]).collect();
    let lines = rows.iter().flatten().map(|row| row.line);
    let (starts, lines) = by_customer_then_day(lines, &days, &row_customer, sorted.len());
    Grouped {
        customers: sorted,
        starts,
        lines,
    }
}

/// The lines ordered by customer rank, each customer's by day, and where each customer's start.
///
/// When the days span at most a few times as many values as there are lines (any log of a few
/// years: 730 days here), two counting sorts do it, by day and then stably by customer (a
/// least-significant-digit radix sort); sorting each customer's lines instead took 13% of a
/// columnar pass (measured). Otherwise each customer's lines are sorted.
fn by_customer_then_day<L: Copy + Default>(
    lines: impl Iterator<Item = L>, days: &[i32], ranks: &[u32], customers: usize,
) -> (Vec<usize>, Vec<L>) {
    let starts = offsets(ranks.iter().map(|&r| r as usize), customers);
    let mut sorted = vec![L::default(); ranks.len()];
    let lo = days.iter().copied().min().unwrap_or(0);
    let hi = days.iter().copied().max().unwrap_or(0);
    let span = (i64::from(hi) - i64::from(lo) + 1) as usize;
    let mut next = starts.clone();
    if span <= 4 * ranks.len() + 1024 {
        let mut next_of_day = offsets(days.iter().map(|&d| (d - lo) as usize), span);
        let mut by_day = vec![(0u32, L::default()); ranks.len()];
        for ((line, &day), &rank) in lines.zip(days).zip(ranks) {
            let slot = &mut next_of_day[(day - lo) as usize];
            by_day[*slot] = (rank, line);
            *slot += 1;
        }
        for (rank, line) in by_day {
            let slot = &mut next[rank as usize];
            sorted[*slot] = line;
            *slot += 1;
        }
    } else {
        let mut keyed = vec![(0i32, L::default()); ranks.len()];
        for ((line, &day), &rank) in lines.zip(days).zip(ranks) {
            let slot = &mut next[rank as usize];
            keyed[*slot] = (day, line);
            *slot += 1;
        }
        for k in 0..customers {
            keyed[starts[k]..starts[k + 1]].sort_unstable_by_key(|&(day, _)| day);
        }
        for (slot, (_, line)) in sorted.iter_mut().zip(keyed) {
            *slot = line;
        }
    }
    (starts, sorted)
}

/// The start of each of `buckets` buckets (and the end of the last) for a counting sort of keys.
fn offsets(keys: impl Iterator<Item = usize>, buckets: usize) -> Vec<usize> {
    let mut starts = vec![0usize; buckets + 1];
    for key in keys {
        starts[key + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    starts
}
