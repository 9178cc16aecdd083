//! The checks of the stages after the summary: what the checked summaries say the sufficient
//! statistics and the scores must hold, compared figure by figure with what came back.
//!
//! Why these figures: a stage that lost, doubled or split a group after an executor was lost
//! (Ballista 55's static planner can finish such a job, issue 16) changes the number of rows it
//! counted, or moves a customer's x to another row, whichever partition the group was in. The
//! summaries passed their own check against a plain aggregate of the input, so figures computed
//! from them on the driver are the reference; the later stages recompute the summaries on the
//! cluster and must agree with it.

use serde::{Deserialize, Serialize};

use super::guard::JobFailure;

/// The customers the models see (`status` = `summary`), read from the checked summaries.
///
/// # Examples
///
/// ```
/// use customer_value_datafusion::ballista::ModeledFigures;
///
/// // CDNOW's 23,570 customers: 44,021 repeat purchases; customer 10244's one repeat occasion
/// // nets to 0.00 (no mean repeat spend).
/// let modeled = ModeledFigures {
///     customers: 23_570,
///     repeat_purchases: 44_021,
///     without_mean_spend: 1,
///     repeat_purchases_without_mean_spend: 1,
/// };
/// assert_eq!(modeled.spend_statistics().customers, 23_569);
/// assert_eq!(modeled.spend_statistics().repeat_purchases, 44_020);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModeledFigures {
    /// Customers with a summary (status `summary`).
    pub customers: u64,
    /// Σ x over them: their repeat purchase occasions.
    pub repeat_purchases: u64,
    /// Those with x > 0 but no mean repeat spend (refunds took back every repeat purchase): the
    /// spend statistics leave them out, their CLV is NULL.
    pub without_mean_spend: u64,
    /// Σ x over those.
    pub repeat_purchases_without_mean_spend: u64,
}

/// The figures of a stage's sufficient statistics (distinct rows with counts).
///
/// # Examples
///
/// ```
/// use customer_value::clv::RepeatHistory;
/// use customer_value_datafusion::ballista::StatisticsFigures;
/// use customer_value_datafusion::fit::Statistics;
///
/// let statistics = Statistics {
///     histories: vec![RepeatHistory::new(0.0, 0.0, 9.0)?, RepeatHistory::new(2.0, 5.0, 9.0)?],
///     weights: vec![2.0, 3.0],
///     null_rows: 1,
/// };
/// let figures = StatisticsFigures::of(&statistics, |h| h.frequency());
/// assert_eq!((figures.customers, figures.left_out, figures.repeat_purchases), (5, 1, 6));
/// # Ok::<(), customer_value::clv::ClvError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatisticsFigures {
    /// The customers the rows stand for: the sum of the counts.
    pub customers: u64,
    /// Customers left out for a NULL.
    pub left_out: u64,
    /// Σ count · x.
    pub repeat_purchases: u64,
}

impl StatisticsFigures {
    /// The figures of `statistics`, x of a row read by `x`.
    pub fn of<H>(
        statistics: &crate::fit::Statistics<H>, x: impl Fn(&H) -> f64,
    ) -> StatisticsFigures {
        // Counts and x are whole numbers; as integers their sums are exact at any size.
        let repeat_purchases = (statistics.histories.iter().zip(&statistics.weights))
            .map(|(h, &w)| whole(w) * whole(x(h)))
            .sum();
        StatisticsFigures {
            customers: statistics.weights.iter().map(|&w| whole(w)).sum(),
            left_out: statistics.null_rows,
            repeat_purchases,
        }
    }
}

/// `value` as a count (the statistics hold only whole, non-negative counts and x).
fn whole(value: f64) -> u64 {
    value.round().max(0.0) as u64
}

impl ModeledFigures {
    /// What the purchase model's statistics must hold: every modeled customer counted once, none
    /// left out, Σ count · x = Σ x.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value_datafusion::ballista::ModeledFigures;
    /// let modeled = ModeledFigures { customers: 10, repeat_purchases: 7, ..Default::default() };
    /// assert_eq!(modeled.purchase_statistics().repeat_purchases, 7);
    /// ```
    pub fn purchase_statistics(&self) -> StatisticsFigures {
        StatisticsFigures {
            customers: self.customers,
            left_out: 0,
            repeat_purchases: self.repeat_purchases,
        }
    }

