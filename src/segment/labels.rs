//! Descriptive segment labels: per feature, the segment's median placed among all customers'
//! values (mid-rank percentile) reads low, mid or high ("recent · frequent · high spend"); segments
//! that would share a label are told apart by the feature on which they spread most, whose word is
//! replaced by a comparative ("recent · frequent · higher spend"), so a label never names one
//! feature twice.

use crate::segment::transform::Feature;

/// The label of each segment from its medians and their percentile ranks (k × features each):
/// "empty" for a segment with no customer, otherwise one word per feature joined by " · ", made
/// unique by [`distinguish`].
pub(super) fn segment_labels(
    sizes: &[usize], ranks: &[Vec<f64>], medians: &[Vec<f64>], features: &[Feature],
    names: &[String],
) -> Vec<String> {
    let mut words: Vec<Vec<String>> = (0..sizes.len())
        .map(|segment| {
            if sizes[segment] == 0 {
                return vec!["empty".to_string()];
            }
            (0..names.len())
                .map(|column| {
                    describe(
                        features.get(column).copied(),
                        &names[column],
                        ranks[segment][column],
                        medians[segment][column],
                    )
                })
                .collect()
        })
        .collect();
    let nouns: Vec<String> = (0..names.len())
        .map(|column| noun(features.get(column).copied(), &names[column]))
        .collect();
    let recency: Vec<bool> = (0..names.len())
        .map(|column| features.get(column) == Some(&Feature::RecencyDays))
        .collect();
    distinguish(&mut words, sizes, ranks, &nouns, &recency)
}

/// The qualifier of the segment at `position` (0 = highest percentile) among `m` that share a
/// label. Recency days read the other way round: the most days is the least recent.
fn qualifier(noun: &str, recency: bool, m: usize, position: usize) -> String {
    let last = position + 1 == m;
    match (recency, m, position) {
        (true, 2, 0) => "less recent".to_string(),
        (true, 2, _) => "more recent".to_string(),
        (true, _, 0) => "least recent".to_string(),
        (true, _, _) if last => "most recent".to_string(),
        (true, 3, _) => "middle recency".to_string(),
        (false, 2, 0) => format!("higher {noun}"),
        (false, 2, _) => format!("lower {noun}"),
        (false, _, 0) => format!("highest {noun}"),
        (false, _, _) if last => format!("lowest {noun}"),
        (false, 3, _) => format!("middle {noun}"),
        (_, _, p) => format!("{noun} rank {} of {m}", p + 1),
    }
}

/// The feature's name in a qualifier ("higher spend").
fn noun(feature: Option<Feature>, name: &str) -> String {
    match feature {
        Some(Feature::RecencyDays) => "recency days",
        Some(Feature::PurchaseOccasions) => "frequency",
        Some(Feature::Monetary) => "spend",
        Some(Feature::AverageOrderValue) => "order value",
        Some(Feature::TenureDays) => "tenure",
        None => name,
    }
    .to_string()
}

/// Makes the labels of non-empty segments unique and returns them joined by " · ". Each group of
/// segments sharing all their words is told apart on the feature whose percentile ranks spread
/// most within the group (the first such feature on ties): that feature's word is *replaced* by a
/// comparative ordered from the highest rank down, lowest segment index first on equal ranks
/// ("high spend" becomes "higher spend" / "lower spend", "recent" becomes "more recent" / "less
/// recent"), so no label names one feature twice. A group whose ranks are all equal, and any label
/// that still repeats after the replacement, gets `#segment` appended (not a feature word).
fn distinguish(
    words: &mut [Vec<String>], sizes: &[usize], ranks: &[Vec<f64>], nouns: &[String],
    recency: &[bool],
) -> Vec<String> {
    let k = words.len();
    let base = words.to_vec();
    let mut tied = vec![false; k];
    let mut done = vec![false; k];
    for first in 0..k {
        if done[first] || sizes[first] == 0 {
            continue;
        }
        let group: Vec<usize> = (first..k)
            .filter(|&s| sizes[s] > 0 && base[s] == base[first])
            .collect();
        for &s in &group {
            done[s] = true;
        }
        if group.len() < 2 {
            continue;
        }
        let (column, spread) = widest_column(&group, ranks, nouns.len());
        if spread == 0.0 {
            for &s in &group {
                tied[s] = true;
            }
            continue;
        }
        let mut ordered = group.clone();
        ordered.sort_by(|&a, &b| {
            ranks[b][column]
                .total_cmp(&ranks[a][column])
                .then(a.cmp(&b))
        });
        let m = ordered.len();
        for (position, &segment) in ordered.iter().enumerate() {
            words[segment][column] = qualifier(&nouns[column], recency[column], m, position);
        }
    }
    let mut labels: Vec<String> = words.iter().map(|w| w.join(" · ")).collect();
    for segment in 0..k {
        let repeated = sizes[segment] > 0
            && (0..k).any(|other| {
                other != segment && sizes[other] > 0 && labels[other] == labels[segment]
            });
        tied[segment] |= repeated;
    }
    for segment in 0..k {
        if tied[segment] {
            labels[segment] = format!("{} · #{segment}", labels[segment]);
        }
    }
    labels
}

