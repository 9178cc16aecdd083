"""Polars and DuckDB peers of benches/columnar.rs: customer summaries and RFM quintile scores from
columns (customer ids, days, amounts in cents) of the synthetic log of benches/summary.rs (the same
SplitMix64 rows, from summary_rfm.synthetic_columns).

Both compute what `Summarizer::summarize_columns` + `RfmScorer::new().score` compute (but z̄, see
below), with the same rules: lines after the observation end left out; lines netted per
customer-day; a day is a purchase occasion when it nets to a positive amount, or to zero without a
refund; per customer with an occasion: occasions, first and last occasion, RFM recency, total net
spend (exact, in cents), x, t_x and T in days and weeks; then quintile breakpoints of recency,
frequency and total spend (linear interpolation, numpy's default and the crate's) and the scores
1 + the number of breakpoints below the value (recency reversed). Each prints a checksum (customers, occasions, total cents, sums of
the three scores) to compare with the one benches/columnar.rs prints, and one
`RESULT <key> <median_ms>` line for bench/peers/run.sh.

The peers do less than the crate: they leave out the mean repeat spend (z̄, the net of the days
after the first occasion over x), which needs each customer's first-occasion amount. Polars has no
fast aggregation for it: `net.get(arg_min)` in the group-by, a window or a join back each added
50 to 130% to the Polars run (CPU seconds on this log), so the comparison favours the peers.

Run: python bench/peers/columnar.py [rows (10000000)] [repeats (3)]
"""
import datetime
import os
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # importing the sibling script leaves no __pycache__ in the repository
from summary_rfm import ROWS, REPEATS, size_tag, result, synthetic_columns  # noqa: E402

START = datetime.date(2022, 1, 1)
END = datetime.date(2023, 12, 31)
QUINTILES = (0.2, 0.4, 0.6, 0.8)


def median_of_runs(label, fn):
    """Runs fn REPEATS times; prints and returns the median seconds and the last result."""
    times, out = [], None
    for _ in range(REPEATS):
        begin = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - begin)
    median = float(np.median(times))
    print(f"{label}: {median:.3f} s (median of {REPEATS}; runs {', '.join(f'{t:.3f}' for t in times)})")
    return median, out


def polars_summary_rfm(pl, frame):
    day_of_occasion = pl.when("occasion").then("day")
    per_customer = (
        frame.lazy()
        .filter(pl.col("day") <= END)
        .group_by("customer", "day")
        .agg(net=pl.col("cents").sum(), refund=(pl.col("cents") < 0).any())
        .with_columns(occasion=(pl.col("net") > 0) | ((pl.col("net") == 0) & ~pl.col("refund")))
        .group_by("customer")
        .agg(
            occasions=pl.col("occasion").sum(),
            first=day_of_occasion.min(),
            last=day_of_occasion.max(),
            total_cents=pl.col("net").sum(),
        )
        .filter(pl.col("occasions") > 0)
        .with_columns(
            recency_days=(pl.lit(END) - pl.col("last")).dt.total_days(),
            x=pl.col("occasions") - 1,
            t_x_days=(pl.col("last") - pl.col("first")).dt.total_days(),
            age_days=(pl.lit(END) - pl.col("first")).dt.total_days(),
        )
        .with_columns(t_x_weeks=pl.col("t_x_days") / 7.0, age_weeks=pl.col("age_days") / 7.0)
    )

    def level(column):
        values = pl.col(column).cast(pl.Float64)
        above = ((values > values.quantile(q, "linear")).cast(pl.Int8) for q in QUINTILES)
        return sum(above, pl.lit(1, pl.Int8))

    return per_customer.with_columns(
        r_score=6 - level("recency_days"),
        f_score=level("occasions"),
        m_score=level("total_cents"),
    ).collect()


DUCKDB_SQL = f"""
WITH daily AS (
    SELECT customer, day, sum(cents) AS net, bool_or(cents < 0) AS refund
    FROM log WHERE day <= DATE '{END}' GROUP BY customer, day
), per_customer AS (
    SELECT customer,
           count(*) FILTER (WHERE occasion) AS occasions,
           min(day) FILTER (WHERE occasion) AS first,
           max(day) FILTER (WHERE occasion) AS last,
           sum(net) AS total_cents
    FROM (SELECT *, net > 0 OR (net = 0 AND NOT refund) AS occasion FROM daily)
    GROUP BY customer HAVING count(*) FILTER (WHERE occasion) > 0
), summary AS (
    SELECT *, date_diff('day', last, DATE '{END}') AS recency_days, occasions - 1 AS x,
           date_diff('day', first, last) AS t_x_days, date_diff('day', first, DATE '{END}') AS age_days,
           date_diff('day', first, last) / 7.0 AS t_x_weeks,
           date_diff('day', first, DATE '{END}') / 7.0 AS age_weeks
    FROM per_customer
), cuts AS (
    SELECT quantile_cont(recency_days, [0.2, 0.4, 0.6, 0.8]) AS r,
           quantile_cont(occasions, [0.2, 0.4, 0.6, 0.8]) AS f,
           quantile_cont(total_cents, [0.2, 0.4, 0.6, 0.8]) AS m
    FROM summary
)
SELECT summary.*,
       6 - (1 + (recency_days > r[1])::INT + (recency_days > r[2])::INT
              + (recency_days > r[3])::INT + (recency_days > r[4])::INT) AS r_score,
       1 + (occasions > f[1])::INT + (occasions > f[2])::INT + (occasions > f[3])::INT
         + (occasions > f[4])::INT AS f_score,
       1 + (total_cents > m[1])::INT + (total_cents > m[2])::INT + (total_cents > m[3])::INT
         + (total_cents > m[4])::INT AS m_score
FROM summary, cuts
"""


def checksum(customers, occasions, total_cents, r, f, m):
    return (f"customers {customers}, occasions {occasions}, total cents {total_cents}, "
            f"score sums R {r} F {f} M {m}")


def main():
    customer, day, cents = synthetic_columns(ROWS)
    dates = (np.datetime64(START) + day.astype("timedelta64[D]")).astype("datetime64[D]")
    tag = size_tag(ROWS)
    threads = os.cpu_count()
    print(f"rows {ROWS:,}, {threads} cores")

    import polars as pl
    frame = pl.DataFrame({"customer": customer, "day": dates, "cents": cents})
    seconds, out = median_of_runs(f"polars {pl.__version__} summary + RFM quintiles",
                                  lambda: polars_summary_rfm(pl, frame))
    print("polars", checksum(out.height, out["occasions"].sum(), out["total_cents"].sum(),
                             out["r_score"].sum(), out["f_score"].sum(), out["m_score"].sum()))
    result(f"polars_summary_rfm_columns_{tag}", seconds)
    del frame, out

    import duckdb
    import pandas as pd
    log = pd.DataFrame({"customer": customer, "day": dates, "cents": cents})
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.register("log_frame", log)
    # DuckDB's own table, as Polars works on its own frame: loading is not timed.
    con.execute("CREATE TABLE log AS SELECT * FROM log_frame")
    con.unregister("log_frame")
    seconds, out = median_of_runs(f"duckdb {duckdb.__version__} summary + RFM quintiles",
                                  lambda: con.execute(DUCKDB_SQL).fetchnumpy())
    print("duckdb", checksum(len(out["customer"]), int(out["occasions"].sum()), int(out["total_cents"].sum()),
                             int(out["r_score"].sum()), int(out["f_score"].sum()), int(out["m_score"].sum())))
    result(f"duckdb_summary_rfm_columns_{tag}", seconds)


if __name__ == "__main__":
    main()
