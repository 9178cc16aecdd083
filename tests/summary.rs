//! Customer summaries: the CDNOW reference table, hand-made logs for every rule, and properties.

use chrono::NaiveDate;
use customer_value::summary::{CalendarPeriod, DropReason, SummaryError};
use customer_value::{
    LateTransactions, RefundPolicy, Summarizer, SummaryReport, TimeUnit, Transaction,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

mod common;
use common::{assert_matches_published_cdnow, cdnow_sample};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn money(s: &str) -> Decimal {
    s.parse().expect("valid test amount")
}

#[test]
fn cdnow_sample_reproduces_the_published_btyd_summary() {
    let log = cdnow_sample();
    assert_eq!(log.len(), 6919);
    let (summaries, report) = Summarizer::new(day(1997, 9, 30))
        .summarize_with_report(&log)
        .unwrap();
    assert_matches_published_cdnow(&summaries);
    // Every line after 1997-09-30 is left out and counted, none silently mixed in.
    let late = log.iter().filter(|t| t.date > day(1997, 9, 30)).count() as u64;
    assert_eq!(report.late_transactions, late);
    assert_eq!(report.lines_used + late, 6919);
}

#[test]
fn cdnow_calibration_holdout_counts_holdout_occasions() {
    let log = cdnow_sample();
    let split = Summarizer::new(day(1998, 6, 30))
        .calibration_holdout(&log, day(1997, 9, 30))
        .unwrap();
    assert_eq!(split.len(), 2357);
    let first = &split[0];
    assert_eq!(*first.calibration.customer(), 1);
    assert_eq!(first.holdout_days, 273);
    // Customer 1 bought on 1997-01-01, 01-18, 08-02 and once more in the holdout, 1997-12-12.
    assert_eq!(first.holdout_purchases, 1);
    let total: u64 = split.iter().map(|s| s.holdout_purchases).sum();
    // Independently: distinct (customer, day) pairs after the calibration end.
    let mut pairs: Vec<(u32, NaiveDate)> = log
        .iter()
        .filter(|t| t.date > day(1997, 9, 30))
        .map(|t| (t.customer, t.date))
        .collect();
    pairs.sort();
    pairs.dedup();
    assert_eq!(total, pairs.len() as u64);
}

fn t(c: u32, date: NaiveDate, amount: &str) -> Transaction<u32> {
    Transaction::new(c, date, money(amount))
}

#[test]
fn same_day_lines_are_one_occasion() {
    let log = [
        t(1, day(2024, 1, 2), "10.00"),
        t(1, day(2024, 1, 2), "5.50"),
        t(1, day(2024, 1, 9), "4.50"),
    ];
    let s = Summarizer::new(day(2024, 1, 31)).summarize(&log).unwrap();
    assert_eq!(s[0].transactions(), 3);
    assert_eq!(s[0].purchase_occasions(), 2);
    assert_eq!(s[0].first_occasion_amount(), money("15.50"));
    assert_eq!(s[0].mean_repeat_spend(), Some(money("4.50")));
    assert_eq!(s[0].average_order_value(), money("10.00"));
    let occ = s[0].occasions().unwrap();
    assert_eq!(occ.len(), 2);
    assert_eq!(
        (occ[0].date, occ[0].amount),
        (day(2024, 1, 2), money("15.50"))
    );
}

#[test]
fn refunds_are_netted_by_default_and_refund_days_are_not_occasions() {
    let log = [
        t(1, day(2024, 1, 2), "100"),
        t(1, day(2024, 1, 5), "-30"),
        t(1, day(2024, 1, 7), "20"),
        t(1, day(2024, 1, 7), "-20"), // nets to zero: not an occasion
        t(1, day(2024, 1, 9), "40"),
        t(1, day(2024, 1, 9), "-10"), // nets to 30: an occasion of 30
    ];
    let (s, report) = Summarizer::new(day(2024, 1, 31))
        .summarize_with_report(&log)
        .unwrap();
    assert_eq!(s[0].purchase_occasions(), 2);
    assert_eq!(s[0].total_spend(), money("100"));
    assert_eq!(s[0].repeat_spend(), money("30"));
    assert_eq!(s[0].last_purchase(), day(2024, 1, 9));
    assert_eq!(report.netted_refunds, 3);
    assert_eq!(report.non_positive_days, 2);
}

#[test]
fn a_free_purchase_is_an_occasion_but_a_cancelled_day_is_not() {
    let log = [
        t(1, day(2024, 1, 2), "0.00"), // a free item, as CDNOW's $0.00 CDs
        t(1, day(2024, 1, 5), "12"),
        t(1, day(2024, 1, 5), "-12"), // bought and returned the same day
    ];
    let s = Summarizer::new(day(2024, 1, 31)).summarize(&log).unwrap();
    assert_eq!(s[0].purchase_occasions(), 1);
    assert_eq!(s[0].first_purchase(), day(2024, 1, 2));
    assert_eq!(s[0].last_purchase(), day(2024, 1, 2));
}

#[test]
fn net_total_may_be_negative() {
    let log = [t(1, day(2024, 1, 2), "10"), t(1, day(2024, 1, 3), "-25")];
    let s = Summarizer::new(day(2024, 1, 31)).summarize(&log).unwrap();
    assert_eq!(s[0].total_spend(), money("-15"));
    assert_eq!(s[0].purchase_occasions(), 1);
}

#[test]
fn ignored_refunds_are_counted_and_rejected_refunds_name_the_line() {
    let log = [t(1, day(2024, 1, 2), "10"), t(1, day(2024, 1, 3), "-4")];
    let (s, report) = Summarizer::new(day(2024, 1, 31))
        .refund_policy(RefundPolicy::Ignore)
        .summarize_with_report(&log)
        .unwrap();
    assert_eq!(s[0].total_spend(), money("10"));
    assert_eq!(report.ignored_refunds, 1);
    let err = Summarizer::new(day(2024, 1, 31))
        .refund_policy(RefundPolicy::Reject)
        .summarize(&log)
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::Refund {
            position: 1,
            amount: money("-4")
        }
    );
}

