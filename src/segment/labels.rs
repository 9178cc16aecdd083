//! Descriptive segment labels: per feature, the segment's median placed among all customers'
//! values (mid-rank percentile) reads low, mid or high ("recent · frequent · high spend"); segments
//! that would share a label are told apart by the feature on which they spread most.

use crate::segment::transform::Feature;

/// The label of each segment from its medians and their percentile ranks (k × features each):
/// "empty" for a segment with no customer, otherwise one word per feature joined by " · ", made
/// unique by [`distinguish`].
pub(super) fn segment_labels(
    sizes: &[usize],
    ranks: &[Vec<f64>],
    medians: &[Vec<f64>],
    features: &[Feature],
    names: &[String],
) -> Vec<String> {
    let mut labels: Vec<String> = (0..sizes.len())
        .map(|segment| {
            if sizes[segment] == 0 {
                return "empty".to_string();
            }
            let words: Vec<String> = (0..names.len())
                .map(|column| {
                    describe(
                        features.get(column).copied(),
                        &names[column],
                        ranks[segment][column],
                        medians[segment][column],
                    )
                })
                .collect();
            words.join(" · ")
        })
        .collect();
    let nouns: Vec<String> = (0..names.len())
        .map(|column| noun(features.get(column).copied(), &names[column]))
        .collect();
    let recency: Vec<bool> = (0..names.len())
        .map(|column| features.get(column) == Some(&Feature::RecencyDays))
        .collect();
    distinguish(&mut labels, sizes, ranks, &nouns, &recency);
    labels
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

/// Makes the labels of non-empty segments unique: each group sharing a label gets a qualifier from
/// the feature whose percentile ranks spread most within the group (the first such feature on
/// ties), ordered from the highest rank down (lowest segment index first on equal ranks); a group
/// still tied after that gets `#segment`.
fn distinguish(
    labels: &mut [String],
    sizes: &[usize],
    ranks: &[Vec<f64>],
    nouns: &[String],
    recency: &[bool],
) {
    let k = labels.len();
    let mut done = vec![false; k];
    for first in 0..k {
        if done[first] || sizes[first] == 0 {
            continue;
        }
        let group: Vec<usize> = (first..k)
            .filter(|&s| sizes[s] > 0 && labels[s] == labels[first])
            .collect();
        for &s in &group {
            done[s] = true;
        }
        if group.len() < 2 {
            continue;
        }
        let spread = |column: usize| {
            let (low, high) = group
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &s| {
                    (l.min(ranks[s][column]), h.max(ranks[s][column]))
                });
            high - low
        };
        let mut column = 0;
        for candidate in 1..nouns.len() {
            if spread(candidate) > spread(column) {
                column = candidate;
            }
        }
        let mut ordered = group.clone();
        ordered.sort_by(|&a, &b| {
            ranks[b][column]
                .total_cmp(&ranks[a][column])
                .then(a.cmp(&b))
        });
        let m = ordered.len();
        let noun = &nouns[column];
        let tied = spread(column) == 0.0;
        for (position, &segment) in ordered.iter().enumerate() {
            let qualifier = if tied {
                format!("#{segment}")
            } else {
                qualifier(noun, recency[column], m, position)
            };
            labels[segment] = format!("{} · {qualifier}", labels[segment]);
        }
    }
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

    #[test]
    fn repeated_labels_get_a_qualifier() {
        let nouns = vec!["recency days".to_string(), "spend".to_string()];
        let mut labels: Vec<String> = ["a", "a", "b", "a", "empty"].map(String::from).to_vec();
        let sizes = [5, 5, 5, 5, 0];
        // Spend spreads most among segments 0, 1 and 3.
        let ranks = vec![
            vec![0.5, 0.2],
            vec![0.5, 0.9],
            vec![0.1, 0.1],
            vec![0.6, 0.5],
            vec![0.0, 0.0],
        ];
        distinguish(&mut labels, &sizes, &ranks, &nouns, &[false, false]);
        assert_eq!(
            labels,
            [
                "a · lowest spend",
                "a · highest spend",
                "b",
                "a · middle spend",
                "empty"
            ]
        );
        let mut pair: Vec<String> = ["x", "x"].map(String::from).to_vec();
        distinguish(
            &mut pair,
            &[1, 1],
            &[vec![0.3, 0.3], vec![0.3, 0.3]],
            &nouns,
            &[false, false],
        );
        assert_eq!(pair, ["x · #0", "x · #1"]);
        let mut four: Vec<String> = ["x"; 4].map(String::from).to_vec();
        let ranks = vec![
            vec![0.1, 0.0],
            vec![0.4, 0.0],
            vec![0.3, 0.0],
            vec![0.2, 0.0],
        ];
        distinguish(&mut four, &[1; 4], &ranks, &nouns, &[true, false]);
        assert_eq!(
            four,
            [
                "x · most recent",
                "x · least recent",
                "x · recency days rank 2 of 4",
                "x · recency days rank 3 of 4"
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
