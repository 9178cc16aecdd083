//! Gzipped test data. Apart from `common/mod.rs` because the DataFusion member's tests include
//! that file and do not depend on flate2.

/// The text of a gzipped file embedded with `include_bytes!`.
pub fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut text)
        .expect("gzipped UTF-8 text");
    text
}
