//! The bundled CDNOW master log, shared by the examples that read it (through `#[path]`).

use std::error::Error;

use chrono::NaiveDate;
use customer_value::Transaction;

/// Reads `examples/data/CDNOW_master.txt`: `customer_id date(YYYYMMDD) cds dollars`, a header line.
pub fn load_cdnow() -> Result<Vec<Transaction<u32>>, Box<dyn Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/CDNOW_master.txt"
    );
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut log = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [id, date, _cds, dollars] = fields[..] else {
            return Err(format!("malformed line: {line:?}").into());
        };
        log.push(Transaction::new(
            id.parse()?,
            NaiveDate::parse_from_str(date, "%Y%m%d")?,
            dollars.parse()?,
        ));
    }
    Ok(log)
}
