//! The recency–frequency matrix from a log (issue 17, BTYD's `dc.MakeRFmatrixCal` and
//! `dc.MakeRFmatrixHoldout`), against BTYD's published donations matrix and against pandas on
//! BTYD's discrete simulated log.

use chrono::NaiveDate;
use customer_value::summary::{rf_matrix, rf_matrix_holdout, CalendarPeriod, RfCell};
use customer_value::{Summarizer, Transaction};
use rust_decimal::Decimal;

#[path = "common/event_log.rs"]
mod event_log;
#[path = "common/gzip.rs"]
mod gzip;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// BTYD 2.4.3's `donationsSummary$rf.matrix` (columns x, t.x, n.cal, custs, x.star): 11,104
/// donors of 1995, six yearly opportunities 1996–2001, their holdout donations 2002–2006 summed
/// per cell.
fn published_donations() -> Vec<RfCell> {
    include_str!("data/donationsSummary_rf_matrix.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<u64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            RfCell {
                frequency: f[0],
                recency: f[1],
                periods: f[2],
                customers: f[3],
                holdout_purchases: Some(f[4]),
            }
        })
        .collect()
}

/// A donations log with the published cells' histories. BTYD ships the matrix, not the log, so
/// the log is rebuilt: each donor of a cell gives in 1995, in 1995 + t_x and in the x − 1 years
/// after 1995, and the cell's holdout donations are dealt round its donors from 2002 on. Every
/// second donor gives twice in 1995 (January and November) and once more in the November of
/// its last year, which the yearly periods must merge.
fn donations_log() -> Vec<Transaction<u32>> {
    let mut log = Vec::new();
    let mut id = 0u32;
    for cell in published_donations() {
        let holdout = cell.holdout_purchases.unwrap();
        for k in 0..cell.customers {
            id += 1;
            let mut give =
                |y: i64, m| log.push(Transaction::new(id, day(y as i32, m, 15), Decimal::TEN));
            give(1995, 6);
            for year in 1..cell.frequency {
                give(1995 + year as i64, 3);
            }
            if cell.frequency > 0 {
                give(1995 + cell.recency as i64, 8);
            }
            if id.is_multiple_of(2) {
                give(1995, 1);
                give(1995 + cell.recency as i64, 11);
            }
            let share = holdout / cell.customers + u64::from(k < holdout % cell.customers);
            for year in 0..share {
                give(2002 + year as i64, 5);
            }
        }
    }
    log
}

#[test]
fn donations_matrix_equals_btyd() {
    let log = donations_log();
    let summaries = Summarizer::new(day(2001, 12, 31)).summarize(&log).unwrap();
    let mut expected = published_donations();
    let without_holdout: Vec<RfCell> = expected
        .iter()
        .map(|c| RfCell {
            holdout_purchases: None,
            ..*c
        })
        .collect();
    let mut cells = rf_matrix(&summaries, CalendarPeriod::Year).unwrap();
    cells.sort_by_key(|c| (c.frequency, c.recency));
    let mut sorted = without_holdout.clone();
    sorted.sort_by_key(|c| (c.frequency, c.recency));
    assert_eq!(cells, sorted);
    assert_eq!(cells.iter().map(|c| c.customers).sum::<u64>(), 11_104);

    let split = Summarizer::new(day(2006, 12, 31))
        .calibration_holdout(&log, day(2001, 12, 31))
        .unwrap();
    let matrices = rf_matrix_holdout(&split, CalendarPeriod::Year).unwrap();
    expected.sort_by_key(|c| (c.frequency, c.recency));
    let mut calibration = matrices.calibration;
    calibration.sort_by_key(|c| (c.frequency, c.recency));
    assert_eq!(calibration, expected); // x.star: 4,252 for (6, 6), 604 for (0, 0), ...
}

/// BTYD's `discreteSimElog.csv` (10,000 customers who first buy on 1970-01-01, one line per
/// yearly purchase to 1983), split as BTYD's vignette splits it: calibration to 1976, holdout
/// 1977–1983.
fn simulated_log() -> Vec<Transaction<u32>> {
    event_log::id_date_log(&gzip::gunzip(include_bytes!("data/discreteSimElog.csv.gz")))
}

fn cell(x: u64, t_x: u64, n: u64, customers: u64, holdout: Option<u64>) -> RfCell {
    RfCell {
        frequency: x,
        recency: t_x,
        periods: n,
        customers,
        holdout_purchases: holdout,
    }
}

