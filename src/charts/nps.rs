//! Chart 12: the answers 0–10 to "how likely are you to recommend us?", colored detractor,
//! passive and promoter (Reichheld 2003), with the Net Promoter Score and its score interval
//! (Rocks 2016) written under the title, from [`Nps`].

use super::classed_bars::{BarClass, ClassedBarChart, Estimate, Tone};
use super::kinds::Axis;
use super::ChartError;
use crate::satisfaction::Nps;

/// The highest answer of the NPS scale.
const TOP: usize = 10;

/// Respondents by answer 0–10, colored detractors (0–6), passives (7–8) and promoters (9–10),
/// with the NPS and its score interval at `level` ([`Nps::score_interval`], Rocks 2016: never
/// off the −100…100 scale and sound for small samples) as the chart's estimate.
///
/// # Errors
///
/// The errors of [`Nps::from_answers`] (no answers, an answer above 10 with its position) and
/// of [`Nps::score_interval`] (`level` not strictly between 0 and 1), as
/// [`ChartError::Satisfaction`].
///
/// # Examples
///
/// ```
/// use customer_value::charts::nps_chart;
/// let answers = [10, 10, 9, 8, 7, 6, 3, 10, 9, 0];
/// let chart = nps_chart(&answers, 0.95)?;
/// assert_eq!(chart.values, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 3.0]);
/// assert_eq!(chart.class_of, [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2]);
/// // 5 promoters and 3 detractors of 10: NPS 20.
/// assert!((chart.estimates[0].interval.estimate - 20.0).abs() < 1e-12);
/// # Ok::<(), customer_value::charts::ChartError>(())
/// ```
pub fn nps_chart(answers: &[u8], level: f64) -> Result<ClassedBarChart, ChartError> {
    let nps = Nps::from_answers(answers)?;
    let interval = nps.score_interval(level)?;
    let mut values = vec![0.0; TOP + 1];
    for &answer in answers {
        // Nps::from_answers has refused answers above 10.
        values[usize::from(answer).min(TOP)] += 1.0;
    }
    let class_of = (0..=TOP)
        .map(|answer| match answer {
            0..=6 => 0,
            7..=8 => 1,
            _ => 2,
        })
        .collect();
    let class = |name: &str, tone| BarClass {
        name: name.to_owned(),
        tone,
    };
    Ok(ClassedBarChart {
        title: "How likely are you to recommend us? Answers 0–10".to_owned(),
        x_axis: Axis::new(
            "Answer",
            Some("0 = not at all likely, 10 = extremely likely"),
        ),
        y_axis: Axis::new("Respondents", None),
        categories: (0..=TOP).map(|a| a.to_string()).collect(),
        values,
        classes: vec![
            class("Detractors (0–6)", Tone::Negative),
            class("Passives (7–8)", Tone::Neutral),
            class("Promoters (9–10)", Tone::Positive),
        ],
        class_of,
        estimates: vec![Estimate {
            name: "NPS".to_owned(),
            interval,
            scale: Some([-100.0, 100.0]),
        }],
    })
}
