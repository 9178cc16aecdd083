//! The calibration/holdout split in calendar periods (issue 13 §5) against lifetimes 0.11.3's
//! `calibration_and_holdout_data(freq='W')`, by hand on a small log and on CDNOW.

use chrono::NaiveDate;
use customer_value::summary::{CalendarHoldout, CalendarPeriod};
use customer_value::{BtydInputs, Summarizer, TimeUnit, Transaction};
use rust_decimal::Decimal;

mod common;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 2024-01-01 is a Monday: the weeks W0 = Jan 1–7, W1 = 8–14, W2 = 15–21, W3 = 22–28,
/// W4 = Jan 29–Feb 4. Calibration end Wednesday Jan 17 (W2), observation end Sunday Feb 4 (W4).
fn small_log() -> Vec<Transaction<u32>> {
    let t = |c, d, amount| Transaction::new(c, day(2024, 1, d), Decimal::from(amount));
    vec![
        t(1, 1, 10),
        t(1, 5, 20),  // W0 again
        t(1, 9, 30),  // W1
        t(1, 18, 5),  // holdout, in W2, the calibration end's week
        t(1, 20, 5),  // W2 again
        t(1, 22, 15), // W3
        t(2, 10, 40),
        t(2, 29, 10), // holdout, W4
        t(2, 30, 10), // W4 again
        t(3, 24, 50), // first purchase in the holdout: not in the split
        t(4, 16, 25),
        t(4, 17, 10), // W2 again
    ]
}

/// The small log split at the calibration end, each customer in calendar `period`s.
fn small_split(period: CalendarPeriod) -> Vec<CalendarHoldout> {
    Summarizer::new(day(2024, 2, 4))
        .calibration_holdout(&small_log(), day(2024, 1, 17))
        .unwrap()
        .iter()
        .map(|s| s.calendar(period).unwrap())
        .collect()
}

fn calendar(x: f64, t_x: f64, age: f64, zbar: f64, holdout: u64, periods: i64) -> CalendarHoldout {
    CalendarHoldout {
        calibration: BtydInputs {
            frequency: x,
            recency: t_x,
            age,
            mean_repeat_spend: zbar,
        },
        holdout_purchases: holdout,
        holdout_periods: periods,
    }
}

/// lifetimes, with the log above as a DataFrame `log` (columns id, date, amount):
///
/// ```python
/// calibration_and_holdout_data(log, "id", "date", calibration_period_end="2024-01-17",
///     observation_period_end="2024-02-04", freq="W", monetary_value_col="amount")
/// ```
///
/// gives (frequency_cal, recency_cal, T_cal, monetary_value_cal, frequency_holdout,
/// duration_holdout) = (1, 1, 2, 30, 2, 2), (0, 0, 1, 0, 1, 2), (0, 0, 0, 0, 0, 2) for customers
/// 1, 2, 4. By hand: customer 1 bought in W0 (twice) and W1 before the end, so x = 1, t_x = 1,
/// T = W2 − W0 = 2 and z̄ = 30; in the holdout in W2 (twice) and W3, 2 periods; W4 − W2 = 2.
/// Customer 4's two days both fall in W2: x = 0, T = 0. With `freq="D"` lifetimes gives customer
/// 1 x = 2, t_x = 8, T = 16 and 3 holdout purchases in 18 days: the elapsed view below.
#[test]
fn calendar_weeks_match_lifetimes_calibration_and_holdout_data() {
    let split = Summarizer::new(day(2024, 2, 4))
        .calibration_holdout(&small_log(), day(2024, 1, 17))
        .unwrap();
    let customers: Vec<u32> = split.iter().map(|s| *s.calibration.customer()).collect();
    assert_eq!(customers, [1, 2, 4]);
    assert_eq!(
        small_split(CalendarPeriod::Week),
        [
            calendar(1.0, 1.0, 2.0, 30.0, 2, 2),
            calendar(0.0, 0.0, 1.0, 0.0, 1, 2),
            calendar(0.0, 0.0, 0.0, 0.0, 0, 2),
        ]
    );
    let elapsed = split[0].calibration.btyd(TimeUnit::Days);
    assert_eq!(
        (elapsed.frequency, elapsed.recency, elapsed.age),
        (2.0, 8.0, 16.0)
    );
    assert_eq!((split[0].holdout_purchases, split[0].holdout_days), (3, 18));
}

