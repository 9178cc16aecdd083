//! Every `Deserialize` type of the table modules (transaction, summary, rfm, kpi) and the report's
//! settings and models read from arbitrary bytes as JSON, then used: scorers score, rule lists
//! classify, summarizers summarize, KPI values give their rates, report configurations, lifecycle
//! rules and models build a report of a small fixed log. No panic, and no NaN or infinity in any
//! `Ok`.
#![no_main]

use chrono::NaiveDate;
use customer_value::kpi::{CohortCell, CohortMatrix, CohortPeriod, CohortRow, PeriodKpis, RevenueRetention};
use customer_value::rfm::{
    value_matrix, Breakpoints, FittedRfm, RuleCoverage, SegmentMap, SegmentRule, SegmentRules,
    SplitAt, ValueCell, ValueMatrixOptions,
};
use customer_value::summary::{
    BtydInputs, CalendarPeriod, DropReason, DroppedCustomer, PurchaseOccasion, RefundDay,
};
use customer_value::lifecycle::LifecycleRules;
use customer_value::report::{
    CustomerValueReport, PurchaseModelFit, ReportConfig, ReportModels, ReportWarning,
    SpendModelSummary,
};
use customer_value::{
    Binning, CustomerSummary, LateTransactions, MonetaryBasis, RefundPolicy, RfmScore, RfmScorer,
    RfmSegment, Settings, Summarizer, SummaryReport, TimeUnit, Transaction,
};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

/// The value read from `text`, if it is one.
fn read<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

fn assert_finite(values: &[f64]) {
    assert!(values.iter().all(|v| v.is_finite()), "{values:?}");
}

/// A small fixed customer base to score and classify.
fn summaries() -> Vec<CustomerSummary<u32>> {
    let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).expect("a valid date");
    let log: Vec<_> = (1..=12u32)
        .map(|c| Transaction::new(c % 5, d(c, 1 + c), Decimal::new(i64::from(c) * 995, 2)))
        .collect();
    Summarizer::new(d(12, 31)).summarize(&log).expect("the fixed log has purchases")
}

fn use_rfm(text: &str, base: &[CustomerSummary<u32>]) {
    if let Some(scorer) = read::<RfmScorer>(text) {
        assert!(scorer.check().is_ok(), "read back unchecked: {scorer:?}");
        if let Ok(fitted) = scorer.fit(base) {
            for b in [&fitted.breakpoints().recency, &fitted.breakpoints().frequency, &fitted.breakpoints().monetary] {
                assert_finite(b);
            }
        }
        let _ = scorer.score(base);
    }
    if let Some(fitted) = read::<FittedRfm>(text) {
        for s in base {
            let score = fitted.score_one(s);
            for level in [score.recency, score.frequency, score.monetary] {
                assert!((1..=fitted.bins()).contains(&level), "{score:?}");
            }
        }
        let _ = fitted.score(base);
    }
    if let Some(map) = read::<SegmentMap>(text) {
        for bins in [2u8, 5, 10] {
            let _ = map.segment(RfmScore { recency: 1, frequency: bins, monetary: 2 }, bins);
        }
    }
    if let Some(rules) = read::<SegmentRules>(text) {
        assert!(rules.check().is_ok());
        for bins in [2u8, 5, 10] {
            let _ = rules.coverage(bins);
        }
    }
    if let Some(options) = read::<ValueMatrixOptions>(text) {
        if let Ok(m) = value_matrix(base, &options) {
            assert_finite(&[m.frequency_split, m.order_value_split]);
        }
    }
    let _ = read::<Binning>(text);
    let _ = read::<Breakpoints>(text);
    let _ = read::<SegmentRule>(text);
    let _ = read::<RuleCoverage>(text);
    let _ = read::<RfmScore>(text);
    let _ = read::<RfmSegment>(text);
    let _ = read::<ValueCell>(text);
    let _ = read::<SplitAt>(text);
    let _ = read::<MonetaryBasis>(text);
}

fn use_kpi(text: &str) {
    if let Some(k) = read::<PeriodKpis>(text) {
        for rate in [k.retention_rate(), k.churn_rate(), k.textbook_retention_rate(), k.repeat_purchase_rate(), k.purchase_frequency()] {
            assert_finite(&[rate.unwrap_or(0.0)]);
        }
        let _ = k.average_order_value();
    }
    if let Some(r) = read::<RevenueRetention>(text) {
        assert_finite(&[r.net_revenue_retention().unwrap_or(0.0), r.gross_revenue_retention().unwrap_or(0.0)]);
    }
    if let Some(m) = read::<CohortMatrix>(text) {
        for (i, row) in m.rows().iter().enumerate() {
            for k in 0..row.cells.len() {
                assert_finite(&[m.retention(i, k).unwrap_or(0.0), m.unbounded_retention(i, k).unwrap_or(0.0)]);
            }
            for k in [0, 1, usize::MAX] {
                let _ = CohortMatrix::period_end(m.period(), row.start, k);
            }
        }
    }
    if let Some(period) = read::<CohortPeriod>(text) {
        for k in [0, 12, usize::MAX] {
            let _ = CohortMatrix::period_end(period, NaiveDate::MIN, k);
            let _ = CohortMatrix::period_end(period, NaiveDate::MAX, k);
        }
    }
    let _ = read::<CohortCell>(text);
    let _ = read::<CohortRow>(text);
}

