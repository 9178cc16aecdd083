//! Summaries from columns (`Summarizer::summarize_columns`): the published CDNOW table, equality
//! with `summarize` on the same transactions (random logs under every policy and scale, any line
//! order, any thread count, logs large enough to be split into chunks), and the errors.

use chrono::NaiveDate;
use customer_value::summary::SummaryError;
use customer_value::{LateTransactions, RefundPolicy, Summarizer, Transaction};
use proptest::prelude::*;
use rust_decimal::Decimal;

mod common;
use common::{
    assert_matches_published_cdnow, cdnow_master, cdnow_sample, day_number,
    without_excess_positions,
};
// The SplitMix64 of the benches' synthetic log, for seeded shuffles and a large random log.
#[path = "../benches/common/mod.rs"]
mod synthetic;
use synthetic::splitmix64;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// A log as columns, its amounts in minor units at `scale` (each has at most `scale` decimals).
fn columns<C: Clone>(log: &[Transaction<C>], scale: u32) -> (Vec<C>, Vec<i32>, Vec<i128>) {
    let minor = |amount: Decimal| amount.mantissa() * 10i128.pow(scale - amount.scale());
    (
        log.iter().map(|t| t.customer.clone()).collect(),
        log.iter().map(|t| day_number(t.date)).collect(),
        log.iter().map(|t| minor(t.amount)).collect(),
    )
}

#[test]
fn cdnow_sample_from_columns_reproduces_the_published_btyd_summary() {
    let log = cdnow_sample();
    let (ids, days, cents) = columns(&log, 2);
    let cents: Vec<i64> = cents.into_iter().map(|c| c as i64).collect();
    let summarizer = Summarizer::new(day(1997, 9, 30));
    let summaries = summarizer
        .summarize_columns(&ids, &days, &cents, 2)
        .unwrap();
    assert_matches_published_cdnow(&summaries);
    assert_eq!(summaries, summarizer.summarize(&log).unwrap());
}

#[test]
fn cdnow_master_from_columns_equals_summarize_with_report_and_dropped() {
    let log = cdnow_master();
    let (ids, days, cents) = columns(&log, 2);
    for summarizer in [
        // The whole log (to 1998-06-30), and the calibration end with its late lines.
        Summarizer::new(day(1998, 6, 30)),
        Summarizer::new(day(1997, 9, 30)).keep_occasions(false),
    ] {
        let from_columns = summarizer
            .summarize_columns_with_dropped(&ids, &days, &cents, 2)
            .unwrap();
        assert_eq!(
            from_columns,
            summarizer.summarize_with_dropped(&log).unwrap()
        );
    }
    let all = Summarizer::new(day(1998, 6, 30))
        .summarize_columns(&ids, &days, &cents, 2)
        .unwrap();
    // 23,570 customers made their first purchase in the first quarter of 1997.
    assert_eq!(all.len(), 23_570);
    // $2,500,315.63 in 69,659 lines (a sum of the dollar column, computed with awk).
    let total: Decimal = all.iter().map(|s| s.total_spend()).sum();
    assert_eq!(total, Decimal::new(250_031_563, 2));
}

/// A random log: customers 0 to 29, days over 120 days, amounts in minor units with refunds and
/// zeros, at a scale of 0 to 4 decimals.
/// A quarter of the logs are stretched over 8,000 years before 2024 (day offsets times
/// −25,000): their days span too many values for the counting sort by day, and take the
/// comparison sort.
fn arbitrary_rows() -> impl Strategy<Value = Vec<(u16, i32, i64)>> {
    let amount = prop_oneof![4 => 1i64..20_000, 1 => -8_000i64..0, 1 => Just(0i64)];
    let stretch = prop_oneof![3 => Just(1i32), 1 => Just(-25_000i32)];
    let rows = prop::collection::vec((0u16..30, 0i32..120, amount), 1..160);
    (rows, stretch).prop_map(|(rows, stretch)| {
        rows.into_iter()
            .map(|(c, d, a)| (c, d * stretch, a))
            .collect()
    })
}

fn arbitrary_summarizer() -> impl Strategy<Value = Summarizer> {
    let late = prop_oneof![
        Just(LateTransactions::Exclude),
        Just(LateTransactions::Reject)
    ];
    let refunds = prop_oneof![
        4 => Just(RefundPolicy::Net),
        1 => Just(RefundPolicy::Ignore),
        1 => Just(RefundPolicy::Reject)
    ];
    (60i64..130, late, refunds, any::<bool>(), 0u32..=4).prop_map(
        |(end, late, refunds, keep, money_scale)| {
            Summarizer::new(day(2024, 1, 1) + chrono::Duration::days(end))
                .late_transactions(late)
                .refund_policy(refunds)
                .keep_occasions(keep)
                .money_scale(money_scale)
        },
    )
}

