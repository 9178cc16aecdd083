//! Fits at the edge of their parameter space say so (issue 13): on one year of UCI Online Retail
//! BG/NBD, MBG/NBD and Pareto/NBD reach their maximum where nobody drops out and are flagged, and
//! the report says so; CDNOW's published fits are interior and are not flagged.

use customer_value::clv::{
    dropout_test, BgNbd, FitOptions, FitWarning, MaximumLikelihood, ModelFit, ModifiedBgNbd, Nbd,
    ParetoNbd, RepeatHistory,
};
use customer_value::lifecycle::LifecycleStage;
use customer_value::report::{CustomerValueReport, ReportConfig, ReportWarning};
use customer_value::{Summarizer, TimeUnit};

#[allow(dead_code)]
#[path = "../examples/online_retail/loader.rs"]
mod loader;

fn cdnow() -> Vec<RepeatHistory> {
    let text = include_str!("data/cdnow_customers_summary_with_transactions.csv");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            RepeatHistory::new(f[1], f[2], f[3]).unwrap()
        })
        .collect()
}

/// The weekly BTYD histories of Online Retail as of 2011-12-09, from the example's loader.
fn online_retail() -> Vec<RepeatHistory> {
    let (log, _) = loader::load().expect("the bundled Online Retail log loads");
    let summaries = Summarizer::new(loader::observation_end())
        .summarize(&log)
        .expect("the log summarizes");
    summaries
        .iter()
        .map(|s| RepeatHistory::from_summary(s, TimeUnit::Weeks))
        .collect()
}

fn dropout_share<M, D>(fit: &ModelFit<M, D>) -> Option<f64> {
    fit.warnings.iter().find_map(|w| match w {
        FitWarning::DropoutNotIdentified { dropout_share, .. } => Some(*dropout_share),
        _ => None,
    })
}

#[test]
fn cdnow_fits_are_interior_and_not_flagged() {
    let data = cdnow();
    let options = FitOptions::default();
    let bg = BgNbd::fit(&data, &options).unwrap();
    let mbg = ModifiedBgNbd::fit(&data, &options).unwrap();
    let pareto = ParetoNbd::fit(&data, &options).unwrap();
    assert_eq!(bg.warnings, vec![], "{:?}", bg.model);
    assert_eq!(mbg.warnings, vec![], "{:?}", mbg.model);
    assert_eq!(pareto.warnings, vec![], "{:?}", pareto.model);
}

#[test]
fn online_retail_fits_are_flagged_and_the_report_says_so() {
    let data = online_retail();
    let options = FitOptions::default();
    let bg = BgNbd::fit(&data, &options).unwrap();
    let mbg = ModifiedBgNbd::fit(&data, &options).unwrap();
    let pareto = ParetoNbd::fit(&data, &options).unwrap();
    for (name, share, warnings) in [
        ("BG/NBD", dropout_share(&bg), &bg.warnings),
        ("MBG/NBD", dropout_share(&mbg), &mbg.warnings),
        ("Pareto/NBD", dropout_share(&pareto), &pareto.warnings),
    ] {
        eprintln!("{name}: {warnings:?}");
        let share = share.unwrap_or_else(|| panic!("{name} not flagged: {warnings:?}"));
        assert!(share < 1e-3, "{name}: {share}");
    }
    eprintln!(
        "BG/NBD {:?}\nMBG/NBD {:?}\nPareto/NBD {:?}",
        bg.model, mbg.model, pareto.model
    );
    for w in &bg.warnings {
        eprintln!("{w}");
    }
    // The NBD explains the year as well as the drop-out models: no evidence of drop-out.
    let nbd = Nbd::fit(&data, &options).unwrap();
    eprintln!("NBD {:?} ll {}", nbd.model.params(), nbd.log_likelihood);
    for (name, test) in [
        ("BG/NBD", dropout_test(&bg, &nbd).unwrap()),
        ("MBG/NBD", dropout_test(&mbg, &nbd).unwrap()),
        ("Pareto/NBD", dropout_test(&pareto, &nbd).unwrap()),
    ] {
        eprintln!("{name} vs NBD: {test:?}");
        assert!(test.p_value > 0.4, "{name}: {test:?}");
        assert!(test.bic_nbd < test.bic_dropout, "{name}: {test:?}");
    }

    let (log, _) = loader::load().unwrap();
    let report =
        CustomerValueReport::build(&log, loader::observation_end(), &ReportConfig::default())
            .unwrap();
    let flagged = report
        .warnings
        .iter()
        .any(|w| matches!(w, ReportWarning::PurchaseModelWithoutDropout { .. }));
    assert!(flagged, "{:?}", report.warnings);
    let model = report.purchase_model.as_ref().unwrap();
    assert!(model
        .fit
        .warnings()
        .iter()
        .any(FitWarning::dropout_not_identified));
    // Rows combining P(alive) > 0.99 with "Churned" exist only with the flag present.
    let contradicting = report
        .customers
        .iter()
        .filter(|c| {
            c.probability_alive.is_some_and(|p| p > 0.99)
                && c.lifecycle_stage == Some(LifecycleStage::Churned)
        })
        .count();
    eprintln!("rows with P(alive) > 0.99 and Churned: {contradicting}");
    assert!(contradicting == 0 || flagged);
}
