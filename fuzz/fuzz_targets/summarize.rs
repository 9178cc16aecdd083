//! The summarizer on arbitrary logs: no panic; the parallel path equals the accumulator path;
//! every line is accounted for in the report.
#![no_main]

use chrono::{Duration, NaiveDate};
use customer_value::{LateTransactions, RefundPolicy, Summarizer, Transaction};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Some((&settings, rest)) = data.split_first() else { return };
    let base = NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date");
    let end = base + Duration::days(i64::from(settings & 0x3f) * 11);
    let log: Vec<Transaction<u8>> = rest
        .chunks_exact(8)
        .map(|c| {
            let mantissa = i64::from_le_bytes([c[2], c[3], c[4], c[5], c[6], c[7], 0, 0]) - (1 << 47);
            let amount = Decimal::new(mantissa, u32::from(c[1] % 6));
            Transaction::new(c[0] % 32, base + Duration::days(i64::from(c[1]) * 3), amount)
        })
        .collect();
    let refunds = match settings >> 6 {
        0 => RefundPolicy::Net,
        1 => RefundPolicy::Ignore,
        _ => RefundPolicy::Reject,
    };
    let late = if settings & 0x20 == 0 { LateTransactions::Exclude } else { LateTransactions::Reject };
    let summarizer = Summarizer::new(end).refund_policy(refunds).late_transactions(late);
    let fast = summarizer.summarize_with_report(&log);
    let mut acc = summarizer.accumulator();
    let slow = acc.extend(&log).and_then(|()| acc.finish());
    assert_eq!(fast, slow);
    if let Ok((rows, report)) = fast {
        assert_eq!(
            report.lines_used + report.lines_of_customers_without_purchase + report.late_transactions + report.ignored_refunds,
            report.lines_read
        );
        for s in &rows {
            assert!(s.first_purchase() <= s.last_purchase() && s.last_purchase() <= end);
            let b = s.btyd(customer_value::TimeUnit::Weeks);
            assert!(b.recency <= b.age && b.mean_repeat_spend >= 0.0);
        }
    }
});
