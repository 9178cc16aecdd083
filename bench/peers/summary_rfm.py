"""pandas and lifetimes on the synthetic log of benches/summary.rs (same SplitMix64 rows).

Prints the median of several runs of: the BTYD summary in pandas (distinct purchase days, first and
last, T), R/F/M quintiles with qcut, both end to end, and lifetimes' summary_data_from_transaction_data;
and, for bench/peers/run.sh, one `RESULT <key> <median_ms>` line per timing.

Run: python bench/peers/summary_rfm.py [rows (10000000)] [repeats (3)]
"""
import sys
import time

import numpy as np
import pandas as pd

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
CUSTOMERS = 1_000_000
SEED = 42
REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def splitmix64(x):
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def synthetic_columns(rows=None):
    """The rows of benches/common's synthetic_log as columns: customer ids, days since 2022-01-01
    and amounts in cents (all int64). bench/peers/columnar.py reads the same columns."""
    rows = ROWS if rows is None else rows
    h = splitmix64(np.arange(rows, dtype=np.uint64) + np.uint64(SEED))
    customer = (h % np.uint64(CUSTOMERS)).astype(np.int64)
    day = ((h >> np.uint64(20)) % np.uint64(730)).astype(np.int64)
    cents = (np.uint64(100) + (h >> np.uint64(40)) % np.uint64(20_000)).astype(np.int64)
    return customer, day, cents


def synthetic_log():
    customer, day, cents = synthetic_columns()
    date = np.datetime64("2022-01-01") + day.astype("timedelta64[D]")
    return pd.DataFrame({"customer": customer, "date": date, "amount": cents / 100.0})


def size_tag(n):
    """10000000 -> 10m, 100000 -> 100k: the size part of a RESULT key."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n >= unit and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def result(key, seconds):
    """The machine-readable line bench/peers/run.sh pairs with our criterion medians."""
    print(f"RESULT {key} {seconds * 1e3:.4f}", flush=True)


def median_time(fn):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def btyd_summary(df, end):
    daily = df.groupby(["customer", "date"], as_index=False)["amount"].sum()
    g = daily.groupby("customer").agg(first=("date", "min"), last=("date", "max"), days=("date", "size"),
                                      total=("amount", "sum"))
    g["x"] = g["days"] - 1
    g["t_x"] = (g["last"] - g["first"]).dt.days
    g["T"] = (end - g["first"]).dt.days
    g["recency"] = (end - g["last"]).dt.days
    return g


def quintiles(g):
    r = pd.qcut(g["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1])
    f = pd.qcut(g["days"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5])
    m = pd.qcut(g["total"], 5, labels=[1, 2, 3, 4, 5])
    return r, f, m


def main():
    df = synthetic_log()
    end = pd.Timestamp("2023-12-31")
    print(f"rows {len(df):,}, customers {df['customer'].nunique():,}")
    tag = size_tag(ROWS)
    # Each run times the summary, the quintiles of that summary, and the two end to end (what the
    # criterion bench "summarize (lean) + RFM quintiles" times in one iteration).
    summary_times, qcut_times, both_times = [], [], []
    for _ in range(REPEATS):
        start = time.perf_counter()
        g = btyd_summary(df, end)
        middle = time.perf_counter()
        quintiles(g)
        stop = time.perf_counter()
        summary_times.append(middle - start)
        qcut_times.append(stop - middle)
        both_times.append(stop - start)
    summary, qcut, both = (float(np.median(t)) for t in (summary_times, qcut_times, both_times))
    print(f"pandas BTYD summary: {summary:.3f} s (median of {REPEATS})")
    print(f"pandas R/F/M qcut:   {qcut:.3f} s")
    print(f"pandas summary + quintiles: {both:.3f} s (median of {REPEATS} end-to-end runs)")
    result(f"pandas_summary_{tag}", summary)
    result(f"pandas_rfm_qcut_{tag}", qcut)
    result(f"pandas_summary_rfm_{tag}", both)
    try:
        from lifetimes.utils import summary_data_from_transaction_data
    except ImportError:
        print("lifetimes not installed")
        return
    lt = median_time(lambda: summary_data_from_transaction_data(
        df, "customer", "date", monetary_value_col="amount", observation_period_end=end, freq="D"))
    print(f"lifetimes summary_data_from_transaction_data: {lt:.3f} s")
    result(f"lifetimes_summary_{tag}", lt)


if __name__ == "__main__":
    main()
