//! The scoring functions against the core's batch predictions on CDNOW, bit for bit and under
//! several partitionings; published numbers; NULLs; and every error path.

use crate::cdnow_tables;

use cdnow_tables::{
    assert_errors, cdnow_summary, context, doubles, error_of, partitioned, query, summary_batch,
    SummaryRow, PARTITIONINGS,
};
use customer_value::clv::{
    customer_lifetime_values, BgNbd, ClvOptions, GammaGamma, ModifiedBgNbd, ParetoNbd,
    RepeatHistory, SpendHistory,
};
use customer_value_datafusion::score::ScoringModel;
use std::sync::Arc;

/// The maximum-likelihood fits on the CDNOW calibration summary: Fader, Hardie & Lee (2005) for
/// BG/NBD and Pareto/NBD (their note), Batislam et al.'s model refitted by the core for MBG/NBD,
/// and Fader & Hardie (2013) for Gamma-Gamma.
fn purchase_models() -> Vec<ScoringModel> {
    vec![
        BgNbd::new(0.2425929, 4.4135323, 0.7928860, 2.4257524)
            .unwrap()
            .into(),
        ModifiedBgNbd::new(0.525, 6.183, 0.891, 1.614)
            .unwrap()
            .into(),
        ParetoNbd::new(0.5532816, 10.5777531, 0.6061714, 11.6669065)
            .unwrap()
            .into(),
    ]
}

fn spend_model() -> GammaGamma {
    GammaGamma::new(6.2488025, 3.7445885, 15.4477481).unwrap()
}

fn literal(model: &ScoringModel) -> String {
    model.to_sql_literal().unwrap()
}

fn bits(values: &[f64]) -> Vec<Option<u64>> {
    values.iter().map(|v| Some(v.to_bits())).collect()
}

fn column_bits(values: &[Option<f64>]) -> Vec<Option<u64>> {
    values.iter().map(|v| v.map(f64::to_bits)).collect()
}

