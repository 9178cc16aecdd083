//! Tracking plots and the calibration of P(alive) (issue 17) on the CDNOW 1/10 sample, against
//! R BTYD's published `cdnowSummary$cu.tracking` and parameters, lifetimes 0.11.3's
//! `expected_cumulative_transactions`, and BTYDplus's `mcmc.plotPActiveDiagnostic` binning
//! recomputed in Python. The Python lines are in each test's comment; they ran in the peers' venv
//! (lifetimes 0.11.3, pandas, numpy).

use chrono::NaiveDate;
use customer_value::clv::diagnostics::holdout_comparison;
use customer_value::clv::tracking::{
    active_calibration, alive_calibration, transaction_tracking, PeriodLength, TrackingOptions,
    TransactionTracking,
};
use customer_value::clv::{BgNbd, ClvError, ParetoNbd, PurchaseModel, RepeatHistory};
use customer_value::summary::CalendarPeriod;
use customer_value::{CustomerSummary, Settings, Summarizer, TimeUnit, Transaction};
use proptest::prelude::*;
use rust_decimal::Decimal;

mod common;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// BTYD's Pareto/NBD fit of CDNOW (`cdnowSummary$est.params`: r, α, s, β in weeks).
fn btyd_pareto_nbd() -> ParetoNbd {
    ParetoNbd::new(
        0.5533971432566355,
        10.580198543474351,
        0.6060624971176619,
        11.656223670707698,
    )
    .unwrap()
}

/// The CDNOW sample summarised to its last day, 1998-06-30, with its occasions.
fn cdnow_summaries() -> Vec<CustomerSummary<u32>> {
    Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_sample())
        .unwrap()
}

/// 78 weeks of 7 days from 1997-01-01, calibrated to 1997-09-30 (39 weeks), as BTYD's vignette.
fn cdnow_weeks() -> TrackingOptions {
    TrackingOptions::weekly(day(1997, 1, 1), 78, day(1997, 9, 30))
}

