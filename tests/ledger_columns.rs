//! Ledgers through shared columns (`append_parts`, `merge_parts`, `clear`): the same ledgers,
//! the same checks and the same errors as through `into_parts`, `from_parts` and `merge`.

use chrono::NaiveDate;
use customer_value::summary::{CustomerLedger, LedgerCounters, LedgerParts};
use customer_value::{RefundPolicy, Summarizer};
use proptest::prelude::*;

/// The observation end, 2024-01-31 (day 19,753).
fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 31).unwrap()
}

/// Three columns shared by many ledgers, with each ledger's row offsets and counters.
#[derive(Default)]
struct Columns {
    days: Vec<i32>,
    nets: Vec<i128>,
    refunds: Vec<bool>,
    rows: Vec<(usize, usize, LedgerCounters)>,
}

impl Columns {
    fn push(&mut self, ledger: &mut CustomerLedger) {
        let start = self.days.len();
        let counters = ledger
            .append_parts(&mut self.days, &mut self.nets, &mut self.refunds)
            .unwrap();
        self.rows.push((start, self.days.len(), counters));
    }

    fn merge_row(&self, row: usize, into: &mut CustomerLedger) {
        let (start, stop, counters) = self.rows[row];
        let range = start..stop;
        into.merge_parts(
            &self.days[range.clone()],
            &self.nets[range.clone()],
            &self.refunds[range],
            counters,
        )
        .unwrap();
    }
}

/// The parts of `ledger` with its counters, as `into_parts` gives them.
fn counters_of(parts: &LedgerParts) -> LedgerCounters {
    LedgerCounters {
        counted_lines: parts.counted_lines,
        late_lines: parts.late_lines,
        ignored_refunds: parts.ignored_refunds,
        netted_refunds: parts.netted_refunds,
        excess_scale_lines: parts.excess_scale_lines,
        missing_lines: parts.missing_lines,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A customer's lines split over `parts` ledgers, shipped through shared columns (and
    /// through a ledger cleared and reused) and merged back, give the ledger of
    /// `from_parts` and `merge`, and its summary.
    #[test]
    fn columns_carry_ledgers_as_parts_do(
        lines in prop::collection::vec((0usize..4, 19_690i32..19_760, -3_000i64..5_000, any::<bool>()), 0..60),
        ignore in any::<bool>(),
    ) {
        let policy = if ignore { RefundPolicy::Ignore } else { RefundPolicy::Net };
        let summarizer = Summarizer::new(end()).refund_policy(policy);
        let mut parts: Vec<CustomerLedger> = (0..4).map(|_| summarizer.ledger(2).unwrap()).collect();
        for &(part, day, cents, missing) in &lines {
            if missing {
                parts[part].add_missing();
            } else {
                parts[part].add(day, cents).unwrap();
            }
        }
        let mut columns = Columns::default();
        let mut reused = summarizer.ledger(2).unwrap();
        for ledger in &parts {
            reused.clear();
            reused.merge(ledger.clone()).unwrap();
            columns.push(&mut reused);
        }
        let mut through_columns = summarizer.ledger(2).unwrap();
        let mut through_parts = summarizer.ledger(2).unwrap();
        for (row, ledger) in parts.into_iter().enumerate().rev() {
            columns.merge_row(row, &mut through_columns);
            through_parts.merge(CustomerLedger::from_parts(&summarizer, ledger.into_parts().unwrap()).unwrap()).unwrap();
        }
        prop_assert_eq!(through_columns.counters(), through_parts.counters());
        prop_assert_eq!(through_columns.clone().finish(1u8).unwrap(), through_parts.clone().finish(1u8).unwrap());
        prop_assert_eq!(through_columns.into_parts().unwrap(), through_parts.into_parts().unwrap());
    }

    /// Parts of any shape: `merge_parts` refuses exactly those `from_parts` refuses, with its
    /// message, and a refused merge leaves the ledger as it was.
    #[test]
    fn merge_parts_checks_as_from_parts_does(
        days in prop::collection::vec(prop_oneof![any::<i32>(), 19_700i32..19_760], 0..5),
        nets in prop::collection::vec(prop_oneof![any::<i128>(), -5_000i128..5_000], 0..5),
        refunds in prop::collection::vec(any::<bool>(), 0..5),
        counts in prop::collection::vec(prop_oneof![any::<u64>(), 0u64..8], 6),
    ) {
        let parts = LedgerParts {
            scale: 2, days, net_amounts: nets, has_refund: refunds,
            counted_lines: counts[0], late_lines: counts[1], ignored_refunds: counts[2],
            netted_refunds: counts[3], excess_scale_lines: counts[4], missing_lines: counts[5],
        };
        let summarizer = Summarizer::new(end());
        let mut ledger = summarizer.ledger(2).unwrap();
        ledger.add(19_700, 1_000i64).unwrap();
        let before = ledger.clone().into_parts().unwrap();
        let merged = ledger.merge_parts(&parts.days, &parts.net_amounts, &parts.has_refund, counters_of(&parts));
        match CustomerLedger::from_parts(&summarizer, parts.clone()) {
            Err(refused) => {
                prop_assert_eq!(merged.unwrap_err(), refused);
                prop_assert_eq!(ledger.into_parts().unwrap(), before);
            }
            Ok(other) => {
                let mut expected = summarizer.ledger(2).unwrap();
                expected.add(19_700, 1_000i64).unwrap();
                match expected.merge(other) {
                    Ok(()) => {
                        prop_assert!(merged.is_ok());
                        prop_assert_eq!(ledger.into_parts().ok(), expected.into_parts().ok());
                    }
                    Err(refused) => prop_assert_eq!(merged.unwrap_err(), refused),
                }
            }
        }
    }
}

#[test]
fn many_unsorted_merges_keep_the_days_within_twice_the_distinct_days() {
    // A query engine merges a customer's one-line states in any order: 1,000 of them on 10
    // days stay a list of at most 2 × 16 days between nettings, not 1,000.
    let summarizer = Summarizer::new(end());
    let mut ledger = summarizer.ledger(2).unwrap();
    let one = LedgerCounters {
        counted_lines: 1,
        ..LedgerCounters::default()
    };
    for k in 0..1_000 {
        let day = 19_740 - (k * 7 % 10);
        ledger.merge_parts(&[day], &[100], &[false], one).unwrap();
        assert!(
            ledger.heap_bytes() <= 64 * 32,
            "{} bytes after {k} merges",
            ledger.heap_bytes()
        );
    }
    let parts = ledger.into_parts().unwrap();
    assert_eq!(parts.days.len(), 10);
    assert_eq!(parts.net_amounts.iter().sum::<i128>(), 100_000);
    assert_eq!(parts.counted_lines, 1_000);
}
