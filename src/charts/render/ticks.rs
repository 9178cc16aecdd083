//! Where ticks go and what they say: "nice" steps (1, 2 or 5 × 10^k) on a continuous axis, and
//! every k-th label on a category axis, as many as the space allows without labels touching.

use crate::charts::nice_step;

/// Ticks of a continuous axis: positions with their labels.
pub(super) struct Ticks {
    /// The axis' range, widened to the outer ticks.
    pub range: (f64, f64),
    /// The tick positions and labels, from low to high.
    pub marks: Vec<(f64, String)>,
}

/// Decimals that show a step's digits: 0 for 5, 1 for 0.5, 2 for 0.25.
fn decimals(step: f64) -> usize {
    (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

/// At most `max_ticks` (≥ 2) nice ticks covering `low..=high`. A range of one value is widened
/// by one unit each side.
pub(super) fn continuous(low: f64, high: f64, max_ticks: usize) -> Ticks {
    let (low, high) = if high > low {
        (low, high)
    } else {
        (low - 1.0, high + 1.0)
    };
    let intervals = max_ticks.max(2) - 1;
    let mut step = nice_step((high - low) / intervals as f64);
    // Rounding the ends outwards can add an interval: widen the step until it fits.
    loop {
        let (first, last) = ((low / step).floor(), (high / step).ceil());
        if (last - first) as usize <= intervals || !step.is_finite() {
            let digits = decimals(step);
            let marks = (0..=(last - first) as usize)
                .map(|k| {
                    let v = (first + k as f64) * step;
                    // −0.0 would print as "-0".
                    let v = if v == 0.0 { 0.0 } else { v };
                    (v, format!("{v:.digits$}"))
                })
                .collect();
            return Ticks {
                range: (first * step, last * step),
                marks,
            };
        }
        step = nice_step(step * 1.0001);
    }
}

/// The indices of `count` categories to label when each takes `cell` pixels and a label needs
/// `needed` pixels: every k-th from the first, k the smallest that gives the room.
pub(super) fn every_kth(count: usize, cell: f64, needed: f64) -> Vec<usize> {
    let k = if cell <= 0.0 {
        count.max(1)
    } else {
        ((needed / cell).ceil() as usize).clamp(1, count.max(1))
    };
    (0..count).step_by(k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_bounded() {
        let t = continuous(0.0, 4176.0, 8);
        let labels: Vec<&str> = t.marks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "1000", "2000", "3000", "4000", "5000"]);
        assert_eq!(t.range, (0.0, 5000.0));
        let t = continuous(0.0, 1.0, 6);
        let labels: Vec<&str> = t.marks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(continuous(3.0, 3.0, 5).range, (2.0, 4.0));
        assert!(continuous(0.0, 1e-300, 5).marks.len() <= 5);
    }

    #[test]
    fn every_kth_thins_crowded_labels() {
        assert_eq!(every_kth(5, 50.0, 30.0), [0, 1, 2, 3, 4]);
        assert_eq!(every_kth(10, 10.0, 25.0), [0, 3, 6, 9]);
        assert_eq!(every_kth(3, 0.0, 25.0), [0]);
    }
}
