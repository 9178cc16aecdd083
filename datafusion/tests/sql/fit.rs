//! Fits on the driver from compressed statistics against the core's fit on every row, on the
//! CDNOW calibration summary: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma, to 1e-9 relative,
//! under several partitionings; the compression's counts; NULLs and errors.

use crate::cdnow_tables;

use std::collections::HashSet;
use std::sync::Arc;

use cdnow_tables::{cdnow_summary, context, partitioned, summary_batch, SummaryRow, PARTITIONINGS};
use customer_value::clv::{
    BgNbd, FitOptions, GammaGamma, GammaGammaOptions, MaximumLikelihood, ModifiedBgNbd, ParetoNbd,
    RepeatHistory, SpendHistory,
};
use customer_value::report::PurchaseModelKind;
use customer_value_datafusion::fit::{
    fit_purchase_model, fit_spend_model, repeat_statistics, PurchaseColumns, SpendColumns,
};

fn histories(rows: &[SummaryRow]) -> Vec<RepeatHistory> {
    rows.iter()
        .map(|r| RepeatHistory::new(r.x, r.t_x, r.age).unwrap())
        .collect()
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!(((g - w) / w).abs() <= 1e-9, "{what}: {got:?} vs {want:?}");
    }
}

/// The core's fit on every row, as parameters and log-likelihood.
fn core_fit(kind: PurchaseModelKind, rows: &[RepeatHistory]) -> (Vec<f64>, f64) {
    let options = FitOptions::default();
    match kind {
        PurchaseModelKind::BgNbd => {
            let f = BgNbd::fit(rows, &options).unwrap();
            (f.model.parameters(), f.log_likelihood)
        }
        PurchaseModelKind::ModifiedBgNbd => {
            let f = ModifiedBgNbd::fit(rows, &options).unwrap();
            (f.model.parameters(), f.log_likelihood)
        }
        PurchaseModelKind::ParetoNbd => {
            let f = ParetoNbd::fit(rows, &options).unwrap();
            (f.model.parameters(), f.log_likelihood)
        }
        _ => unreachable!("three kinds"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purchase_fits_equal_the_core_fit_on_every_row() {
    let rows = cdnow_summary();
    let all = histories(&rows);
    // The distinct (x, t_x, T) of the table, counted independently.
    let distinct: HashSet<[u64; 3]> = rows
        .iter()
        .map(|r| [r.x.to_bits(), r.t_x.to_bits(), r.age.to_bits()])
        .collect();
    println!(
        "CDNOW: {} customers, {} distinct (x, t_x, T)",
        rows.len(),
        distinct.len()
    );
    let batch = summary_batch(&rows);
    let columns = PurchaseColumns::new("x", "t_x", "T");
    let kinds = [
        PurchaseModelKind::BgNbd,
        PurchaseModelKind::ModifiedBgNbd,
        PurchaseModelKind::ParetoNbd,
    ];
    for kind in kinds {
        let (want, want_ll) = core_fit(kind, &all);
        for (seed, (partitions, target)) in PARTITIONINGS.into_iter().enumerate() {
            let ctx = context(target);
            let table = Arc::new(partitioned(&batch, partitions, 5 + seed as u64));
            let df = ctx.read_table(table).unwrap();
            let fit = fit_purchase_model(df, &columns, kind, &FitOptions::default())
                .await
                .unwrap();
            assert_eq!((fit.customers, fit.null_rows), (2357, 0));
            assert_eq!(fit.distinct_rows, distinct.len());
            assert_close(&fit.fit.parameters(), &want, &format!("{kind:?}"));
            assert_close(&[fit.fit.log_likelihood()], &[want_ll], "log-likelihood");
        }
    }
    // Fader, Hardie & Lee (2005): BG/NBD on CDNOW, r = 0.243, α = 4.414, a = 0.793, b = 2.426
    // and ln L = −9582.4.
    let (bg, ll) = core_fit(PurchaseModelKind::BgNbd, &all);
    for (got, published) in bg.iter().zip([0.2425929, 4.4135323, 0.7928860, 2.4257524]) {
        assert!(((got - published) / published).abs() < 0.005, "{bg:?}");
    }
    assert!((ll + 9582.4256).abs() < 0.01, "{ll}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spend_fit_equals_the_core_fit_on_every_row() {
    let rows = cdnow_summary();
    let spend: Vec<SpendHistory> = rows
        .iter()
        .map(|r| SpendHistory::new(r.x, r.z).unwrap())
        .collect();
    let options = GammaGammaOptions::default();
    let core = GammaGamma::fit(&spend, &options).unwrap();
    let want = core.model.parameters();
    let distinct: HashSet<[u64; 2]> = rows
        .iter()
        .map(|r| [r.x.to_bits(), r.z.to_bits()])
        .collect();
    println!("CDNOW: {} distinct (x, z̄)", distinct.len());
    let batch = summary_batch(&rows);
    for mean_spend in ["z", "z_decimal"] {
        for (seed, (partitions, target)) in PARTITIONINGS.into_iter().enumerate() {
            let ctx = context(target);
            let df = ctx
                .read_table(Arc::new(partitioned(&batch, partitions, seed as u64)))
                .unwrap();
            let fit = fit_spend_model(df, &SpendColumns::new("x", mean_spend), &options)
                .await
                .unwrap();
            assert_close(&fit.fit.model.parameters(), &want, mean_spend);
            assert_eq!(fit.distinct_rows, distinct.len());
            assert_eq!(fit.fit.diagnostics, core.diagnostics);
            // 1,411 of the 2,357 customers made no repeat purchase.
            assert_eq!(fit.fit.diagnostics.excluded_without_repeat, 1411.0);
        }
    }
    // Fader & Hardie (2013): p = 6.25, q = 3.74, γ = 15.44 on the 946 repeat buyers.
    for (got, published) in want.iter().zip([6.2488025, 3.7445885, 15.4477481]) {
        assert!(((got - published) / published).abs() < 1e-3, "{want:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nulls_are_counted_and_bad_rows_named() {
    let ctx = context(2);
    let df = ctx
        .sql("SELECT * FROM (VALUES (0.0, 0.0, 9.0, NULL), (2.0, 5.0, 9.0, 10.0), (NULL, 0.0, 9.0, 3.0),
                                    (2.0, 5.0, 9.0, 10.0), (1.0, 2.0, NULL, NULL)) AS s(x, t_x, t, z)")
        .await
        .unwrap();
    let statistics = repeat_statistics(df.clone(), &PurchaseColumns::new("x", "t_x", "t"))
        .await
        .unwrap();
    assert_eq!((statistics.customers(), statistics.null_rows), (3, 2));
    assert_eq!(statistics.weights, [1.0, 2.0]);
    let spend = customer_value_datafusion::fit::spend_statistics(df, &SpendColumns::new("x", "z"))
        .await
        .unwrap();
    // The NULL z̄ with x = 0 is no spend observed; with x = 1 it is left out, as is the NULL x.
    assert_eq!((spend.customers(), spend.null_rows), (3, 2));
    let bad = ctx
        .sql("SELECT * FROM (VALUES (2.0, 12.0, 9.0), (1.0, 1.0, 9.0)) AS s(x, t_x, t)")
        .await
        .unwrap();
    let error_of = |df, t: &'static str| async move {
        let columns = PurchaseColumns::new("x", "t_x", t);
        repeat_statistics(df, &columns)
            .await
            .unwrap_err()
            .to_string()
    };
    let text = ctx
        .sql("SELECT 'a' AS x, 1.0 AS t_x, 2.0 AS t")
        .await
        .unwrap();
    let cases = [
        (error_of(bad.clone(), "t").await, "repeat_statistics: column \"t_x\" = 12 exceeds column \"t\" = 9 in the row x = 2, t_x = 12, t = 9"),
        (error_of(bad, "T").await, "repeat_statistics: the DataFrame has no column \"T\""),
        (error_of(text, "t").await, "repeat_statistics: column \"x\" is Utf8"),
    ];
    for (error, message) in cases {
        assert!(
            error.contains(message),
            "{error}\nshould contain: {message}"
        );
    }
    let empty = ctx
        .sql("SELECT * FROM (VALUES (NULL, 0.0, 9.0)) AS s(x, t_x, t)")
        .await
        .unwrap();
    let fit_error = fit_purchase_model(
        empty,
        &PurchaseColumns::new("x", "t_x", "t"),
        PurchaseModelKind::BgNbd,
        &FitOptions::default(),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        fit_error.contains("fit_purchase_model: customer-value:"),
        "{fit_error}"
    );
}
