//! litt and the regularity estimate (issue 17; BTYDplus's `elog2cbs(...)$litt` and
//! `estimateRegularity`) on BTYDplus's grocery log. BTYDplus publishes no value of either (its
//! vignette only says the Wheat & Morrison estimate is "close to 2" for this log), so the
//! reference values are computed independently with numpy/scipy (below) and asserted.

use chrono::NaiveDate;
use customer_value::summary::{estimate_regularity, RegularityMethod, SummaryError};
use customer_value::{CustomerSummary, Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

#[path = "common/event_log.rs"]
mod event_log;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// BTYDplus 1.2.0's `groceryElog` (1,525 customers of an online grocer, 2006-01-01 to
/// 2007-12-30, one line per customer and day, no amounts: 1 each).
fn grocery(end: NaiveDate) -> Vec<CustomerSummary<u32>> {
    let log = event_log::id_date_log(include_str!("data/groceryElog.csv"));
    Summarizer::new(end).summarize(&log).unwrap()
}

// The reference, with `e` the log read by pandas (`parse_dates=['date']`), sorted by cust and
// date, and `t` its days since 1970-01-01:
//
// ```python
// itts = {c: np.diff(g.t.values) for c, g in e.groupby('cust')}
// cal = e[e.date <= '2006-12-31']
// litt = {c: np.sum(np.log(np.diff(g.t.values) / 7)) for c, g in cal.groupby('cust')}
// M = np.array([d[-2] / (d[-2] + d[-1]) for d in itts.values() if len(d) >= 2])
// v = M.var(ddof=1); k_wheat = (1 - 4 * v) / (8 * v)
// def kmle(d):  # scipy.special.digamma, scipy.optimize.brentq on [0.1, 50]
//     s = np.log(d.mean()) - np.log(d).mean()
//     f = lambda k: np.log(k) - digamma(k) - s
//     return 50.0 if f(50) > 0 else 0.1 if f(0.1) < 0 else brentq(f, 0.1, 50, xtol=1e-14)
// k_mle = np.median([kmle(d) for d in itts.values() if len(d) >= 10])
// ```

/// litt in weeks over the calibration year 2006 (BTYDplus's `elog2cbs(groceryElog, T.cal =
/// "2006-12-31")`, weeks by default).
#[test]
fn litt_in_weeks_equals_numpy() {
    let summaries = grocery(day(2006, 12, 31));
    assert_eq!(summaries.len(), 1_525);
    let litt: Vec<f64> = summaries
        .iter()
        .map(|s| s.litt(TimeUnit::Weeks).unwrap())
        .collect();
    let first_five = [
        0.0,
        3.917_721_026_542_783_8,
        16.952_178_840_085_45,
        0.0,
        6.012_666_754_758_585,
    ];
    for (got, want) in litt.iter().zip(first_five) {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    let total: f64 = litt.iter().sum();
    assert!((total - 5_539.048_349_633_357).abs() < 1e-8, "{total}");
    // In days, every interval's log grows by ln 7.
    let s = &summaries[2];
    let intervals = s.purchase_occasions() as f64 - 1.0;
    let days = s.litt(TimeUnit::Days).unwrap();
    assert!((days - (16.952_178_840_085_45 + intervals * 7f64.ln())).abs() < 1e-12);
}

#[test]
fn wheat_morrison_equals_numpy_and_is_close_to_two() {
    let summaries = grocery(day(2007, 12, 30));
    let r = estimate_regularity(&summaries, RegularityMethod::WheatMorrison, 2).unwrap();
    assert_eq!(r.customers, 779);
    assert!((r.k - 1.870_319_013_309_753_1).abs() < 1e-12, "{}", r.k);
}

#[test]
fn maximum_likelihood_median_equals_scipy() {
    let summaries = grocery(day(2007, 12, 30));
    let method = RegularityMethod::MaximumLikelihood;
    let r = estimate_regularity(&summaries, method, method.default_min_intervals()).unwrap();
    assert_eq!(r.customers, 302);
    assert!((r.k - 3.262_914_027_062_056).abs() < 1e-9, "{}", r.k);
}

#[test]
fn undefined_estimates_are_errors() {
    let summaries = grocery(day(2007, 12, 30));
    let method = RegularityMethod::WheatMorrison;
    assert_eq!(
        estimate_regularity(&summaries, method, 1),
        Err(SummaryError::InvalidMinIntervals { min_intervals: 1 })
    );
    // The most active grocery customer has 111 intervals.
    assert!(matches!(
        estimate_regularity(&summaries, method, 1_000),
        Err(SummaryError::RegularityUndefined { customers: 0, .. })
    ));
    // One customer: M has no variance.
    let one = &summaries[2..3];
    assert!(matches!(
        estimate_regularity(one, method, 2),
        Err(SummaryError::RegularityUndefined { customers: 1, .. })
    ));
    let lean = Summarizer::new(day(2024, 1, 9))
        .keep_occasions(false)
        .summarize(&[Transaction::new(1, day(2024, 1, 1), Decimal::ONE)])
        .unwrap();
    assert_eq!(
        estimate_regularity(&lean, method, 2),
        Err(SummaryError::OccasionsNotKept { position: 0 })
    );
}