#[test]
fn late_lines_are_excluded_and_reported_or_rejected_and_the_end_date_counts() {
    let end = day(2024, 1, 31);
    let log = [
        t(1, day(2024, 1, 2), "10"),
        t(1, end, "5"),
        t(2, day(2024, 2, 1), "99"),
    ];
    let (s, report) = Summarizer::new(end).summarize_with_report(&log).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].last_purchase(), end);
    assert_eq!(s[0].recency_days(), 0);
    assert_eq!(
        report,
        SummaryReport {
            lines_read: 3,
            lines_used: 2,
            late_transactions: 1,
            ..SummaryReport::default()
        }
    );
    let err = Summarizer::new(end)
        .late_transactions(LateTransactions::Reject)
        .summarize(&log)
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::LateTransaction {
            position: 2,
            date: day(2024, 2, 1),
            observation_end: end
        }
    );
}

#[test]
fn customers_without_a_positive_day_have_no_row_and_are_reported() {
    let log = [
        t(1, day(2024, 1, 2), "10"),
        t(2, day(2024, 1, 3), "-5"),
        t(2, day(2024, 1, 4), "2"),
        t(2, day(2024, 1, 4), "-2"),
    ];
    let (s, report) = Summarizer::new(day(2024, 1, 31))
        .summarize_with_report(&log)
        .unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(report.customers_without_purchase, 1);
    assert_eq!(report.lines_of_customers_without_purchase, 3);
}

