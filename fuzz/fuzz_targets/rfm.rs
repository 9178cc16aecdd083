//! The RFM scorer on arbitrary customer bases and settings: no panic, scores in range, fitted
//! breakpoints reproduce quantile scores.
#![no_main]

use chrono::{Duration, NaiveDate};
use customer_value::{Binning, MonetaryBasis, RfmScorer, Summarizer, Transaction};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Some((&settings, rest)) = data.split_first() else { return };
    let base = NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date");
    let log: Vec<Transaction<u16>> = rest
        .chunks_exact(5)
        .map(|c| {
            let cents = i64::from(u16::from_le_bytes([c[3], c[4]]));
            Transaction::new(u16::from(c[0]), base + Duration::days(i64::from(c[1]) + 256 * i64::from(c[2] % 4)), Decimal::new(cents, 2))
        })
        .collect();
    let Ok(summaries) = Summarizer::new(base + Duration::days(1100)).summarize(&log) else { return };
    let bins = settings % 12;
    let binning = if settings & 0x80 == 0 { Binning::Quantiles } else { Binning::EqualCount };
    let basis = if settings & 0x40 == 0 { MonetaryBasis::TotalSpend } else { MonetaryBasis::AveragePerOccasion };
    let scorer = RfmScorer::new().bins(bins).binning(binning.clone()).monetary(basis);
    let Ok(records) = scorer.score(&summaries) else { return };
    assert_eq!(records.len(), summaries.len());
    for r in &records {
        for s in [r.score.recency, r.score.frequency, r.score.monetary] {
            assert!((1..=bins).contains(&s));
        }
    }
    if binning == Binning::Quantiles {
        let fitted = scorer.fit(&summaries).expect("fit succeeds where score did");
        for (s, r) in summaries.iter().zip(&records) {
            assert_eq!(fitted.score_one(s), r.score);
        }
    }
});