    /// What the spend model's statistics must hold: the customers without a mean repeat spend
    /// left out, every other modeled customer counted once with its x.
    ///
    /// # Examples
    ///
    /// See [`ModeledFigures`].
    pub fn spend_statistics(&self) -> StatisticsFigures {
        StatisticsFigures {
            customers: self.customers - self.without_mean_spend,
            left_out: self.without_mean_spend,
            repeat_purchases: self.repeat_purchases - self.repeat_purchases_without_mean_spend,
        }
    }

    /// What the scores must hold: one row for each modeled customer, a P(alive) and an RFM score
    /// on each, no CLV exactly where there is no mean repeat spend, RFM breakpoints from every
    /// modeled customer.
    ///
    /// # Examples
    ///
    /// ```
    /// use customer_value_datafusion::ballista::ModeledFigures;
    /// let modeled = ModeledFigures { customers: 10, repeat_purchases: 7, without_mean_spend: 1,
    ///                                repeat_purchases_without_mean_spend: 1 };
    /// let scores = modeled.scores();
    /// assert_eq!((scores.rows, scores.null_clv, scores.rfm_rows), (10, 1, 10));
    /// ```
    pub fn scores(&self) -> ScoreFigures {
        ScoreFigures {
            rows: self.customers,
            customers: self.customers,
            repeat_purchases: self.repeat_purchases,
            null_p_alive: 0,
            null_clv: self.without_mean_spend,
            null_rfm: 0,
            rfm_rows: self.customers,
        }
    }
}

/// The figures of the scoring stage's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScoreFigures {
    /// Rows.
    pub rows: u64,
    /// Distinct customers among them that are modeled customers of the checked summaries.
    pub customers: u64,
    /// Σ x over the rows.
    pub repeat_purchases: u64,
    /// Rows without a P(alive).
    pub null_p_alive: u64,
    /// Rows without a CLV.
    pub null_clv: u64,
    /// Rows without an RFM score.
    pub null_rfm: u64,
    /// The rows the RFM breakpoints aggregate saw (a `COUNT` beside it in the same aggregate).
    pub rfm_rows: u64,
}

/// The sufficient statistics of `stage` against what the summaries say they must hold.
///
/// # Errors
///
/// [`JobFailure::Integrity`] naming the first figure that differs: `customers`, `rows left out
/// for a NULL` or `repeat purchases (Σ count·x)`.
///
/// # Examples
///
/// ```
/// use customer_value_datafusion::ballista::{check_statistics, JobFailure, ModeledFigures, StatisticsFigures};
///
/// let modeled = ModeledFigures { customers: 23_570, repeat_purchases: 44_021, ..Default::default() };
/// let doubled_group = StatisticsFigures { customers: 23_571, left_out: 0, repeat_purchases: 44_023 };
/// let failure = check_statistics("purchase statistics", &modeled.purchase_statistics(), &doubled_group);
/// assert!(matches!(failure, Err(JobFailure::Integrity(ref c)) if c.figure == "customers" && c.found == "23571"));
/// ```
pub fn check_statistics(
    stage: &str, expected: &StatisticsFigures, found: &StatisticsFigures,
) -> Result<(), JobFailure> {
    first_difference(
        stage,
        &[
            ("customers", expected.customers, found.customers),
            (
                "rows left out for a NULL",
                expected.left_out,
                found.left_out,
            ),
            (
                "repeat purchases (Σ count·x)",
                expected.repeat_purchases,
                found.repeat_purchases,
            ),
        ],
    )
}

/// The scoring stage's output against what the summaries say it must hold.
///
/// # Errors
///
/// [`JobFailure::Integrity`] naming the first figure that differs, in the order of
/// [`ScoreFigures`]' fields.
///
/// # Examples
///
/// ```
/// use customer_value_datafusion::ballista::{check_scores, JobFailure, ModeledFigures};
///
/// let modeled = ModeledFigures { customers: 100, repeat_purchases: 80, ..Default::default() };
/// let mut found = modeled.scores();
/// assert!(check_scores(&modeled.scores(), &found).is_ok());
/// // The breakpoints aggregate saw a partition twice.
/// found.rfm_rows = 125;
/// let failure = check_scores(&modeled.scores(), &found);
/// assert!(matches!(failure, Err(JobFailure::Integrity(ref c)) if c.figure == "rows the RFM breakpoints saw"));
/// ```
pub fn check_scores(expected: &ScoreFigures, found: &ScoreFigures) -> Result<(), JobFailure> {
    first_difference(
        "scoring",
        &[
            ("rows", expected.rows, found.rows),
            ("modeled customers", expected.customers, found.customers),
            (
                "repeat purchases (Σ x)",
                expected.repeat_purchases,
                found.repeat_purchases,
            ),
            ("NULL P(alive)", expected.null_p_alive, found.null_p_alive),
            ("NULL CLV", expected.null_clv, found.null_clv),
            ("NULL RFM scores", expected.null_rfm, found.null_rfm),
            (
                "rows the RFM breakpoints saw",
                expected.rfm_rows,
                found.rfm_rows,
            ),
        ],
    )
}