/// The core's batch predictions for every customer, in id order: P(alive), E[Y(39)], CLV (12
/// months, 1% a month, weeks) and E[Z | x, z̄].
fn core_predictions(model: &ScoringModel, rows: &[SummaryRow]) -> [Vec<f64>; 4] {
    let histories: Vec<RepeatHistory> = rows
        .iter()
        .map(|r| RepeatHistory::new(r.x, r.t_x, r.age).unwrap())
        .collect();
    let spend: Vec<SpendHistory> = rows
        .iter()
        .map(|r| SpendHistory::new(r.x, r.z).unwrap())
        .collect();
    let purchase = model.purchase_model().unwrap();
    let mut alive = vec![0.0; rows.len()];
    purchase
        .probability_alive_into(&histories, &mut alive)
        .unwrap();
    let mut expected = vec![0.0; rows.len()];
    purchase
        .conditional_expected_purchases_into(39.0, &histories, &mut expected)
        .unwrap();
    let gg = spend_model();
    let clv = customer_lifetime_values(purchase, &gg, &histories, &spend, &ClvOptions::default())
        .unwrap();
    let spend_per_purchase = spend
        .iter()
        .map(|z| gg.conditional_expected_average_spend(z).unwrap())
        .collect();
    [alive, expected, clv, spend_per_purchase]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scores_equal_the_core_batch_bit_for_bit_on_cdnow() {
    let rows = cdnow_summary();
    assert_eq!(rows.len(), 2357);
    let batch = summary_batch(&rows);
    let spend = literal(&spend_model().into());
    for model in purchase_models() {
        let expected = core_predictions(&model, &rows);
        let m = literal(&model);
        for (seed, (partitions, target)) in PARTITIONINGS.into_iter().enumerate() {
            let ctx = context(target);
            ctx.register_table(
                "cdnow",
                Arc::new(partitioned(&batch, partitions, seed as u64)),
            )
            .unwrap();
            let sql = format!(
                "SELECT cv_p_alive({m}, x, t_x, \"T\"), cv_expected_purchases({m}, 39, x, t_x, \"T\"),
                        cv_clv({m}, {spend}, '{{}}', x, t_x, \"T\", z),
                        cv_expected_spend({spend}, x, z),
                        cv_clv({m}, {spend}, '{{}}', x, t_x, \"T\", z_decimal)
                 FROM cdnow ORDER BY id"
            );
            let batches = query(&ctx, &sql).await.unwrap();
            for (k, want) in expected.iter().enumerate() {
                assert_eq!(
                    column_bits(&doubles(&batches, k)),
                    bits(want),
                    "{} column {k}, {partitions} partitions",
                    model.kind()
                );
            }
            // The DECIMAL mean spend gives the DOUBLE's bits.
            assert_eq!(column_bits(&doubles(&batches, 4)), bits(&expected[2]));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_cdnow_numbers() {
    let ctx = context(2);
    let [bg, _, pareto] = <[ScoringModel; 3]>::try_from(purchase_models()).unwrap();
    let (bg, pareto, spend) = (
        literal(&bg),
        literal(&pareto),
        literal(&spend_model().into()),
    );
    // Customer 1 of the CDNOW sample: x = 2, t_x = 30.43, T = 38.86 weeks, z̄ = 22.35.
    let sql = format!(
        "SELECT cv_p_alive({bg}, x, t_x, t), cv_expected_purchases({bg}, 39, x, t_x, t),
                cv_p_alive({pareto}, x, t_x, t), cv_expected_purchases({pareto}, 39, x, t_x, t),
                cv_expected_spend({spend}, x, z), cv_expected_spend({spend}, 0, NULL)
         FROM (VALUES (2, 30.43, 38.86, 22.35)) AS c(x, t_x, t, z)"
    );
    let batches = query(&ctx, &sql).await.unwrap();
    // FHL (2005) and the FHL note: P(alive) 0.726609 and 1.225910 purchases in 39 weeks under
    // BG/NBD, 0.869124 and 1.455136 under Pareto/NBD; Fader & Hardie (2013): E[Z] = 24.6586 and
    // the population mean pγ/(q − 1) = 35.17100.
    let published = [0.726609, 1.225910, 0.869124, 1.455136, 24.6586, 35.17100];
    let tolerance = [1e-6, 1e-6, 1e-6, 1e-6, 1e-4, 1e-5];
    for (k, (want, tol)) in published.iter().zip(tolerance).enumerate() {
        let got = doubles(&batches, k)[0].unwrap();
        assert!((got - want).abs() < tol, "column {k}: {got} vs {want}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nulls_give_null_but_no_repeat_spend_is_the_population_mean() {
    let ctx = context(2);
    let m = literal(&purchase_models()[0]);
    let spend = literal(&spend_model().into());
    let sql = format!(
        "SELECT cv_p_alive({m}, x, t_x, t), cv_expected_spend({spend}, x, z),
                cv_clv({m}, {spend}, '{{}}', x, t_x, t, z), cv_p_alive(NULL, x, t_x, t),
                cv_expected_purchases({m}, h, x, t_x, t)
         FROM (VALUES (1, NULL, 0.0, 38.86, 0.0, 39.0), (2, 2.0, NULL, 38.86, 22.35, NULL),
                      (3, 0.0, 0.0, 38.86, NULL, 39.0), (4, 2.0, 30.43, 38.86, NULL, 39.0))
              AS c(id, x, t_x, t, z, h)
         ORDER BY id"
    );
    let batches = query(&ctx, &sql).await.unwrap();
    let (alive, spend_column) = (doubles(&batches, 0), doubles(&batches, 1));
    let (clv, no_model) = (doubles(&batches, 2), doubles(&batches, 3));
    let horizon = doubles(&batches, 4);
    // Row 1: NULL x. Row 2: NULL t_x and horizon. Row 3: x = 0 with a NULL mean spend.
    // Row 4: NULL mean spend with x = 2.
    assert_eq!(alive[..2], [None, None]);
    assert!(alive[2].is_some() && alive[3].is_some());
    assert_eq!(spend_column[0], None);
    assert!((spend_column[2].unwrap() - 35.17100).abs() < 1e-5);
    assert_eq!(spend_column[3], None);
    assert_eq!((clv[0], clv[1], clv[3]), (None, None, None));
    let expected_clv = {
        let h = RepeatHistory::new(0.0, 0.0, 38.86).unwrap();
        let z = SpendHistory::new(0.0, 0.0).unwrap();
        let bg = purchase_models()[0].clone();
        customer_lifetime_values(
            bg.purchase_model().unwrap(),
            &spend_model(),
            &[h],
            &[z],
            &ClvOptions::default(),
        )
        .unwrap()[0]
    };
    assert_eq!(clv[2].map(f64::to_bits), Some(expected_clv.to_bits()));
    assert!(no_model.iter().all(Option::is_none));
    assert_eq!((horizon[1], horizon[2].is_some()), (None, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_in_a_column_are_parsed_per_run() {
    let ctx = context(1);
    let models = purchase_models();
    let texts: Vec<String> = models
        .iter()
        .map(|m| serde_json::to_string(m).unwrap())
        .collect();
    let quoted: Vec<String> = texts
        .iter()
        .map(|t| format!("'{}'", t.replace('\'', "''")))
        .collect();
    // Rows alternate between the models, so every row starts a new run.
    let values: Vec<String> = (0..9)
        .map(|i| format!("({i}, {}, 2, 30.43, 38.86)", quoted[i % 3]))
        .collect();
    let sql = format!(
        "SELECT cv_p_alive(m, x, t_x, t) FROM (VALUES {}) AS c(id, m, x, t_x, t) ORDER BY id",
        values.join(", ")
    );
    let batches = query(&ctx, &sql).await.unwrap();
    let h = RepeatHistory::new(2.0, 30.43, 38.86).unwrap();
    let got = doubles(&batches, 0);
    for (i, value) in got.iter().enumerate() {
        let want = models[i % 3]
            .purchase_model()
            .unwrap()
            .probability_alive(&h)
            .unwrap();
        assert_eq!(value.map(f64::to_bits), Some(want.to_bits()), "row {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_values_name_the_function_the_argument_and_the_row() {
    let ctx = context(2);
    let m = literal(&purchase_models()[0]);
    let spend = literal(&spend_model().into());
    let table = |values: &str| format!("(VALUES {values}) AS c(x, t_x, t)");
    let cases = [
        (
            format!("SELECT cv_p_alive({m}, x, t_x, t) FROM {}", table("(2.0, 40.0, 38.0)")),
            "cv_p_alive: argument 3 (t_x) = 40 exceeds argument 4 (T) = 38 in the row x = 2, t_x = 40, T = 38",
        ),
        (
            format!("SELECT cv_p_alive({m}, x, t_x, t) FROM {}", table("(-1.0, 0.0, 38.0)")),
            "cv_p_alive: argument 2 (x) = -1 is negative in the row x = -1, t_x = 0, T = 38",
        ),
        (
            format!(
                "SELECT cv_p_alive({m}, x, t_x, t) FROM {}",
                table("(CAST('NaN' AS DOUBLE), 0.0, 38.0)")
            ),
            "cv_p_alive: argument 2 (x) = NaN is not finite in the row x = NaN, t_x = 0, T = 38",
        ),
        (
            format!("SELECT cv_p_alive({m}, x, t_x, t) FROM {}", table("(0.0, 3.0, 38.0)")),
            "cv_p_alive: argument 3 (t_x) = 3 is not 0 though x = 0 (no repeat purchase) in the row x = 0, t_x = 3, T = 38",
        ),
        (
            format!("SELECT cv_expected_purchases({m}, -1, x, t_x, t) FROM {}", table("(2.0, 30.0, 38.0)")),
            "cv_expected_purchases: argument 2 (horizon) = -1 is negative in the row horizon = -1, x = 2, t_x = 30, T = 38",
        ),
        (
            format!("SELECT cv_expected_spend({spend}, x, t_x) FROM {}", table("(2.0, 0.0, 38.0)")),
            "cv_expected_spend: argument 3 (mean_spend) = 0 is not positive though x > 0 in the row x = 2, mean_spend = 0",
        ),
        (
            format!("SELECT cv_p_alive({m}, x, t_x, t) FROM {}", table("(2.0, 3.0, 2e12)")),
            "cv_p_alive: customer-value refuses the row x = 2, t_x = 3, T = 2000000000000",
        ),
    ];
    assert_errors(&ctx, &cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_models_options_types_and_arity_are_named() {
    let ctx = context(2);
    let m = literal(&purchase_models()[0]);
    let spend = literal(&spend_model().into());
    let negative = m.replace("4.4135323", "-4.4135323");
    let infinite_mean = literal(&GammaGamma::new(6.0, 0.5, 15.0).unwrap().into());
    let row = "FROM (VALUES (2.0, 30.43, 38.86, 22.35)) AS c(x, t_x, t, z)";
    let cases = [
        (format!("SELECT cv_p_alive('{{\"model\": 1}}', x, t_x, t) {row}"), "cv_p_alive: argument 1 (model) is refused by customer-value"),
        (format!("SELECT cv_p_alive('no json', x, t_x, t) {row}"), "cv_p_alive: argument 1 (model) is refused by customer-value"),
        (format!("SELECT cv_p_alive({negative}, x, t_x, t) {row}"), "alpha"),
        (format!("SELECT cv_p_alive({spend}, x, t_x, t) {row}"), "cv_p_alive: argument 1 (model) is a gamma_gamma model; cv_p_alive needs a purchase model"),
        (format!("SELECT cv_expected_spend({m}, x, z) {row}"), "cv_expected_spend: argument 1 (spend_model) is a bg_nbd model; cv_expected_spend needs the spend model (gamma_gamma)"),
        (format!("SELECT cv_clv({m}, {spend}, '{{\"horizon\": 3}}', x, t_x, t, z) {row}"), "cv_clv: argument 3 (options) has the unknown key \"horizon\""),
        (format!("SELECT cv_clv({m}, {spend}, '{{\"monthly_discount_rate\": -0.1}}', x, t_x, t, z) {row}"), "cv_clv: argument 3 (options) is refused"),
        (format!("SELECT cv_clv({m}, {spend}, '[]', x, t_x, t, z) {row}"), "cv_clv: argument 3 (options) must be a JSON object"),
        (format!("SELECT cv_expected_spend({infinite_mean}, 0, z) {row}"), "cv_expected_spend: customer-value: the mean spend is infinite"),
        (format!("SELECT cv_p_alive({m}, 'two', t_x, t) {row}"), "cv_p_alive: argument 2 (x) is Utf8; pass a number"),
        (format!("SELECT cv_p_alive(42, x, t_x, t) {row}"), "cv_p_alive: argument 1 (model) is Int64; pass its JSON as a string"),
        (format!("SELECT cv_p_alive({m}, x, t_x) {row}"), "cv_p_alive: expects 4 arguments (model, x, t_x, T), got 3"),
    ];
    assert_errors(&ctx, &cases).await;
    // The core's own message for the negative α is quoted.
    let error = error_of(
        &ctx,
        &format!("SELECT cv_p_alive({negative}, x, t_x, t) {row}"),
    )
    .await;
    assert!(
        error.contains("cv_p_alive: argument 1 (model) is refused by customer-value"),
        "{error}"
    );
}

#[test]
fn every_model_round_trips_through_its_literal_bit_for_bit() {
    let mut models = purchase_models();
    models.push(spend_model().into());
    for model in models {
        let literal = model.to_sql_literal().unwrap();
        let json = literal[1..literal.len() - 1].replace("''", "'");
        let back = ScoringModel::from_json(&json).unwrap();
        assert_eq!(back, model);
        assert!(
            json.starts_with(&format!("{{\"model\":\"{}\"", model.kind())),
            "{json}"
        );
    }
}