#[test]
fn bad_input_gets_typed_errors() {
    let empty: [Transaction<u32>; 0] = [];
    assert_eq!(
        Summarizer::new(day(2024, 1, 1))
            .summarize(&empty)
            .unwrap_err(),
        SummaryError::EmptyInput
    );
    let log = [t(1, day(2024, 3, 2), "10")];
    assert_eq!(
        Summarizer::new(day(2024, 1, 1))
            .summarize(&log)
            .unwrap_err(),
        SummaryError::ObservationEndBeforeData {
            observation_end: day(2024, 1, 1),
            earliest: day(2024, 3, 2)
        }
    );
    let refunds_only = [t(1, day(2024, 1, 1), "-10")];
    assert_eq!(
        Summarizer::new(day(2024, 1, 9))
            .summarize(&refunds_only)
            .unwrap_err(),
        SummaryError::NoPurchaseOccasions {
            end: day(2024, 1, 9),
            lines_through_end: 1,
            refunds_through_end: 1,
            lines_after_end: 0
        }
    );
    assert!(matches!(
        Summarizer::new(day(2024, 1, 9)).calibration_holdout(&log, day(2024, 1, 9)),
        Err(SummaryError::CalibrationEndNotBeforeObservationEnd { .. })
    ));
    let huge = [
        t(1, day(2024, 1, 1), "5"),
        Transaction::new(2, day(2024, 1, 2), Decimal::MAX),
    ];
    assert_eq!(
        Summarizer::new(day(2024, 1, 9))
            .summarize(&huge)
            .unwrap_err(),
        SummaryError::AmountOutOfRange {
            position: 1,
            amount: Decimal::MAX
        }
    );
    // 10^18 itself is accepted, and a trillion with four decimals is summed exactly.
    let big = [
        Transaction::new(1, day(2024, 1, 1), customer_value::summary::MAX_AMOUNT),
        Transaction::new(2, day(2024, 1, 1), money("999999999999.9999")),
        Transaction::new(2, day(2024, 1, 2), money("999999999999.9999")),
    ];
    let s = Summarizer::new(day(2024, 1, 9)).summarize(&big).unwrap();
    assert_eq!(s[1].total_spend(), money("1999999999999.9998"));
    let mut a = Summarizer::new(day(2024, 1, 9)).accumulator::<u32>();
    let b = Summarizer::new(day(2024, 1, 10)).accumulator::<u32>();
    assert_eq!(
        a.merge(b).unwrap_err(),
        SummaryError::IncompatibleAccumulators
    );
}

#[test]
fn lean_summaries_drop_occasions_but_keep_every_figure() {
    let log = cdnow_sample();
    let full = Summarizer::new(day(1997, 9, 30)).summarize(&log).unwrap();
    let lean = Summarizer::new(day(1997, 9, 30))
        .keep_occasions(false)
        .summarize(&log)
        .unwrap();
    for (f, l) in full.iter().zip(&lean) {
        assert!(l.occasions().is_none());
        assert_eq!(f.btyd(TimeUnit::Days), l.btyd(TimeUnit::Days));
        assert_eq!(f.total_spend(), l.total_spend());
        assert_eq!(f.repeat_spend(), l.repeat_spend());
    }
}