/// The rows as transactions: day `d` is 2024-01-01 + d, `minor` units at `scale`.
fn transactions(rows: &[(u16, i32, i64)], scale: u32) -> Vec<Transaction<u16>> {
    rows.iter()
        .map(|&(c, d, minor)| {
            let date = day(2024, 1, 1) + chrono::Duration::days(i64::from(d));
            Transaction::new(c, date, Decimal::new(minor, scale))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn columns_give_what_transactions_give(
        rows in arbitrary_rows(), summarizer in arbitrary_summarizer(), scale in 0u32..=4,
    ) {
        let log = transactions(&rows, scale);
        let (ids, days, minor) = columns(&log, scale);
        let minor64: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let expected = summarizer.summarize_with_dropped(&log);
        // Errors included: the same error at the same position.
        prop_assert_eq!(&summarizer.summarize_columns_with_dropped(&ids, &days, &minor, scale), &expected);
        prop_assert_eq!(&summarizer.summarize_columns_with_dropped(&ids, &days, &minor64, scale), &expected);
        // And what the accumulator gives, which groups lines in a hash map, not in partitions.
        let mut accumulator = summarizer.accumulator();
        let by_accumulator = accumulator.extend(&log).and_then(|()| accumulator.finish_with_dropped());
        prop_assert_eq!(&by_accumulator, &expected);
    }

    #[test]
    fn columns_in_any_order_give_the_same_summaries(
        rows in arbitrary_rows(), summarizer in arbitrary_summarizer(), seed in any::<u64>(),
    ) {
        let (ids, days, minor) = columns(&transactions(&rows, 2), 2);
        let Ok((summaries, report, dropped)) =
            summarizer.summarize_columns_with_dropped(&ids, &days, &minor, 2)
        else {
            return Ok(());
        };
        let order = shuffled(rows.len(), seed);
        let (ids, days, minor) = (permute(&ids, &order), permute(&days, &order), permute(&minor, &order));
        let (s, r, d) = summarizer.summarize_columns_with_dropped(&ids, &days, &minor, 2).unwrap();
        prop_assert_eq!(s, summaries);
        prop_assert_eq!(d, dropped);
        prop_assert_eq!(without_excess_positions(r), without_excess_positions(report));
    }
}

/// A permutation of 0..n from a seed (Fisher–Yates driven by SplitMix64).
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    for i in (1..n).rev() {
        state = splitmix64(state);
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
}

/// `column` in the order `order`.
fn permute<T: Copy>(column: &[T], order: &[usize]) -> Vec<T> {
    order.iter().map(|&i| column[i]).collect()
}

/// 200,000 lines of 5,000 customers, with refunds, zeros and late lines, and 50 more customers
/// who only return goods: enough lines for the columns to be read in several chunks and split
/// into many partitions.
fn large_rows() -> Vec<(u16, i32, i64)> {
    (0..200_000u64)
        .map(|i| {
            let h = splitmix64(i ^ 0xC0FFEE);
            let refund = -(((h >> 32) % 9_000) as i64) - 1;
            let (customer, amount) = match h % 13 {
                0 if h.is_multiple_of(7) => (5_000 + (h >> 8) as u16 % 50, refund),
                0 => ((h >> 8) as u16 % 5_000, refund),
                1 => ((h >> 8) as u16 % 5_000, 0),
                _ => ((h >> 8) as u16 % 5_000, 100 + ((h >> 24) % 15_000) as i64),
            };
            (customer, ((h >> 40) % 140) as i32, amount)
        })
        .collect()
}

#[test]
fn large_columns_equal_transactions_whatever_the_order_and_thread_count() {
    let rows = large_rows();
    let log = transactions(&rows, 2);
    let (ids, days, cents) = columns(&log, 2);
    let summarizer = Summarizer::new(day(2024, 4, 30)); // day 120: lines after it are late
    let expected = summarizer.summarize_with_dropped(&log).unwrap();
    assert!(expected.1.late_transactions > 0 && expected.1.customers_without_purchase > 0);
    let order = shuffled(rows.len(), 7);
    let (ids_s, days_s, cents_s) = (
        permute(&ids, &order),
        permute(&days, &order),
        permute(&cents, &order),
    );
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let got =
            pool.install(|| summarizer.summarize_columns_with_dropped(&ids, &days, &cents, 2));
        assert_eq!(got.as_ref(), Ok(&expected), "{threads} threads");
        let (s, r, d) = pool
            .install(|| summarizer.summarize_columns_with_dropped(&ids_s, &days_s, &cents_s, 2))
            .unwrap();
        assert_eq!(
            (&s, &d),
            (&expected.0, &expected.2),
            "shuffled, {threads} threads"
        );
        assert_eq!(r, expected.1, "shuffled, {threads} threads");
    }
}

#[test]
fn the_error_reported_is_the_one_of_the_lowest_position() {
    let mut rows: Vec<(u16, i32, i64)> = large_rows()
        .into_iter()
        .map(|(c, d, a)| (c, d, a.abs()))
        .collect();
    rows[150_000].2 = -5;
    rows[70_001].2 = -7;
    let log = transactions(&rows, 2);
    let (ids, days, cents) = columns(&log, 2);
    let strict = Summarizer::new(day(2024, 12, 31)).refund_policy(RefundPolicy::Reject);
    let expected = SummaryError::Refund {
        position: 70_001,
        amount: Decimal::new(-7, 2),
    };
    assert_eq!(strict.summarize(&log).unwrap_err(), expected);
    for threads in [1, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let got = pool.install(|| strict.summarize_columns(&ids, &days, &cents, 2));
        assert_eq!(got.unwrap_err(), expected);
    }
}

#[test]
fn columns_of_other_lengths_are_named() {
    let s = Summarizer::new(day(2024, 1, 31));
    let err = s
        .summarize_columns(&[1u8, 2], &[19_723], &[100i64, 200], 2)
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::LengthMismatch {
            argument: "days",
            length: 1,
            expected: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "the column `days` has 1 values, and `customers` 2"
    );
    let err = s
        .summarize_columns(&[1u8], &[19_723], &[100i64, 200], 2)
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::LengthMismatch {
            argument: "amounts",
            length: 2,
            expected: 1
        }
    );
    assert_eq!(
        s.summarize_columns::<u8, i64>(&[], &[], &[], 2)
            .unwrap_err(),
        SummaryError::EmptyInput
    );
}