/// The column whose percentile ranks spread most among `group` (the first on ties), and its
/// spread (highest minus lowest rank).
fn widest_column(group: &[usize], ranks: &[Vec<f64>], columns: usize) -> (usize, f64) {
    let spread = |column: usize| {
        let (low, high) = group
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &s| {
                (l.min(ranks[s][column]), h.max(ranks[s][column]))
            });
        high - low
    };
    let mut best = (0, spread(0));
    for candidate in 1..columns {
        let value = spread(candidate);
        if value > best.1 {
            best = (candidate, value);
        }
    }
    best
}

/// The word for one feature of a segment: the lower third of percentile ranks reads low, the
/// upper third high, between them mid; a frequency median of one purchase reads "one-off".
fn describe(feature: Option<Feature>, name: &str, rank: f64, median: f64) -> String {
    let level = if rank <= 1.0 / 3.0 {
        0
    } else if rank >= 2.0 / 3.0 {
        2
    } else {
        1
    };
    let word = match (feature, level) {
        (Some(Feature::RecencyDays), 0) => "recent",
        (Some(Feature::RecencyDays), 1) => "mid recency",
        (Some(Feature::RecencyDays), _) => "lapsed",
        (Some(Feature::PurchaseOccasions), 0) if median <= 1.0 => "one-off",
        (Some(Feature::PurchaseOccasions), 0) => "infrequent",
        (Some(Feature::PurchaseOccasions), 1) => "occasional",
        (Some(Feature::PurchaseOccasions), _) => "frequent",
        (Some(Feature::Monetary), 0) => "low spend",
        (Some(Feature::Monetary), 1) => "mid spend",
        (Some(Feature::Monetary), _) => "high spend",
        (Some(Feature::AverageOrderValue), 0) => "small orders",
        (Some(Feature::AverageOrderValue), 1) => "mid orders",
        (Some(Feature::AverageOrderValue), _) => "large orders",
        (Some(Feature::TenureDays), 0) => "new",
        (Some(Feature::TenureDays), 1) => "established",
        (Some(Feature::TenureDays), _) => "long-standing",
        (None, 0) => return format!("low {name}"),
        (None, 1) => return format!("mid {name}"),
        (None, _) => return format!("high {name}"),
    };
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(labels: &[&str]) -> Vec<Vec<String>> {
        labels
            .iter()
            .map(|l| l.split(" · ").map(String::from).collect())
            .collect()
    }

    #[test]
    fn repeated_labels_get_a_qualifier_in_place_of_the_word() {
        let nouns = vec!["recency days".to_string(), "spend".to_string()];
        let mut labels = words(&[
            "recent · high spend",
            "recent · high spend",
            "lapsed · low spend",
            "recent · high spend",
            "empty",
        ]);
        let sizes = [5, 5, 5, 5, 0];
        // Spend spreads most among segments 0, 1 and 3.
        let ranks = vec![
            vec![0.5, 0.2],
            vec![0.5, 0.9],
            vec![0.1, 0.1],
            vec![0.6, 0.5],
            vec![0.0, 0.0],
        ];
        let labels = distinguish(&mut labels, &sizes, &ranks, &nouns, &[true, false]);
        assert_eq!(
            labels,
            [
                "recent · lowest spend",
                "recent · highest spend",
                "lapsed · low spend",
                "recent · middle spend",
                "empty"
            ]
        );
        let pair = distinguish(
            &mut words(&["x · y", "x · y"]),
            &[1, 1],
            &[vec![0.3, 0.3], vec![0.3, 0.3]],
            &nouns,
            &[false, false],
        );
        assert_eq!(pair, ["x · y · #0", "x · y · #1"]);
        let ranks = vec![
            vec![0.1, 0.0],
            vec![0.4, 0.0],
            vec![0.3, 0.0],
            vec![0.2, 0.0],
        ];
        let four = distinguish(
            &mut words(&["x · y"; 4]),
            &[1; 4],
            &ranks,
            &nouns,
            &[true, false],
        );
        assert_eq!(
            four,
            [
                "most recent · y",
                "least recent · y",
                "recency days rank 2 of 4 · y",
                "recency days rank 3 of 4 · y"
            ]
        );
    }

    #[test]
    fn labels_equal_after_the_replacement_are_numbered() {
        // Two groups that differ only in spend both qualify spend: "lower spend" would repeat.
        let nouns = vec!["recency days".to_string(), "spend".to_string()];
        let ranks = vec![
            vec![0.1, 0.9],
            vec![0.1, 0.7],
            vec![0.1, 0.3],
            vec![0.1, 0.1],
        ];
        let labels = distinguish(
            &mut words(&[
                "recent · high spend",
                "recent · high spend",
                "recent · low spend",
                "recent · low spend",
            ]),
            &[1; 4],
            &ranks,
            &nouns,
            &[true, false],
        );
        assert_eq!(
            labels,
            [
                "recent · higher spend · #0",
                "recent · lower spend · #1",
                "recent · higher spend · #2",
                "recent · lower spend · #3"
            ]
        );
    }

    #[test]
    fn words_follow_thirds() {
        assert_eq!(describe(Some(Feature::RecencyDays), "", 0.1, 3.0), "recent");
        assert_eq!(
            describe(Some(Feature::PurchaseOccasions), "", 0.2, 1.0),
            "one-off"
        );
        assert_eq!(
            describe(Some(Feature::PurchaseOccasions), "", 0.2, 2.0),
            "infrequent"
        );
        assert_eq!(describe(Some(Feature::Monetary), "", 0.5, 2.0), "mid spend");
        assert_eq!(describe(None, "column_1", 0.9, 2.0), "high column_1");
    }
}