/// Months by hand (lifetimes 0.11.3's `freq="M"` fails on this pandas: `np.timedelta64(1, "M")`):
/// every calibration purchase is in January, as is the calibration end, so x = t_x = T = 0; the
/// holdout purchases of customers 1 and 2 fall in January after the 17th, one period each, and the
/// holdout runs from January to February, one month.
#[test]
fn calendar_months_count_the_calibration_end_month_in_the_holdout_too() {
    assert_eq!(
        small_split(CalendarPeriod::Month),
        [
            calendar(0.0, 0.0, 0.0, 0.0, 1, 1),
            calendar(0.0, 0.0, 0.0, 0.0, 1, 1),
            calendar(0.0, 0.0, 0.0, 0.0, 0, 1),
        ]
    );
}

/// The CDNOW 1/10 sample split at 1997-09-30, observed to 1998-06-30, against lifetimes'
/// `calibration_and_holdout_data(log, "id", "date", "1997-09-30", "1998-06-30", freq="W",
/// monetary_value_col="dollars")` on `CDNOW_sample.txt`: 2,357 customers, Σ frequency_cal 2,216,
/// Σ recency_cal 16,128, Σ T_cal 77,748, Σ frequency_holdout 1,788 (1,882 with `freq="D"`; the
/// two differ for 64 customers), duration_holdout 39; customers 1, 18, 1000, 2357 as below.
#[test]
fn cdnow_in_calendar_weeks_matches_lifetimes() {
    let split = Summarizer::new(day(1998, 6, 30))
        .calibration_holdout(&common::cdnow_sample(), day(1997, 9, 30))
        .unwrap();
    assert_eq!(split.len(), 2357);
    let weeks: Vec<CalendarHoldout> = split
        .iter()
        .map(|s| s.calendar(CalendarPeriod::Week).unwrap())
        .collect();
    let sum = |f: fn(&CalendarHoldout) -> f64| weeks.iter().map(f).sum::<f64>();
    assert_eq!(sum(|w| w.calibration.frequency), 2216.0);
    assert_eq!(sum(|w| w.calibration.recency), 16128.0);
    assert_eq!(sum(|w| w.calibration.age), 77748.0);
    assert_eq!(sum(|w| w.holdout_purchases as f64), 1788.0);
    assert!(weeks.iter().all(|w| w.holdout_periods == 39));
    let days: u64 = split.iter().map(|s| s.holdout_purchases).sum();
    assert_eq!(days, 1882);
    let differ = split
        .iter()
        .zip(&weeks)
        .filter(|(s, w)| s.holdout_purchases != w.holdout_purchases)
        .count();
    assert_eq!(differ, 64);
    // (id, x, t_x, T, holdout periods)
    for (id, x, t_x, age, holdout) in [
        (1, 2.0, 30.0, 39.0, 1),
        (18, 1.0, 5.0, 39.0, 0),
        (1000, 4.0, 25.0, 34.0, 3),
        (2357, 0.0, 0.0, 27.0, 0),
    ] {
        let w = &weeks[id - 1];
        assert_eq!(*split[id - 1].calibration.customer() as usize, id);
        let c = w.calibration;
        assert_eq!((c.frequency, c.recency, c.age), (x, t_x, age), "{id}");
        assert_eq!(w.holdout_purchases, holdout, "{id}");
    }
}

#[test]
fn without_kept_occasions_there_is_no_calendar_split() {
    let split = Summarizer::new(day(2024, 2, 4))
        .keep_occasions(false)
        .calibration_holdout(&small_log(), day(2024, 1, 17))
        .unwrap();
    assert_eq!(split[0].holdout_occasions, None);
    assert_eq!(split[0].holdout_purchases, 3);
    assert!(split[0].calendar(CalendarPeriod::Week).is_none());
}