#[test]
fn days_and_amounts_out_of_range_are_typed_errors() {
    let s = Summarizer::new(day(2024, 1, 31));
    let err = s
        .summarize_columns(&[1u8, 1], &[19_723, i32::MAX], &[100i64, 1], 2)
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::DayOutOfRange {
            position: 1,
            day: i32::MAX
        }
    );
    // Within a decimal but beyond ±10^18 money units: the error `summarize` gives.
    let beyond = 100_000_000_000_000_000_001i128; // 10^18 + 0.01 at scale 2
    let err = s
        .summarize_columns(&[1u8], &[19_723], &[beyond], 2)
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::AmountOutOfRange {
            position: 0,
            amount: Decimal::from_i128_with_scale(beyond, 2)
        }
    );
    assert_eq!(
        s.summarize_columns(&[1u8], &[19_723], &[-beyond + 1], 2)
            .map(|v| v.len()),
        Err(SummaryError::NoPurchaseOccasions {
            end: day(2024, 1, 31),
            lines_through_end: 1,
            refunds_through_end: 1,
            lines_after_end: 0
        })
    );
    // Not even a decimal (2^96 needs 29 digits): the minor units are named.
    let huge = 1i128 << 96;
    let err = s
        .summarize_columns(&[1u8], &[19_723], &[huge], 12)
        .unwrap_err();
    assert_eq!(
        err,
        SummaryError::MinorUnitsOutOfRange {
            position: 0,
            minor_units: huge,
            scale: 12
        }
    );
    let err = s
        .summarize_columns(&[1u8], &[19_723], &[i128::MIN], 0)
        .unwrap_err();
    assert!(matches!(
        err,
        SummaryError::MinorUnitsOutOfRange {
            minor_units: i128::MIN,
            ..
        }
    ));
    assert_eq!(
        s.summarize_columns(&[1u8], &[19_723], &[1i64], 29)
            .unwrap_err(),
        SummaryError::InvalidMoneyScale { scale: 29 }
    );
}

#[test]
fn sums_beyond_28_digits_take_the_decimal_path_of_summarize() {
    // At scale 12 a line may hold 7.9 × 10^16 money units, and two of them on one day need 29
    // digits: the sum is rounded to 11 decimals, as decimal addition rounds it.
    let near_max = 79_000_000_000_000_000_000_000_000_123i128;
    let ids = [1u8, 1, 1, 2];
    let days = [19_723, 19_723, 19_730, 19_725];
    let amounts = [near_max, near_max, 5, 77];
    let s = Summarizer::new(day(2024, 1, 31)).money_scale(12);
    let log: Vec<Transaction<u8>> = (0..4)
        .map(|i| {
            let date = day(1970, 1, 1) + chrono::Duration::days(i64::from(days[i]));
            Transaction::new(ids[i], date, Decimal::from_i128_with_scale(amounts[i], 12))
        })
        .collect();
    let from_columns = s.summarize_columns(&ids, &days, &amounts, 12).unwrap();
    assert_eq!(from_columns, s.summarize(&log).unwrap());
    assert_eq!(
        from_columns[0].first_occasion_amount().to_string(),
        "158000000000000000.00000000025"
    );
}