fn use_summary(text: &str) {
    let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).expect("a valid date");
    let log: Vec<_> = (1..=6u32).map(|c| Transaction::new(c % 3, d(c, c), Decimal::from(c))).collect();
    if let Some(summarizer) = read::<Summarizer>(text) {
        if let Ok(rows) = summarizer.summarize(&log) {
            for s in &rows {
                let b = s.btyd(TimeUnit::Weeks);
                assert_finite(&[b.frequency, b.recency, b.age, b.mean_repeat_spend]);
            }
        }
        let _ = summarizer.calibration_holdout(&log, d(3, 31));
    }
    if let Some(lines) = read::<Vec<Transaction<u32>>>(text) {
        if let Ok(rows) = Summarizer::new(NaiveDate::MAX).summarize(&lines) {
            for s in &rows {
                for period in [CalendarPeriod::Week, CalendarPeriod::Month] {
                    if let Some(b) = s.btyd_calendar(period) {
                        assert_finite(&[b.frequency, b.recency, b.age, b.mean_repeat_spend]);
                    }
                }
            }
        }
    }
    if let Some(unit) = read::<TimeUnit>(text) {
        assert_finite(&[unit.from_days(i64::MAX), unit.from_days(i64::MIN), unit.per_month()]);
    }
    let _ = read::<CalendarPeriod>(text).map(|p| p.index(NaiveDate::MIN));
    let _ = read::<BtydInputs>(text);
    let _ = read::<PurchaseOccasion>(text);
    let _ = read::<RefundDay>(text);
    let _ = read::<LateTransactions>(text);
    let _ = read::<RefundPolicy>(text);
    let _ = read::<DropReason>(text).map(|r| r.to_string());
    let _ = read::<DroppedCustomer<u32>>(text);
    let _ = read::<SummaryReport>(text);
}

/// Panics when the debug form of `value` holds a NaN or an infinity.
fn assert_finite_debug(value: &impl std::fmt::Debug) {
    let text = format!("{value:?}");
    let bad = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|token| token == "NaN" || token == "inf");
    assert!(!bad, "non-finite value in {text}");
}

/// 12 customers over 2024, most buying more than once, as of the year's last day.
fn report_log() -> (Vec<Transaction<u32>>, NaiveDate) {
    let d = |m, n| NaiveDate::from_ymd_opt(2024, m, n).expect("a valid date");
    let log = (1..=36u32)
        .map(|i| Transaction::new(i % 12, d(1 + i % 12, 1 + i % 27), Decimal::new(i64::from(i) * 379, 2)))
        .collect();
    (log, d(12, 31))
}

fn use_report(text: &str) {
    let (log, as_of) = report_log();
    let build = |config: &ReportConfig| {
        if let Ok(report) = CustomerValueReport::build(&log, as_of, config) {
            assert_finite_debug(&report);
        }
    };
    if let Some(config) = read::<ReportConfig>(text) {
        assert!(config.check().is_ok(), "read back unchecked: {config:?}");
        build(&config);
    }
    if let Some(rules) = read::<LifecycleRules>(text) {
        assert!(customer_value::Settings::check(&rules).is_ok());
        build(&ReportConfig { lifecycle: rules, ..ReportConfig::default() });
    }
    if let Some(models) = read::<ReportModels>(text) {
        let mut config = ReportConfig {
            time_unit: models.time_unit,
            purchase_model: models.purchase.kind(),
            ..ReportConfig::default()
        };
        config.fit_options.accept_unconverged = true;
        if let Ok(report) = CustomerValueReport::build_with_models(&log, as_of, &config, &models) {
            assert_finite_debug(&report);
        }
    }
    let _ = read::<PurchaseModelFit>(text).map(|fit| fit.parameters());
    let _ = read::<SpendModelSummary>(text);
    let _ = read::<ReportWarning>(text).map(|w| w.to_string());
    let _ = read::<CustomerValueReport<u32>>(text);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let base = summaries();
    use_rfm(text, &base);
    use_kpi(text);
    use_summary(text);
    use_report(text);
});