/// The matrices computed by pandas 2 (numpy, no BTYD code), with `e` the log read with
/// `parse_dates=['date']`:
///
/// ```python
/// e['year'] = e.date.dt.year; e = e.drop_duplicates(['cust', 'year'])
/// first = e.groupby('cust').year.min()
/// cal, ho = e[e.date <= '1976-12-31'], e[e.date > '1976-12-31']
/// g = cal.groupby('cust').year.agg(['count', 'max'])
/// g['x'] = g['count'] - 1; g['tx'] = g['max'] - first[g.index]; g['n'] = 1976 - first[g.index]
/// g['xstar'] = ho.groupby('cust').size().reindex(g.index, fill_value=0)
/// g['txstar'] = (ho.groupby('cust').year.max().reindex(g.index) - 1976).fillna(0).astype(int)
/// g.groupby(['n', 'x', 'tx']).agg(custs=('x', 'size'), xstar=('xstar', 'sum'))
/// g.groupby(['xstar', 'txstar']).size()
/// ```
#[test]
fn simulated_log_matrices_equal_pandas() {
    #[rustfmt::skip]
    let calibration: [[u64; 4]; 22] = [
        [0, 0, 2950, 258], [1, 1, 950, 98], [1, 2, 236, 109], [1, 3, 112, 123], [1, 4, 95, 135],
        [1, 5, 64, 95], [1, 6, 51, 82], [2, 2, 503, 73], [2, 3, 192, 180], [2, 4, 151, 249],
        [2, 5, 152, 306], [2, 6, 159, 352], [3, 3, 306, 60], [3, 4, 171, 234], [3, 5, 217, 580],
        [3, 6, 347, 1076], [4, 4, 228, 230], [4, 5, 230, 704], [4, 6, 431, 1685],
        [5, 5, 269, 703], [5, 6, 762, 3468], [6, 6, 1424, 7432],
    ];
    #[rustfmt::skip]
    let holdout: [[u64; 3]; 29] = [
        [0, 0, 5873], [1, 1, 244], [1, 2, 60], [1, 3, 46], [1, 4, 48], [1, 5, 36], [1, 6, 26],
        [1, 7, 24], [2, 2, 123], [2, 3, 77], [2, 4, 63], [2, 5, 64], [2, 6, 99], [2, 7, 82],
        [3, 3, 95], [3, 4, 73], [3, 5, 63], [3, 6, 108], [3, 7, 133], [4, 4, 70], [4, 5, 75],
        [4, 6, 143], [4, 7, 212], [5, 5, 73], [5, 6, 131], [5, 7, 389], [6, 6, 121],
        [6, 7, 518], [7, 7, 931],
    ];
    let log = simulated_log();
    let split = Summarizer::new(day(1983, 12, 31))
        .calibration_holdout(&log, day(1976, 12, 31))
        .unwrap();
    let matrices = rf_matrix_holdout(&split, CalendarPeriod::Year).unwrap();
    let expected: Vec<RfCell> = calibration
        .iter()
        .map(|c| cell(c[0], c[1], 6, c[2], Some(c[3])))
        .collect();
    assert_eq!(matrices.calibration, expected);
    let expected: Vec<RfCell> = holdout
        .iter()
        .map(|c| cell(c[0], c[1], 7, c[2], None))
        .collect();
    assert_eq!(matrices.holdout, expected);
}

/// Monthly periods on a small log, by hand: the matrix is not only for years.
#[test]
fn monthly_matrix_by_hand() {
    let t = |c, m, d| Transaction::new(c, day(2024, m, d), Decimal::ONE);
    // Customer 1: January, January again, March → x 1, t_x 2; customer 2: February only;
    // customer 3: February and April → x 1, t_x 2 from February. End: April 30.
    let log = [
        t(1, 1, 3),
        t(1, 1, 30),
        t(1, 3, 1),
        t(2, 2, 9),
        t(3, 2, 1),
        t(3, 4, 30),
    ];
    let summaries = Summarizer::new(day(2024, 4, 30)).summarize(&log).unwrap();
    let cells = rf_matrix(&summaries, CalendarPeriod::Month).unwrap();
    // Sorted by n, x, t_x: customer 2 (n 2), customer 3 (n 2), customer 1 (n 3).
    let expected = [
        cell(0, 0, 2, 1, None),
        cell(1, 2, 2, 1, None),
        cell(1, 2, 3, 1, None),
    ];
    assert_eq!(cells, expected);
}