/// The first `(figure, expected, found)` whose values differ, as a failed check of `stage`.
fn first_difference(stage: &str, figures: &[(&str, u64, u64)]) -> Result<(), JobFailure> {
    match figures.iter().find(|(_, want, got)| want != got) {
        Some((figure, want, got)) => Err(JobFailure::integrity(stage, figure, want, got)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CDNOW's figures: 23,570 customers, Σ x = 44,021 (67,591 distinct customer-days less one
    /// first purchase per customer, counted with Python over `examples/data/CDNOW_master.txt`),
    /// one customer (10244) with x = 1 and no mean repeat spend (its repeat day is 0.00).
    const CDNOW: ModeledFigures = ModeledFigures {
        customers: 23_570,
        repeat_purchases: 44_021,
        without_mean_spend: 1,
        repeat_purchases_without_mean_spend: 1,
    };

    fn failed_figure(outcome: Result<(), JobFailure>) -> (String, String, String) {
        match outcome {
            Err(JobFailure::Integrity(c)) => (c.figure, c.expected, c.found),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn statistics_that_lost_doubled_or_moved_a_group_fail() {
        let purchase = CDNOW.purchase_statistics();
        assert!(check_statistics("purchase statistics", &purchase, &purchase).is_ok());
        // A distinct row of 7 customers counted twice.
        let doubled = StatisticsFigures {
            customers: 23_577,
            repeat_purchases: 44_021 + 7 * 3,
            ..purchase
        };
        assert_eq!(
            failed_figure(check_statistics("s", &purchase, &doubled)),
            ("customers".into(), "23570".into(), "23577".into())
        );
        // A customer's row moved to another x: the count holds, Σ count·x does not.
        let moved = StatisticsFigures {
            repeat_purchases: 44_020,
            ..purchase
        };
        assert_eq!(
            failed_figure(check_statistics("s", &purchase, &moved)).0,
            "repeat purchases (Σ count·x)"
        );
        let spend = CDNOW.spend_statistics();
        assert_eq!(
            (spend.customers, spend.left_out, spend.repeat_purchases),
            (23_569, 1, 44_020)
        );
        let none_left_out = StatisticsFigures {
            customers: 23_570,
            left_out: 0,
            ..spend
        };
        assert_eq!(
            failed_figure(check_statistics("s", &spend, &none_left_out)).0,
            "customers"
        );
    }

    #[test]
    fn scores_with_a_missing_duplicated_or_null_row_fail() {
        let expected = CDNOW.scores();
        assert!(check_scores(&expected, &expected).is_ok());
        let cases = [
            // A customer lost and another scored twice: rows hold, customers do not.
            (
                ScoreFigures {
                    customers: 23_569,
                    ..expected
                },
                "modeled customers",
            ),
            (
                ScoreFigures {
                    rows: 23_571,
                    ..expected
                },
                "rows",
            ),
            (
                ScoreFigures {
                    null_p_alive: 1,
                    ..expected
                },
                "NULL P(alive)",
            ),
            (
                ScoreFigures {
                    null_clv: 0,
                    ..expected
                },
                "NULL CLV",
            ),
            (
                ScoreFigures {
                    rfm_rows: 23_500,
                    ..expected
                },
                "rows the RFM breakpoints saw",
            ),
        ];
        for (found, figure) in cases {
            let (name, _, _) = failed_figure(check_scores(&expected, &found));
            assert_eq!(name, figure);
        }
    }

    #[test]
    fn statistics_figures_sum_counts_and_count_times_x() {
        use customer_value::clv::SpendHistory;
        let statistics = crate::fit::Statistics {
            histories: vec![
                SpendHistory::new(1.0, 10.0).unwrap(),
                SpendHistory::new(4.0, 2.5).unwrap(),
            ],
            weights: vec![3.0, 2.0],
            null_rows: 2,
        };
        // 3 · 1 + 2 · 4 = 11, by hand.
        let figures = StatisticsFigures::of(&statistics, |h| h.frequency());
        assert_eq!(
            figures,
            StatisticsFigures {
                customers: 5,
                left_out: 2,
                repeat_purchases: 11
            }
        );
    }
}