fn relative(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

/// BTYD's `cdnowSummary$cu.tracking` (the package's data, tests/data): cumulative repeat
/// transactions of the sample, week by week from 1997-01-01.
#[test]
fn cdnow_actual_weekly_tracking_is_btyds() {
    let published: Vec<u64> = include_str!("data/cdnowSummary_cu_tracking.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(published.len(), 78);
    let tracking =
        transaction_tracking(&btyd_pareto_nbd(), &cdnow_summaries(), &cdnow_weeks()).unwrap();
    let cumulative: Vec<u64> = tracking
        .periods
        .iter()
        .map(|p| p.cumulative_actual)
        .collect();
    assert_eq!(cumulative, published);
    assert_eq!(tracking.customers, 2357);
    let week_39 = tracking.periods[38];
    assert_eq!(
        (week_39.first_day, week_39.last_day),
        (day(1997, 9, 24), day(1997, 9, 30))
    );
    assert!(!week_39.holdout && tracking.periods[39].holdout);
    // Incremental weeks sum back to the cumulative ones: 19 in week 2 (published 19 − 0).
    assert_eq!(tracking.periods[1].actual, 19);
}

/// The expected cumulative repeat transactions under BTYD's Pareto/NBD parameters, weeks 1 to
/// 78. lifetimes 0.11.3, with `log` the sample as a DataFrame (id, date) and a
/// `ParetoNBDFitter` whose `params_` are set to BTYD's:
/// `expected_cumulative_transactions(m, log, "date", "id", 546, freq="D", freq_multiplier=7)`
/// ["predicted"]; the same values (to 2.3e-12) by BTYD's `pnbd.ExpectedCumulativeTransactions`
/// formula, Σ_{b_i < τ} r β / (α (s − 1)) [1 − (β / (β + τ − b_i))^(s − 1)] with b_i = (first
/// purchase − 1997-01-01) / 7, evaluated in numpy.
const CDNOW_EXPECTED_WEEKLY: [f64; 78] = [
    4.21511291145,
    16.5687973034,
    37.2124409623,
    66.7170534511,
    105.384631317,
    153.721326679,
    210.387493037,
    275.391337451,
    349.034324733,
    431.033452124,
    520.351891576,
    615.957186061,
    712.299862258,
    805.368390199,
    895.450320314,
    982.793350135,
    1067.61273835,
    1150.09701342,
    1230.41243829,
    1308.70655045,
    1385.11100345,
    1459.74387265,
    1532.71154476,
    1604.11028003,
    1674.02751449,
    1742.54295333,
    1809.72949544,
    1875.6540198,
    1940.37805854,
    2003.95837592,
    2066.44746894,
    2127.89400221,
    2188.34318738,
    2247.83711553,
    2306.41504952,
    2364.11368198,
    2420.96736383,
    2477.00830736,
    2532.26676715,
    2586.77120183,
    2640.54841909,
    2693.62370593,
    2746.02094605,
    2797.76272586,
    2848.87043039,
    2899.36433032,
    2949.26366108,
    2998.58669487,
    3047.3508064,
    3095.572533,
    3143.26762959,
    3190.45111921,
    3237.13733938,
    3283.33998476,
    3329.07214647,
    3374.34634843,
    3419.17458088,
    3463.56833143,
    3507.53861383,
    3551.09599467,
    3594.25061817,
    3637.01222926,
    3679.39019504,
    3721.39352482,
    3763.03088876,
    3804.31063537,
    3845.2408078,
    3885.8291591,
    3926.08316656,
    3966.01004511,
    4005.6167599,
    4044.91003817,
    4083.8963803,
    4122.58207037,
    4160.97318593,
    4199.07560734,
    4236.8950265,
    4274.43695514,
];

#[test]
fn cdnow_expected_weekly_tracking_is_lifetimes_and_btyds() {
    let tracking =
        transaction_tracking(&btyd_pareto_nbd(), &cdnow_summaries(), &cdnow_weeks()).unwrap();
    for (k, (p, &reference)) in tracking
        .periods
        .iter()
        .zip(&CDNOW_EXPECTED_WEEKLY)
        .enumerate()
    {
        assert!(
            relative(p.cumulative_expected, reference) < 1e-10,
            "week {}",
            k + 1
        );
    }
    // Incremental = the difference of the cumulative values (lifetimes prints 16.56879730339723).
    assert!((tracking.periods[1].expected - (16.5687973034 - 4.21511291145)).abs() < 1e-9);
}

/// The errors over the holdout weeks 40–78, recomputed in numpy from the incremental series of
/// the test above and the published actual one: MAE 9.398759188411042, MAPE
/// 19.368802124093005 %, bias −3.5853797950347097 (the model under-forecasts the holdout by
/// 1882 − 1742.1701879936463 transactions); every holdout week had at least 28 transactions.
#[test]
fn cdnow_holdout_errors() {
    let tracking =
        transaction_tracking(&btyd_pareto_nbd(), &cdnow_summaries(), &cdnow_weeks()).unwrap();
    let e = tracking.holdout_errors.unwrap();
    assert_eq!(e.periods, 39);
    assert!(relative(e.mean_absolute_error, 9.398759188411042) < 1e-9);
    assert!(
        relative(
            e.mean_absolute_percentage_error.unwrap(),
            19.368802124093005
        ) < 1e-9
    );
    assert!(relative(e.bias, -3.5853797950347097) < 1e-9);
    assert_eq!(e.actual_total, 1882);
    assert!(relative(e.expected_total, 1742.1701879936463) < 1e-9);
}

/// Any purchase model through the trait: BG/NBD at Fader, Hardie & Lee's (2005) published
/// parameters, against lifetimes' `expected_cumulative_transactions` with a `BetaGeoFitter`
/// whose `params_` are (0.243, 4.414, 0.793, 2.426): weeks 1, 12, 39, 78.
#[test]
fn cdnow_expected_tracking_under_bg_nbd_is_lifetimes() {
    let model = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let tracking = transaction_tracking(&model, &cdnow_summaries(), &cdnow_weeks()).unwrap();
    for (week, lifetimes) in [
        (1, 4.412418089743077),
        (12, 626.8519715719957),
        (39, 2505.1430138667647),
        (78, 4171.433582303192),
    ] {
        let ours = tracking.periods[week - 1].cumulative_expected;
        assert!(relative(ours, lifetimes) < 1e-8, "week {week}: {ours}");
    }
}

/// The full CDNOW log (23,570 customers, examples/data) at BTYD's sample parameters: lifetimes'
/// `expected_cumulative_transactions` (as above, on `CDNOW_master.txt`) gives 42748.74633903408
/// expected and 44021 actual repeat transactions by week 78, 41718.476573333675 under the BG/NBD
/// of Fader, Hardie & Lee.
#[test]
fn cdnow_master_tracking_is_lifetimes() {
    let summaries = Summarizer::new(day(1998, 6, 30))
        .summarize(&common::cdnow_master())
        .unwrap();
    let pareto = transaction_tracking(&btyd_pareto_nbd(), &summaries, &cdnow_weeks()).unwrap();
    let week_78 = pareto.periods[77];
    assert_eq!(
        (pareto.customers, week_78.cumulative_actual),
        (23570, 44021)
    );
    assert!(relative(week_78.cumulative_expected, 42748.74633903408) < 1e-10);
    let bg = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let bg_week_78 = transaction_tracking(&bg, &summaries, &cdnow_weeks())
        .unwrap()
        .periods[77];
    assert!(relative(bg_week_78.cumulative_expected, 41718.476573333675) < 1e-8);
}

/// Calendar months, January 1997 to June 1998, computed in pandas: repeat purchase days dated
/// before each month's end, and the Pareto/NBD formula above over the days from each first
/// purchase to the first day of the next month, / 7.
#[test]
fn cdnow_monthly_tracking() {
    let options = TrackingOptions {
        periods: 18,
        length: PeriodLength::Calendar(CalendarPeriod::Month),
        ..cdnow_weeks()
    };
    let tracking = transaction_tracking(&btyd_pareto_nbd(), &cdnow_summaries(), &options).unwrap();
    let actual: Vec<u64> = tracking
        .periods
        .iter()
        .map(|p| p.cumulative_actual)
        .collect();
    assert_eq!(
        actual,
        [
            92, 390, 812, 1163, 1450, 1732, 2000, 2227, 2457, 2693, 2954, 3188, 3384, 3574, 3844,
            4003, 4171, 4339
        ]
    );
    let expected = [
        82.1766459,
        305.9873087,
        698.7443555,
        1079.535072,
        1427.968214,
        1732.838026,
        2021.921555,
        2289.76978,
        2532.266767,
        2768.274982,
        2984.552176,
        3197.150698,
        3400.016342,
        3575.804463,
        3763.030889,
        3937.523917,
        4111.559337,
        4274.436955,
    ];
    for (p, &reference) in tracking.periods.iter().zip(&expected) {
        assert!(
            relative(p.cumulative_expected, reference) < 1e-9,
            "{}",
            p.first_day
        );
    }
    // September 1997 is the last calibration month.
    assert_eq!(tracking.periods.iter().filter(|p| p.holdout).count(), 9);
    assert_eq!(tracking.periods[8].last_day, day(1997, 9, 30));
}

/// The CDNOW calibration/holdout summary (BTYD's `cdnowSummary$cbs`: x, t.x, T.cal, x.star in
/// weeks, tests/data).
fn cdnow_cbs() -> (Vec<RepeatHistory>, Vec<f64>) {
    include_str!("data/cdnowSummary_cbs.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            (RepeatHistory::new(f[1], f[2], f[3]).unwrap(), f[4])
        })
        .unzip()
}

/// Deciles of the Pareto/NBD P(alive) (BTYD's parameters) against the share of customers with a
/// holdout purchase. In Python: `p = m.conditional_probability_alive(x, t.x, T.cal)` (lifetimes),
/// edges = numpy type-7 quantiles of [0, p, 1] at 0, 0.1, …, 1 without repeats (BTYDplus's
/// `unique(quantile(c(0, pactive, 1), seq(0, 1, 0.1)))`), `pd.cut(p, edges, include_lowest=True)`,
/// and per bin the count, mean p and mean of x.star > 0.
#[test]
fn cdnow_alive_deciles_are_btydplus_binning() {
    let (cbs, holdout) = cdnow_cbs();
    let c = alive_calibration(&btyd_pareto_nbd(), &cbs, &holdout, 10).unwrap();
    let customers: Vec<usize> = c.bins.iter().map(|b| b.customers).collect();
    assert_eq!(
        customers,
        [238, 233, 243, 242, 240, 232, 225, 233, 236, 235]
    );
    let mean_predicted = [
        0.2077126278181322,
        0.3033141710931938,
        0.317084798875892,
        0.3296930553419128,
        0.3434468687155075,
        0.35754318537657537,
        0.37204687759261934,
        0.49345310600231157,
        0.7882766591584723,
        0.9558998973347799,
    ];
    let active = [65, 24, 32, 32, 39, 35, 46, 100, 134, 177];
    for (k, b) in c.bins.iter().enumerate() {
        assert!(
            relative(b.mean_predicted, mean_predicted[k]) < 1e-8,
            "bin {k}"
        );
        assert_eq!(
            b.share_active,
            f64::from(active[k]) / b.customers as f64,
            "bin {k}"
        );
    }
    assert!(relative(c.bins[1].lower, 0.2958397671034851) < 1e-8);
    assert!(relative(c.bins[8].upper, 0.8944751504040737) < 1e-8);
    // The 1,411 customers without a repeat purchase: mean P(alive) 0.3375399191388442, 13.68 %
    // active, P(alive) from 0.294999362779519 to 0.3836040947733974.
    let zero = c.without_repeat.unwrap();
    assert_eq!(zero.customers, 1411);
    assert!(relative(zero.mean_predicted, 0.3375399191388442) < 1e-8);
    assert!(relative(zero.share_active, 0.13678242381289865) < 1e-12);
    assert!(relative(zero.lower, 0.294999362779519) < 1e-8);
    assert!(relative(zero.upper, 0.3836040947733974) < 1e-8);
}

/// BTYDplus's `mcmc.plotPActiveDiagnostic` (R/mcmc.R) bins P(active) = P(x* > 0) over the
/// holdout (`mcmc.PActive`), not P(alive): `cuts <- unique(quantile(c(0, pactive, 1), seq(0, 1,
/// 0.1)))`, `cut(pactive, breaks = cuts, include.lowest = T)`, per bin the mean of `x.star > 0`
/// and of pactive, and the x = 0 customers' means as a point apart. Recomputed in Python with
/// P(active) = 1 − lifetimes 0.11.3's `conditional_probability_of_n_purchases_up_to_time(0, 39,
/// x, t.x, T.cal)` (BTYD's parameters as `params_`), the edges by numpy type-7 quantiles of [0, p,
/// 1] without repeats, `pd.cut(p, edges, include_lowest=True)`, per bin size, mean p and count of
/// x.star > 0.
#[test]
fn cdnow_active_deciles_are_btydplus_plot_p_active_diagnostic() {
    let (cbs, holdout) = cdnow_cbs();
    let c = active_calibration(&btyd_pareto_nbd(), &cbs, &holdout, 39.0, 10).unwrap();
    let customers: Vec<usize> = c.bins.iter().map(|b| b.customers).collect();
    assert_eq!(
        customers,
        [240, 235, 248, 237, 231, 238, 221, 236, 236, 235]
    );
    let mean_predicted = [
        0.0687719588178619,
        0.07671782746260376,
        0.08164643900632466,
        0.08698248280867181,
        0.0924862306904491,
        0.09846234462905529,
        0.1347513074193576,
        0.30058033234959336,
        0.5106734610462238,
        0.7732240912817189,
    ];
    let active = [29, 31, 30, 33, 35, 44, 59, 105, 128, 190];
    for (k, b) in c.bins.iter().enumerate() {
        let label = format!("bin {k}: {}", b.mean_predicted);
        assert!(
            relative(b.mean_predicted, mean_predicted[k]) < 1e-8,
            "{label}"
        );
        let share = f64::from(active[k]) / b.customers as f64;
        assert_eq!(b.share_active, share, "{label}");
    }
    assert!(relative(c.bins[0].upper, 0.07404739457467302) < 1e-8);
    assert!(relative(c.bins[6].upper, 0.19414400920329095) < 1e-8);
    assert!(relative(c.bins[8].upper, 0.6300096176572317) < 1e-8);
    // The 1,411 customers without a repeat purchase: 193 active, mean P(active) 0.0853.
    let zero = c.without_repeat.unwrap();
    assert_eq!(zero.customers, 1411);
    assert!(relative(zero.mean_predicted, 0.08529605646720557) < 1e-8);
    assert_eq!(zero.share_active, 193.0 / 1411.0);
    assert!(relative(zero.lower, 0.06925711358141529) < 1e-8);
    assert!(relative(zero.upper, 0.10332061488793043) < 1e-8);
}

/// Holdout errors per customer by calibration frequency, lifetimes'
/// `plot_calibration_purchases_vs_holdout_purchases(m, cbs, n=7)` data: the means by x of
/// x.star and of `m.conditional_expected_number_of_purchases_up_to_time(39, x, t.x, T.cal)`
/// (lifetimes plots x = 0…6), and for x ≥ 7 the same means in pandas over the 64 customers.
#[test]
fn cdnow_holdout_errors_by_frequency_are_lifetimes() {
    let (cbs, holdout) = cdnow_cbs();
    let cmp = holdout_comparison(&btyd_pareto_nbd(), &cbs, &holdout, 39.0, 7).unwrap();
    let lifetimes = [
        (1411, 0.23671155209071582, 0.13841962000538077),
        (439, 0.6970387243735763, 0.5994405560426687),
        (214, 1.3925233644859814, 1.1958030218659577),
        (100, 1.56, 1.7137978394190143),
        (62, 2.532258064516129, 2.3982522989613844),
        (38, 2.9473684210526314, 2.9071295338195817),
        (29, 3.8620689655172415, 3.818457477040473),
        (64, 6.359375, 6.402878713156944),
    ];
    for (row, &(customers, actual, predicted)) in cmp.rows.iter().zip(&lifetimes) {
        assert_eq!(row.customers, customers, "x = {}", row.frequency);
        assert!(relative(row.actual, actual) < 1e-12);
        assert!(
            relative(row.predicted, predicted) < 1e-7,
            "x = {}",
            row.frequency
        );
        assert!((row.mean_error() - (actual - predicted)).abs() < 1e-6);
    }
    // Customers with x = 3 bought less than predicted; the others more.
    assert!(cmp.rows[3].mean_error() < 0.0 && cmp.rows[2].mean_error() > 0.0);
    assert!(relative(cmp.mae, 0.7545056270241953) < 1e-7);
}

#[test]
fn bad_summaries_are_refused_with_their_position() {
    let model = btyd_pareto_nbd();
    let options = TrackingOptions::weekly(day(2024, 1, 1), 2, day(2024, 1, 7));
    let log = [
        Transaction::new(1, day(2024, 1, 1), Decimal::from(10)),
        Transaction::new(2, day(2024, 1, 3), Decimal::from(10)),
    ];
    let position = |r: Result<TransactionTracking, ClvError>| match r {
        Err(ClvError::InvalidHistory { position, .. }) => position,
        other => panic!("{other:?}"),
    };
    let no_occasions = Summarizer::new(day(2024, 1, 14))
        .keep_occasions(false)
        .summarize(&log)
        .unwrap();
    assert_eq!(
        position(transaction_tracking(&model, &no_occasions, &options)),
        Some(0)
    );
    let early_end = Summarizer::new(day(2024, 1, 13)).summarize(&log).unwrap();
    assert_eq!(
        position(transaction_tracking(&model, &early_end, &options)),
        Some(0)
    );
    let late_start = TrackingOptions {
        start: day(2024, 1, 2),
        ..options
    };
    let summaries = Summarizer::new(day(2024, 1, 14)).summarize(&log).unwrap();
    assert_eq!(
        position(transaction_tracking(&model, &summaries, &late_start)),
        Some(0)
    );
    let none: [CustomerSummary<u32>; 0] = [];
    assert_eq!(
        transaction_tracking(&model, &none, &options),
        Err(ClvError::EmptyInput)
    );
    let too_many = TrackingOptions {
        periods: TrackingOptions::MAX_PERIODS + 1,
        ..options
    };
    assert!(too_many.check().is_err());
    assert!(matches!(
        transaction_tracking(&model, &summaries, &too_many),
        Err(ClvError::InvalidArgument {
            name: "periods",
            ..
        })
    ));
}

#[test]
fn customers_born_after_the_last_period_are_left_out() {
    let log = [
        Transaction::new(1, day(2024, 1, 1), Decimal::from(10)),
        Transaction::new(1, day(2024, 1, 20), Decimal::from(10)),
        Transaction::new(2, day(2024, 1, 20), Decimal::from(10)),
    ];
    let summaries = Summarizer::new(day(2024, 1, 31)).summarize(&log).unwrap();
    let options = TrackingOptions::weekly(day(2024, 1, 1), 2, day(2024, 1, 31));
    let t = transaction_tracking(&btyd_pareto_nbd(), &summaries, &options).unwrap();
    assert_eq!(t.customers, 1);
    assert_eq!(t.periods[1].cumulative_actual, 0);
    // Every period is in the calibration: no holdout errors.
    assert_eq!(t.holdout_errors, None);
}

#[test]
fn results_and_options_round_trip_through_json() {
    let tracking =
        transaction_tracking(&btyd_pareto_nbd(), &cdnow_summaries(), &cdnow_weeks()).unwrap();
    let text = serde_json::to_string(&tracking).unwrap();
    let back: TransactionTracking = serde_json::from_str(&text).unwrap();
    assert_eq!(back, tracking);
    let options = serde_json::to_string(&cdnow_weeks()).unwrap();
    assert_eq!(
        serde_json::from_str::<TrackingOptions>(&options).unwrap(),
        cdnow_weeks()
    );
    let zero = options.replace("\"periods\":78", "\"periods\":0");
    assert!(serde_json::from_str::<TrackingOptions>(&zero).is_err());
}

/// Purchases at a constant `rate` for ever, without heterogeneity or drop-out (E[X(t)] = rate · t),
/// and a P(alive) of `alive` for everyone: expectations a hand can check, and values a model
/// must not answer.
struct Steady {
    rate: f64,
    alive: f64,
}

impl PurchaseModel for Steady {
    fn expected_purchases(&self, t: f64) -> Result<f64, ClvError> {
        Ok(self.rate * t)
    }
    fn conditional_expected_purchases(&self, t: f64, _: &RepeatHistory) -> Result<f64, ClvError> {
        self.expected_purchases(t)
    }
    fn probability_alive(&self, _: &RepeatHistory) -> Result<f64, ClvError> {
        Ok(self.alive)
    }
    fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64, ClvError> {
        Ok(if n == 0 { (-self.rate * t).exp() } else { 0.0 })
    }
}

/// Customers born on Monday 2024-01-01 and Wednesday the 3rd, at half a purchase a day: by the
/// end of week 1 they have had 7 and 5 days (6 expected purchases), by week 2 14 and 12 (13).
#[test]
fn expectations_sum_over_each_customers_days_since_birth() {
    let log = [
        Transaction::new(1, day(2024, 1, 1), Decimal::from(10)),
        Transaction::new(2, day(2024, 1, 3), Decimal::from(10)),
    ];
    let summaries = Summarizer::new(day(2024, 1, 14)).summarize(&log).unwrap();
    let options = TrackingOptions {
        model_unit: TimeUnit::Days,
        ..TrackingOptions::weekly(day(2024, 1, 1), 2, day(2024, 1, 7))
    };
    let model = Steady {
        rate: 0.5,
        alive: 1.0,
    };
    let t = transaction_tracking(&model, &summaries, &options).unwrap();
    let cumulative: Vec<f64> = t.periods.iter().map(|p| p.cumulative_expected).collect();
    assert_eq!(cumulative, [6.0, 13.0]);
    assert_eq!(t.periods[1].expected, 7.0);
    let e = t.holdout_errors.unwrap();
    assert_eq!((e.mean_absolute_error, e.bias), (7.0, 7.0));
    assert_eq!(e.mean_absolute_percentage_error, None);
}

#[test]
fn a_model_answering_outside_its_range_is_refused() {
    let summaries = cdnow_summaries();
    let (cbs, holdout) = cdnow_cbs();
    for rate in [f64::NAN, f64::INFINITY, -1.0] {
        let model = Steady { rate, alive: 0.5 };
        assert!(matches!(
            transaction_tracking(&model, &summaries, &cdnow_weeks()),
            Err(ClvError::InvalidPrediction {
                function: "expected_purchases",
                ..
            })
        ));
    }
    for alive in [f64::NAN, 1.5, -0.1] {
        let model = Steady { rate: 1.0, alive };
        assert!(matches!(
            alive_calibration(&model, &cbs, &holdout, 10),
            Err(ClvError::InvalidPrediction {
                position: Some(0),
                ..
            })
        ));
    }
    let model = Steady {
        rate: 1.0,
        alive: 0.5,
    };
    assert!(matches!(
        alive_calibration(&model, &cbs, &holdout[1..], 10),
        Err(ClvError::LengthMismatch { .. })
    ));
    let mut negative = holdout.clone();
    negative[3] = -1.0;
    assert!(matches!(
        alive_calibration(&model, &cbs, &negative, 10),
        Err(ClvError::InvalidArgument {
            name: "holdout_purchases",
            ..
        })
    ));
    // Everyone at 0.5: one bin holds them all.
    let one = alive_calibration(&model, &cbs, &holdout, 10).unwrap();
    assert_eq!(one.bins.len(), 1);
    assert_eq!(one.bins[0].customers, 2357);
}

proptest! {
    /// On any log, daily periods over its whole span count every repeat occasion once, the
    /// incremental series add up to the cumulative ones, and the expectation never falls.
    #[test]
    fn daily_tracking_counts_every_repeat_once(
        purchases in prop::collection::vec((0u32..12, 0u64..60, 1i64..50), 1..80),
    ) {
        let start = day(2024, 1, 1);
        let log: Vec<Transaction<u32>> = purchases
            .iter()
            .map(|&(c, d, a)| Transaction::new(c, start + chrono::Days::new(d), Decimal::from(a)))
            .collect();
        let summaries = Summarizer::new(day(2024, 2, 29)).summarize(&log).unwrap();
        let options = TrackingOptions {
            length: PeriodLength::Elapsed(TimeUnit::Days),
            ..TrackingOptions::weekly(start, 60, day(2024, 1, 31))
        };
        let t = transaction_tracking(&btyd_pareto_nbd(), &summaries, &options).unwrap();
        let repeats: u64 = summaries.iter().map(|s| s.purchase_occasions() - 1).sum();
        prop_assert_eq!(t.periods[59].cumulative_actual, repeats);
        prop_assert_eq!(t.periods.iter().map(|p| p.actual).sum::<u64>(), repeats);
        let mut running = 0.0;
        for p in &t.periods {
            prop_assert!(p.expected >= 0.0);
            running += p.expected;
            prop_assert!((running - p.cumulative_expected).abs() < 1e-9 * (1.0 + running));
        }
        prop_assert_eq!(t.holdout_errors.unwrap().periods, 29);
    }
}
