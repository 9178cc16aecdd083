//! The NBD model (no drop-out) against an independent value, and the likelihood-ratio test of
//! drop-out on CDNOW.

use customer_value::clv::{
    dropout_test, BgNbd, FitOptions, MaximumLikelihood, ModifiedBgNbd, Nbd, ParetoNbd,
    PurchaseModel, RepeatHistory,
};

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

/// Reference computed once by a throwaway Python script (not kept): the negative-binomial count
/// pmf Γ(r+x)/(Γ(r) x!) (α/(α+T))^r (T/(α+T))^x maximised by golden section over r with
/// α = r T / mean x profiled out, on x = 0,0,1,2,5,3,0,1,0,7 and T = 10: r = 0.7601401268785644,
/// α = 4.000737509887181, count log-likelihood −18.61991096377593.
#[test]
fn nbd_mle_matches_the_count_likelihood_maximum() {
    let xs = [0.0, 0.0, 1.0, 2.0, 5.0, 3.0, 0.0, 1.0, 0.0, 7.0];
    let data: Vec<RepeatHistory> = xs
        .iter()
        .map(|&x| RepeatHistory::new(x, if x > 0.0 { 6.0 } else { 0.0 }, 10.0).unwrap())
        .collect();
    let fit = Nbd::fit(&data, &FitOptions::default()).unwrap();
    let p = fit.model.params();
    assert!((p.r - 0.7601401268785644).abs() < 1e-6 * 0.76, "{p:?}");
    assert!((p.alpha - 4.000737509887181).abs() < 1e-6 * 4.0, "{p:?}");
    // The timing likelihood differs from the count one by Σ (x ln T − ln x!), free of (r, α).
    let constant: f64 = xs
        .iter()
        .map(|&x| x * 10f64.ln() - (1..=x as u32).map(|k| f64::from(k).ln()).sum::<f64>())
        .sum();
    assert!((fit.log_likelihood - (-18.61991096377593 - constant)).abs() < 1e-8);
    assert!(fit.warnings.is_empty(), "{:?}", fit.warnings);
    assert_eq!(fit.model.probability_alive(&data[0]).unwrap(), 1.0);
}

#[test]
fn cdnow_rejects_the_nbd() {
    let data = cdnow();
    let options = FitOptions::default();
    let nbd = Nbd::fit(&data, &options).unwrap();
    let bg = dropout_test(&BgNbd::fit(&data, &options).unwrap(), &nbd).unwrap();
    let mbg = dropout_test(&ModifiedBgNbd::fit(&data, &options).unwrap(), &nbd).unwrap();
    let pareto = dropout_test(&ParetoNbd::fit(&data, &options).unwrap(), &nbd).unwrap();
    eprintln!("NBD {:?} ll {}", nbd.model.params(), nbd.log_likelihood);
    eprintln!("BG/NBD {bg:?}\nMBG/NBD {mbg:?}\nPareto/NBD {pareto:?}");
    for test in [bg, mbg, pareto] {
        assert!(
            test.likelihood_ratio > 100.0 && test.p_value < 1e-20,
            "{test:?}"
        );
        assert!(test.bic_dropout < test.bic_nbd);
    }
}
