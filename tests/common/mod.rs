//! The test data shared by the integration tests: the bundled CDNOW logs, a synthetic log, and
//! the table of the lifecycle rules' thresholds the hostile tests walk.

#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use customer_value::clv::RepeatHistory;
use customer_value::lifecycle::LifecycleRules;
use customer_value::{CustomerSummary, Summarizer, SummaryReport, TimeUnit, Transaction};
use rust_decimal::Decimal;

/// The CDNOW master log (`customer_id date cds dollars`, a header line), keyed by customer id.
pub fn cdnow_master() -> Vec<Transaction<u32>> {
    include_str!("../../examples/data/CDNOW_master.txt")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let date = NaiveDate::parse_from_str(f[1], "%Y%m%d").expect("CDNOW date");
            Transaction::new(
                f[0].parse().expect("id"),
                date,
                f[3].parse().expect("amount"),
            )
        })
        .collect()
}

/// The CDNOW 1/10 sample (`master_id sample_id date cds dollars`), keyed by the sample id the
/// published tables use.
pub fn cdnow_sample() -> Vec<Transaction<u32>> {
    include_str!("../data/CDNOW_sample.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let date = NaiveDate::parse_from_str(f[2], "%Y%m%d").expect("CDNOW date");
            Transaction::new(
                f[1].parse().expect("id"),
                date,
                f[4].parse().expect("amount"),
            )
        })
        .collect()
}

/// The CDNOW sample split as Fader, Hardie & Lee (2005) split it: calibration to 1997-09-30,
/// holdout to 1998-06-30; per customer the calibration history in weeks and the holdout
/// purchase occasions.
pub fn cdnow_sample_split() -> (Vec<RepeatHistory>, Vec<f64>) {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
    let split = Summarizer::new(day(1998, 6, 30))
        .calibration_holdout(&cdnow_sample(), day(1997, 9, 30))
        .expect("the CDNOW sample splits");
    (split.iter())
        .map(|r| {
            let h = RepeatHistory::from_summary(&r.calibration, TimeUnit::Weeks);
            (h, r.holdout_purchases as f64)
        })
        .unzip()
}

/// The CDNOW calibration summary of Fader, Hardie & Lee (2005): per customer x, t_x, T (weeks)
/// and the mean repeat spend z̄.
pub fn cdnow_summary() -> Vec<[f64; 4]> {
    include_str!("../data/cdnow_customers_summary_with_transactions.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line
                .split(',')
                .map(|v| v.parse().expect("number"))
                .collect();
            [f[1], f[2], f[3], f[4]]
        })
        .collect()
}

/// The donations recency/frequency table of Fader, Hardie & Shang (2010): (x, t_x, n) and the
/// number of donors with each.
pub fn donations() -> Vec<([u32; 3], f64)> {
    include_str!("../data/donations.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<u32> = line
                .split(',')
                .map(|v| v.trim().parse().expect("count"))
                .collect();
            ([f[0], f[1], f[2]], f64::from(f[3]))
        })
        .collect()
}

/// `customers` customers who arrive over the year (366 days) ending on `end`, buy at their own
/// pace and drop out after a purchase with probability 1/4 (deterministic pseudo-random draws);
/// days before `NaiveDate::MIN` are left out.
pub fn synthetic_log(end: NaiveDate, customers: u32) -> Vec<Transaction<u32>> {
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut log = Vec::new();
    for c in 0..customers {
        let (mut day, gap) = (next(200), 10 + next(80));
        while day <= 365 {
            let amount = Decimal::from(5 + next(20) + u64::from(c % 30));
            if let Some(date) = end.checked_sub_days(Days::new(365 - day)) {
                log.push(Transaction::new(c, date, amount));
            }
            day += 1 + next(2 * gap);
            if next(4) == 0 {
                break;
            }
        }
    }
    log
}

/// A threshold of the lifecycle rules, by name, and how to set it.
pub type RuleSetter = (&'static str, fn(&mut LifecycleRules, f64));

/// Every `f64` threshold of the lifecycle rules.
pub const RULE_SETTERS: [RuleSetter; 14] = [
    ("shrinkage_strength", |r, v| r.shrinkage_strength = v),
    ("population_gap_days", |r, v| {
        r.population_gap_days = Some(v)
    }),
    ("churn_gap_multiple", |r, v| r.churn_gap_multiple = v),
    ("churn_min_days", |r, v| r.churn_min_days = v),
    ("churn_max_days", |r, v| r.churn_max_days = v),
    ("return_window_min_days", |r, v| {
        r.return_window_min_days = v
    }),
    ("declining_gap_multiple", |r, v| {
        r.declining_gap_multiple = v
    }),
    ("declining_trend", |r, v| r.declining_trend = v),
    ("growing_tenure_days", |r, v| r.growing_tenure_days = v),
    ("growing_trend", |r, v| r.growing_trend = v),
    ("trend_window_min_days", |r, v| r.trend_window_min_days = v),
    ("trend_window_gap_multiple", |r, v| {
        r.trend_window_gap_multiple = v
    }),
    ("churn_probability", |r, v| r.churn_probability = v),
    ("declining_probability", |r, v| r.declining_probability = v),
];
/// Checks CDNOW sample summaries as of 1997-09-30 against Fader, Hardie & Lee's (2005) table:
/// 2,357 customers in id order, 946 with a repeat purchase, and each x exactly, t_x, T (weeks)
/// and z̄ to the two printed decimals.
pub fn assert_matches_published_cdnow(summaries: &[CustomerSummary<u32>]) {
    assert_eq!(summaries.len(), 2357);
    for (row, (s, [x, t_x, t, zbar])) in summaries.iter().zip(&cdnow_summary()).enumerate() {
        let b = s.btyd(TimeUnit::Weeks);
        let id = s.customer();
        assert_eq!(*id as usize, row + 1, "the table's ids are 1 to 2,357");
        assert_eq!(b.frequency, *x, "x of customer {id}");
        assert!(
            (b.recency - t_x).abs() <= 0.01,
            "t_x of {id}: {}",
            b.recency
        );
        assert!((b.age - t).abs() <= 0.01, "T of {id}: {}", b.age);
        assert!((b.mean_repeat_spend - zbar).abs() <= 0.01, "z̄ of {id}");
    }
    let repeaters = summaries.iter().filter(|s| s.frequency() > 1).count();
    assert_eq!(repeaters, 946);
}

/// Days since 1970-01-01, as Arrow's `Date32` holds a date.
pub fn day_number(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    (date - epoch).num_days() as i32
}

/// A report without the positions of amounts beyond the money scale: they move when the lines
/// do, and a ledger does not know them.
pub fn without_excess_positions(mut report: SummaryReport) -> SummaryReport {
    report.first_excess_scale_positions.clear();
    report
}