fn arbitrary_log() -> impl Strategy<Value = Vec<Transaction<u16>>> {
    prop::collection::vec((0u16..40, 0i64..120, -5_000i64..20_000), 1..200).prop_map(|rows| {
        rows.into_iter()
            .map(|(c, offset, cents)| {
                Transaction::new(
                    c,
                    day(2024, 1, 1) + chrono::Duration::days(offset),
                    Decimal::new(cents, 2),
                )
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn output_does_not_depend_on_input_order(log in arbitrary_log(), seed in any::<u64>()) {
        let summarizer = Summarizer::new(day(2024, 3, 31));
        let mut shuffled = log.clone();
        // A deterministic shuffle driven by the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = summarizer.summarize_with_report(&log);
        let b = summarizer.summarize_with_report(&shuffled);
        match (a, b) {
            (Ok((sa, ra)), Ok((sb, rb))) => {
                prop_assert_eq!(sa, sb);
                prop_assert_eq!(ra.lines_used, rb.lines_used);
                prop_assert_eq!(ra.late_transactions, rb.late_transactions);
            }
            (Err(ea), Err(eb)) => prop_assert_eq!(ea, eb),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
        }
    }

    #[test]
    fn merging_any_split_equals_one_pass(log in arbitrary_log(), cut in 0usize..200, cut2 in 0usize..200) {
        let summarizer = Summarizer::new(day(2024, 3, 31));
        let (c1, c2) = (cut.min(log.len()), cut2.min(log.len()));
        let (lo, hi) = (c1.min(c2), c1.max(c2));
        let mut parts: Vec<_> = [&log[..lo], &log[lo..hi], &log[hi..]]
            .iter()
            .map(|chunk| {
                let mut acc = summarizer.accumulator();
                acc.extend(chunk).unwrap();
                acc
            })
            .collect();
        // (a ⊕ b) ⊕ c and a ⊕ (b ⊕ c) give the one-pass result.
        let c = parts.pop().unwrap();
        let b = parts.pop().unwrap();
        let a = parts.pop().unwrap();
        let mut left = a.clone();
        left.merge(b.clone()).unwrap();
        left.merge(c.clone()).unwrap();
        let mut right_tail = b;
        right_tail.merge(c).unwrap();
        let mut right = a;
        right.merge(right_tail).unwrap();
        let one_pass = summarizer.summarize_with_report(&log);
        let left = left.finish();
        let right = right.finish();
        prop_assert_eq!(&left, &right);
        prop_assert_eq!(left, one_pass);
    }

    #[test]
    fn summaries_are_consistent(log in arbitrary_log()) {
        if let Ok((rows, report)) = Summarizer::new(day(2024, 3, 31)).summarize_with_report(&log) {
            prop_assert!(rows.windows(2).all(|w| w[0].customer() < w[1].customer()));
            let used: u64 = rows.iter().map(|s| s.transactions()).sum();
            prop_assert_eq!(used, report.lines_used);
            prop_assert_eq!(report.lines_used + report.lines_of_customers_without_purchase + report.late_transactions, report.lines_read);
            for s in &rows {
                prop_assert!(s.first_purchase() <= s.last_purchase());
                prop_assert!(s.purchase_occasions() >= 1);
                let b = s.btyd(TimeUnit::Days);
                prop_assert!(b.recency <= b.age);
                prop_assert!(b.mean_repeat_spend >= 0.0);
                // Occasions and refund days hold every counted line of the customer.
                let occasions: Decimal = s.occasions().unwrap().iter().map(|o| o.amount).sum();
                let refunds: Decimal = s.refund_days().unwrap().iter().map(|r| r.amount).sum();
                prop_assert_eq!(occasions + refunds, s.total_spend());
                let before: Decimal = s.refund_days().unwrap().iter()
                    .filter(|r| r.date < s.first_purchase()).map(|r| r.amount).sum();
                prop_assert_eq!(s.first_occasion_amount() + s.net_repeat_spend() + before, s.total_spend());
                if let Some(mean) = s.mean_repeat_spend() {
                    prop_assert!(mean > Decimal::ZERO);
                }
            }
        }
    }

    #[test]
    fn kept_and_dropped_customers_reconcile_with_the_counted_lines(log in arbitrary_log()) {
        let end = day(2024, 3, 31);
        if let Ok((rows, report, dropped)) = Summarizer::new(end).summarize_with_dropped(&log) {
            let counted: Decimal = log.iter().filter(|t| t.date <= end).map(|t| t.amount).sum();
            let kept: Decimal = rows.iter().map(|s| s.total_spend()).sum();
            let left_out: Decimal = dropped.iter().map(|d| d.net_amount).sum();
            prop_assert_eq!(kept + left_out, counted);
            prop_assert_eq!(left_out, report.net_of_customers_without_purchase);
            prop_assert_eq!(dropped.len() as u64, report.customers_without_purchase);
            prop_assert!(dropped.windows(2).all(|w| w[0].customer < w[1].customer));
            // The accumulator names the same customers.
            let mut acc = Summarizer::new(end).accumulator();
            acc.extend(&log).unwrap();
            let (_, _, from_acc) = acc.finish_with_dropped().unwrap();
            prop_assert_eq!(from_acc, dropped);
        }
    }
}

#[test]
fn refunds_on_other_days_are_netted_against_repeat_spend_and_named_when_nothing_is_left() {
    let log = [
        t(1, day(2024, 1, 1), "-7"), // before the first occasion: total spend only
        t(1, day(2024, 1, 2), "100"),
        t(1, day(2024, 1, 5), "-30"), // after it: netted against repeat spend
        t(1, day(2024, 1, 9), "40"),
        t(2, day(2024, 1, 2), "10"),
        t(2, day(2024, 1, 3), "50"),
        t(2, day(2024, 1, 4), "-60"), // takes back more than the repeat: no positive mean
        t(3, day(2024, 1, 2), "12"),
        t(3, day(2024, 1, 2), "-12"), // bought and cancelled the same day: no occasion
    ];
    let (s, report, dropped) = Summarizer::new(day(2024, 1, 31))
        .summarize_with_dropped(&log)
        .unwrap();
    assert_eq!(s[0].total_spend(), money("103"));
    assert_eq!(
        (s[0].repeat_spend(), s[0].net_repeat_spend()),
        (money("40"), money("10"))
    );
    assert_eq!(s[0].mean_repeat_spend(), Some(money("10")));
    let refund_days: Vec<_> = s[0].refund_days().unwrap().iter().map(|r| r.date).collect();
    assert_eq!(refund_days, [day(2024, 1, 1), day(2024, 1, 5)]);
    assert_eq!(s[1].net_repeat_spend(), money("-10"));
    assert_eq!(s[1].mean_repeat_spend(), None);
    assert_eq!(s[1].btyd(TimeUnit::Days).mean_repeat_spend, 0.0);
    assert_eq!(dropped.len(), 1);
    assert_eq!(
        (dropped[0].customer, dropped[0].lines, dropped[0].net_amount),
        (3, 2, money("0"))
    );
    assert_eq!(dropped[0].reason, DropReason::NoPurchaseOccasion);
    assert_eq!(report.net_of_customers_without_purchase, money("0"));
}

#[test]
fn amounts_beyond_the_money_scale_are_counted_and_located() {
    let log = [
        t(1, day(2024, 1, 2), "10.50"),
        t(1, day(2024, 1, 3), "6650.0400000000000004440892"),
        t(2, day(2024, 1, 3), "1.2500"), // trailing zeros: not beyond the scale
        t(2, day(2024, 1, 4), "0.125"),
    ];
    let (_, report) = Summarizer::new(day(2024, 1, 31))
        .summarize_with_report(&log)
        .unwrap();
    assert_eq!(report.excess_scale_amounts, 2);
    assert_eq!(report.first_excess_scale_positions, [1, 3]);
    let (_, report) = Summarizer::new(day(2024, 1, 31))
        .money_scale(3)
        .summarize_with_report(&log)
        .unwrap();
    assert_eq!(report.first_excess_scale_positions, [1]);
    assert_eq!(
        Summarizer::new(day(2024, 1, 31))
            .money_scale(40)
            .summarize(&log)
            .unwrap_err(),
        SummaryError::InvalidMoneyScale { scale: 40 }
    );
}

/// Larger than one chunk of the parallel path, so the scatter/aggregate phases and the
/// accumulator path are compared on many chunks and partitions.
#[test]
fn the_parallel_path_equals_the_accumulator_on_a_large_log() {
    let log: Vec<Transaction<u64>> = (0..200_000u64)
        .map(|i| {
            let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
            let amount = Decimal::new((h % 9_000) as i64 - 1_000, 2);
            Transaction::new(
                h % 5_000,
                day(2023, 1, 1) + chrono::Duration::days((h >> 20) as i64 % 500),
                amount,
            )
        })
        .collect();
    let summarizer = Summarizer::new(day(2024, 3, 1));
    let fast = summarizer.summarize_with_report(&log).unwrap();
    let mut acc = summarizer.accumulator();
    acc.extend(&log).unwrap();
    assert_eq!(fast, acc.finish().unwrap());
    // The first offending line is named, whatever chunk it falls in.
    let err = summarizer
        .refund_policy(RefundPolicy::Reject)
        .summarize(&log)
        .unwrap_err();
    let first_refund = log
        .iter()
        .position(|t| t.amount.is_sign_negative() && !t.amount.is_zero())
        .unwrap();
    assert!(matches!(err, SummaryError::Refund { position, .. } if position == first_refund));
}

/// CDNOW in calendar weeks (Monday–Sunday) and months, against figures computed independently
/// with pandas as lifetimes' `summary_data_from_transaction_data(freq='W' / 'M')` does (periods
/// with `to_period`, one occasion per customer-period, T and t_x in whole periods, z̄ the mean of
/// the later periods' sums); the script is not committed, its figures are written here.
#[test]
fn cdnow_in_calendar_periods_matches_pandas_periods() {
    let log = cdnow_sample();
    let summaries = Summarizer::new(day(1997, 9, 30)).summarize(&log).unwrap();
    // (period, Σx, Σt_x, ΣT, customers with x > 0, Σz̄, [(id, x, t_x, T, z̄)])
    type Customer = (u32, f64, f64, f64, f64);
    type Expected = (CalendarPeriod, f64, f64, f64, usize, f64, [Customer; 3]);
    let expected: [Expected; 2] = [
        (
            CalendarPeriod::Week,
            2216.0,
            16128.0,
            77748.0,
            929,
            35379.6966,
            [
                (18, 1.0, 5.0, 39.0, 9.99),
                (1000, 4.0, 25.0, 34.0, 16.26),
                (2357, 0.0, 0.0, 27.0, 0.0),
            ],
        ),
        (
            CalendarPeriod::Month,
            1625.0,
            3642.0,
            16561.0,
            855,
            37358.6921,
            [
                (18, 1.0, 1.0, 8.0, 9.99),
                (1000, 4.0, 5.0, 7.0, 16.26),
                (2357, 0.0, 0.0, 6.0, 0.0),
            ],
        ),
    ];
    for (period, x, t_x, t, repeaters, zbar, customers) in expected {
        let rows: Vec<_> = summaries
            .iter()
            .map(|s| s.btyd_calendar(period).unwrap())
            .collect();
        assert_eq!(
            rows.iter().map(|b| b.frequency).sum::<f64>(),
            x,
            "{period:?}"
        );
        assert_eq!(
            rows.iter().map(|b| b.recency).sum::<f64>(),
            t_x,
            "{period:?}"
        );
        assert_eq!(rows.iter().map(|b| b.age).sum::<f64>(), t, "{period:?}");
        assert_eq!(rows.iter().filter(|b| b.frequency > 0.0).count(), repeaters);
        let sum_zbar: f64 = rows.iter().map(|b| b.mean_repeat_spend).sum();
        assert!(
            (sum_zbar - zbar).abs() < 1e-3,
            "{period:?}: {sum_zbar} vs {zbar}"
        );
        for (id, x, t_x, t, zbar) in customers {
            let s = summaries.iter().find(|s| *s.customer() == id).unwrap();
            let b = s.btyd_calendar(period).unwrap();
            assert_eq!(
                (b.frequency, b.recency, b.age),
                (x, t_x, t),
                "{id} {period:?}"
            );
            assert!((b.mean_repeat_spend - zbar).abs() < 1e-9, "{id} {period:?}");
        }
    }
    // 151 customers bought on two days of one calendar week: x differs for each of them.
    let merged = summaries
        .iter()
        .filter(|s| {
            s.btyd_calendar(CalendarPeriod::Week).unwrap().frequency
                < s.btyd(TimeUnit::Weeks).frequency
        })
        .count();
    assert_eq!(merged, 151);
    // Lean summaries keep no occasions: no calendar view.
    let lean = Summarizer::new(day(1997, 9, 30))
        .keep_occasions(false)
        .summarize(&log)
        .unwrap();
    assert!(lean[0].btyd_calendar(CalendarPeriod::Week).is_none());
}

/// CDNOW has no refunds: no refund day, and the net repeat spend is the repeat spend, so every
/// published CDNOW figure (z̄ above) is unchanged by the refund rule.
#[test]
fn cdnow_has_no_refund_days_so_its_spend_figures_are_unchanged() {
    let summaries = Summarizer::new(day(1997, 9, 30))
        .summarize(&cdnow_sample())
        .unwrap();
    for s in &summaries {
        assert!(s.refund_days().unwrap().is_empty());
        assert_eq!(s.net_repeat_spend(), s.repeat_spend());
        let repeats = Decimal::from(s.purchase_occasions() - 1);
        let old = (s.purchase_occasions() > 1 && s.repeat_spend() > Decimal::ZERO)
            .then(|| s.repeat_spend() / repeats);
        assert_eq!(s.mean_repeat_spend(), old);
    }
}
