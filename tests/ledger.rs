//! Customer ledgers, the mergeable per-customer state: split into parts, shipped as plain parts,
//! merged in any order, they finish into exactly what `summarize` gives (CDNOW and random logs
//! under every policy and scale); forged parts are refused with a typed error, never a panic.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use customer_value::summary::{
    CustomerLedger, DroppedCustomer, LedgerOutcome, LedgerParts, SummaryError,
};
use customer_value::{
    CustomerSummary, LateTransactions, RefundPolicy, Summarizer, SummaryReport, Transaction,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

mod common;
use common::{assert_matches_published_cdnow, cdnow_sample, day_number, without_excess_positions};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// What finishing every customer's ledger gives, gathered as `summarize_with_dropped` gives it.
struct Gathered<C> {
    summaries: Vec<CustomerSummary<C>>,
    dropped: Vec<DroppedCustomer<C>>,
    report: SummaryReport,
    without_counted_line: Vec<C>,
}

/// Feeds each line (amounts in minor units at `scale`) to the ledger of its customer in part
/// `part_of(position)` of `parts`, ships every ledger as parts, merges each customer's parts
/// (in reverse order into an empty ledger, or pairwise as a tree), and finishes them.
fn through_ledgers<C: Clone + Ord>(
    summarizer: &Summarizer, log: &[Transaction<C>], scale: u32, parts: usize,
    part_of: impl Fn(usize) -> usize, tree: bool,
) -> Result<Gathered<C>, SummaryError> {
    let mut ledgers: BTreeMap<C, Vec<CustomerLedger>> = BTreeMap::new();
    for (position, t) in log.iter().enumerate() {
        let customer = ledgers.entry(t.customer.clone()).or_insert_with(|| {
            (0..parts)
                .map(|_| summarizer.ledger(scale).unwrap())
                .collect()
        });
        let minor = t.amount.mantissa() * 10i128.pow(scale - t.amount.scale());
        customer[part_of(position)].add(day_number(t.date), minor)?;
    }
    let mut gathered = Gathered {
        summaries: Vec::new(),
        dropped: Vec::new(),
        report: SummaryReport::default(),
        without_counted_line: Vec::new(),
    };
    for (customer, parts) in ledgers {
        let shipped = parts
            .into_iter()
            .map(|part| CustomerLedger::from_parts(summarizer, part.into_parts()?))
            .collect::<Result<Vec<_>, _>>()?;
        let finished = merged(summarizer, scale, shipped, tree)?.finish(customer.clone())?;
        gathered.report.merge(&finished.report);
        match finished.outcome {
            LedgerOutcome::Summary(s) => gathered.summaries.push(s),
            LedgerOutcome::Dropped(d) => gathered.dropped.push(d),
            LedgerOutcome::NoCountedLine => gathered.without_counted_line.push(customer),
            _ => unreachable!("a new outcome"),
        }
    }
    Ok(gathered)
}

/// The ledgers merged into one: in reverse order into an empty ledger, or pairwise as a tree.
fn merged(
    summarizer: &Summarizer, scale: u32, mut ledgers: Vec<CustomerLedger>, tree: bool,
) -> Result<CustomerLedger, SummaryError> {
    if !tree {
        let mut all = summarizer.ledger(scale)?;
        for ledger in ledgers.into_iter().rev() {
            all.merge(ledger)?;
        }
        return Ok(all);
    }
    while ledgers.len() > 1 {
        let mut pairs = Vec::with_capacity(ledgers.len().div_ceil(2));
        let mut rest = ledgers.into_iter();
        while let Some(mut left) = rest.next() {
            if let Some(right) = rest.next() {
                left.merge(right)?;
            }
            pairs.push(left);
        }
        ledgers = pairs;
    }
    ledgers.pop().map_or_else(|| summarizer.ledger(scale), Ok)
}

#[test]
fn cdnow_through_ledgers_reproduces_the_published_btyd_summary() {
    let log = cdnow_sample();
    let summarizer = Summarizer::new(day(1997, 9, 30));
    let gathered = through_ledgers(&summarizer, &log, 2, 3, |i| i % 3, true).unwrap();
    assert_matches_published_cdnow(&gathered.summaries);
    let (summaries, report, dropped) = summarizer.summarize_with_dropped(&log).unwrap();
    assert_eq!(gathered.summaries, summaries);
    assert_eq!((gathered.dropped, gathered.report), (dropped, report));
    assert!(gathered.without_counted_line.is_empty());
}

fn arbitrary_log() -> impl Strategy<Value = (Vec<(u8, i64, i64)>, u32)> {
    let amount = prop_oneof![4 => 1i64..20_000, 1 => -8_000i64..0, 1 => Just(0i64)];
    (
        prop::collection::vec((0u8..20, 0i64..120, amount), 1..150),
        0u32..=4,
    )
}

/// A summarizer with the policies that let every line through or leave it out (the rejecting
/// ones are tested below), and whether it ignores refunds.
fn arbitrary_summarizer() -> impl Strategy<Value = (Summarizer, bool)> {
    (60i64..130, any::<bool>(), any::<bool>(), 0u32..=4).prop_map(
        |(end, ignore_refunds, keep, money_scale)| {
            let refunds = if ignore_refunds {
                RefundPolicy::Ignore
            } else {
                RefundPolicy::Net
            };
            let summarizer = Summarizer::new(day(2024, 1, 1) + chrono::Duration::days(end))
                .refund_policy(refunds)
                .keep_occasions(keep)
                .money_scale(money_scale);
            (summarizer, ignore_refunds)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ledgers_merged_in_any_split_give_what_summarize_gives(
        (rows, scale) in arbitrary_log(), (summarizer, ignore_refunds) in arbitrary_summarizer(),
        parts in 1usize..6, split in prop::collection::vec(0usize..5, 150), tree in any::<bool>(),
    ) {
        let log: Vec<Transaction<u8>> = rows
            .iter()
            .map(|&(c, d, m)| Transaction::new(c, day(2024, 1, 1) + chrono::Duration::days(d), Decimal::new(m, scale)))
            .collect();
        let gathered = through_ledgers(&summarizer, &log, scale, parts, |i| split[i] % parts, tree).unwrap();
        let counted: std::collections::BTreeSet<u8> = gathered
            .summaries.iter().map(|s| *s.customer())
            .chain(gathered.dropped.iter().map(|d| d.customer))
            .collect();
        let left_out = |t: &Transaction<u8>| {
            t.date > summarizer.observation_end() || (ignore_refunds && t.amount < Decimal::ZERO)
        };
        for c in &gathered.without_counted_line {
            // Every line of such a customer is late or an ignored refund.
            prop_assert!(!counted.contains(c));
            prop_assert!(log.iter().filter(|t| t.customer == *c).all(left_out));
        }
        let customers: std::collections::BTreeSet<u8> = log.iter().map(|t| t.customer).collect();
        prop_assert_eq!(customers.len(), counted.len() + gathered.without_counted_line.len());
        match summarizer.summarize_with_dropped(&log) {
            Ok((summaries, report, dropped)) => {
                prop_assert_eq!(gathered.summaries, summaries);
                prop_assert_eq!(gathered.dropped, dropped);
                prop_assert_eq!(gathered.report, without_excess_positions(report));
            }
            // No customer with an occasion: the ledgers agree, none has a summary.
            Err(_) => prop_assert!(gathered.summaries.is_empty()),
        }
    }

    /// Parts of any shape: refused with a typed error, or a ledger that takes apart, merges and
    /// finishes without a panic.
    #[test]
    fn forged_parts_are_refused_or_work(
        scale in 0u32..32,
        days in prop::collection::vec(prop_oneof![any::<i32>(), 19_700i32..19_760], 0..6),
        nets in prop::collection::vec(prop_oneof![any::<i128>(), -5_000i128..5_000], 0..6),
        refunds in prop::collection::vec(any::<bool>(), 0..6),
        counts in prop::collection::vec(prop_oneof![any::<u64>(), 0u64..8], 6),
    ) {
        let parts = LedgerParts {
            scale, days, net_amounts: nets, has_refund: refunds,
            counted_lines: counts[0], late_lines: counts[1], ignored_refunds: counts[2],
            netted_refunds: counts[3], excess_scale_lines: counts[4], missing_lines: counts[5],
        };
        let summarizer = Summarizer::new(day(2024, 1, 31));
        match CustomerLedger::from_parts(&summarizer, parts.clone()) {
            Err(error) => {
                let typed = matches!(
                    error,
                    SummaryError::InvalidLedger { .. } | SummaryError::InvalidMoneyScale { .. }
                );
                prop_assert!(typed, "{:?}", error);
            }
            Ok(ledger) => {
                prop_assert_eq!(ledger.clone().into_parts().unwrap(), parts.clone());
                let mut twice = ledger.clone();
                if twice.merge(ledger.clone()).is_ok() {
                    let _ = twice.finish(1u8);
                }
                let mut fed = ledger.clone();
                let _ = fed.add(19_723, i128::MAX);
                let _ = fed.add(19_723, 7i64);
                let _ = ledger.finish(1u8);
            }
        }
    }
}

fn valid_parts() -> LedgerParts {
    LedgerParts {
        scale: 2,
        days: vec![19_723, 19_730],
        net_amounts: vec![1_500, -200],
        has_refund: vec![false, true],
        counted_lines: 3,
        late_lines: 1,
        netted_refunds: 1,
        ..LedgerParts::default()
    }
}

#[test]
fn valid_parts_round_trip_and_finish() {
    let summarizer = Summarizer::new(day(2024, 1, 31));
    let ledger = CustomerLedger::from_parts(&summarizer, valid_parts()).unwrap();
    assert_eq!(ledger.clone().into_parts().unwrap(), valid_parts());
    let finished = ledger.finish("c").unwrap();
    let LedgerOutcome::Summary(s) = finished.outcome else {
        panic!("a purchase on 2024-01-01");
    };
    assert_eq!(
        (s.purchase_occasions(), s.total_spend()),
        (1, Decimal::new(1_300, 2))
    );
    // The refund on the 8th, after the first occasion, is netted against repeat spend.
    assert_eq!(s.net_repeat_spend(), Decimal::new(-200, 2));
    assert_eq!(finished.report.lines_read, 4);
    assert_eq!(finished.report.non_positive_days, 1);
}

/// A change to valid parts.
type Forgery = fn(&mut LedgerParts);

#[test]
fn forged_parts_are_refused_naming_the_part() {
    let summarizer = Summarizer::new(day(2024, 1, 31));
    let forged: Vec<(&str, Forgery)> = vec![
        ("net_amounts has 1 values, and days 2", |p| {
            p.net_amounts.truncate(1)
        }),
        ("has_refund has 3 values", |p| p.has_refund.push(false)),
        ("strictly increasing", |p| p.days.reverse()),
        ("outside the calendar", |p| p.days[0] = i32::MIN),
        ("after the observation end", |p| p.days[1] = 19_754),
        ("negative on a day without a refund line", |p| {
            p.has_refund[1] = false
        }),
        ("beyond what 3 lines of at most", |p| {
            p.net_amounts[0] = 10i128.pow(21)
        }),
        ("counted_lines = 1 does not fit 2 days", |p| {
            p.counted_lines = 1
        }),
        ("netted_refunds = 0 is not between", |p| {
            p.netted_refunds = 0
        }),
        ("netted_refunds = 4 is not between", |p| {
            p.netted_refunds = 4
        }),
        ("ignored_refunds = 1, and the refund policy is Net", |p| {
            p.ignored_refunds = 1
        }),
        ("excess_scale_lines = 1, and the scale 2", |p| {
            p.excess_scale_lines = 1
        }),
        ("add up beyond 64 bits", |p| p.missing_lines = u64::MAX),
        ("add up beyond 128 bits", |p| {
            p.counted_lines = u64::MAX / 2;
            p.scale = 20;
            p.net_amounts = vec![i128::MAX / 3 * 2, -(i128::MAX / 3 * 2)];
        }),
    ];
    for (problem, forge) in forged {
        let mut parts = valid_parts();
        forge(&mut parts);
        match CustomerLedger::from_parts(&summarizer, parts) {
            Err(SummaryError::InvalidLedger { problem: got }) => {
                assert!(got.contains(problem), "{got:?} should say {problem:?}")
            }
            other => panic!("{problem}: {other:?}"),
        }
    }
    let strict = summarizer
        .late_transactions(LateTransactions::Reject)
        .refund_policy(RefundPolicy::Reject);
    let error = CustomerLedger::from_parts(&strict, valid_parts()).unwrap_err();
    assert!(error
        .to_string()
        .contains("has_refund[1] is set, and the refund policy Reject"));
    let scale = LedgerParts {
        scale: 29,
        ..valid_parts()
    };
    assert_eq!(
        CustomerLedger::from_parts(&summarizer, scale).unwrap_err(),
        SummaryError::InvalidMoneyScale { scale: 29 }
    );
}

#[test]
fn ledgers_merge_only_with_the_same_settings_and_scale() {
    let summarizer = Summarizer::new(day(2024, 1, 31));
    let mut ledger = summarizer.ledger(2).unwrap();
    for other in [
        summarizer.ledger(3).unwrap(),
        summarizer.keep_occasions(false).ledger(2).unwrap(),
        Summarizer::new(day(2024, 2, 1)).ledger(2).unwrap(),
    ] {
        assert_eq!(
            ledger.merge(other).unwrap_err(),
            SummaryError::IncompatibleAccumulators
        );
    }
    // Counts that would overflow when merged are refused, and the ledger is unchanged.
    let full = LedgerParts {
        missing_lines: u64::MAX / 2,
        ..valid_parts()
    };
    let mut a = CustomerLedger::from_parts(&summarizer, full.clone()).unwrap();
    let b = CustomerLedger::from_parts(&summarizer, full.clone()).unwrap();
    assert!(matches!(
        a.merge(b),
        Err(SummaryError::InvalidLedger { .. })
    ));
    assert_eq!(a.into_parts().unwrap(), full);
}

#[test]
fn adding_lines_applies_the_policies_with_positions_among_the_ledgers_lines() {
    let end = day(2024, 1, 31);
    let strict = Summarizer::new(end)
        .late_transactions(LateTransactions::Reject)
        .refund_policy(RefundPolicy::Reject);
    let mut ledger = strict.ledger(2).unwrap();
    ledger.add(19_723, 500i64).unwrap();
    ledger.add_missing();
    assert_eq!(
        ledger.add(19_760, 100i64).unwrap_err(),
        SummaryError::LateTransaction {
            position: 2,
            date: day(2024, 2, 7),
            observation_end: end
        }
    );
    assert_eq!(
        ledger.add(19_724, -100i64).unwrap_err(),
        SummaryError::Refund {
            position: 2,
            amount: Decimal::new(-100, 2)
        }
    );
    assert_eq!(
        ledger.add(i32::MAX, 1i64).unwrap_err(),
        SummaryError::DayOutOfRange {
            position: 2,
            day: i32::MAX
        }
    );
    assert!(matches!(
        ledger.add(19_724, 10i128.pow(21)).unwrap_err(),
        SummaryError::AmountOutOfRange { position: 2, .. }
    ));
    // Refused lines change nothing.
    let parts = ledger.into_parts().unwrap();
    assert_eq!(
        (parts.days, parts.counted_lines, parts.missing_lines),
        (vec![19_723], 1, 1)
    );
}

#[test]
fn out_of_order_lines_are_netted_per_day_and_memory_stays_within_twice_the_days() {
    let summarizer = Summarizer::new(day(2024, 12, 31)).keep_occasions(false);
    let mut ledger = summarizer.ledger(2).unwrap();
    // 30 days, each fed 40 lines, round-robin: every line is out of order after the first 30.
    for round in 0..40 {
        for d in 0..30 {
            ledger.add(19_723 + d, 100 + i64::from(round)).unwrap();
        }
    }
    assert!(
        ledger.heap_bytes() <= 2 * 64 * 32 * 2,
        "{} bytes",
        ledger.heap_bytes()
    );
    let parts = ledger.into_parts().unwrap();
    assert_eq!(parts.days, (19_723..19_753).collect::<Vec<_>>());
    // Each day: 40 lines of 100 + round cents, rounds 0 to 39.
    assert!(parts.net_amounts.iter().all(|&n| n == 40 * 100 + 780));
    assert_eq!(parts.counted_lines, 1_200);
}

#[test]
fn ledger_sums_beyond_28_digits_round_as_the_decimal_sums_of_summarize() {
    let near_max = 79_000_000_000_000_000_000_000_000_123i128;
    let summarizer = Summarizer::new(day(2024, 1, 31)).money_scale(12);
    let mut ledger = summarizer.ledger(12).unwrap();
    ledger.add(19_723, near_max).unwrap();
    ledger.add(19_723, near_max).unwrap();
    let LedgerOutcome::Summary(s) = ledger.finish(1u8).unwrap().outcome else {
        panic!("a purchase");
    };
    let amount = Decimal::from_i128_with_scale(near_max, 12);
    let log = [
        Transaction::new(1u8, day(2024, 1, 1), amount),
        Transaction::new(1u8, day(2024, 1, 1), amount),
    ];
    assert_eq!(s, summarizer.summarize(&log).unwrap()[0]);
    assert_eq!(
        s.total_spend().to_string(),
        "158000000000000000.00000000025"
    );
}

#[test]
fn a_ledger_is_small_besides_its_days() {
    // A query engine keeps one a group: a million customers' ledgers take 112 MB besides their
    // days (32 bytes a day).
    assert!(std::mem::size_of::<CustomerLedger>() <= 112);
}
