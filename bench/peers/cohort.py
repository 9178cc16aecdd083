"""pandas peer for benches/cohort.rs: the monthly cohort matrix over a seeded synthetic log.

Same rows as the Rust bench (SplitMix64 of seed + row number). Two timings, each the median of
`--repeat` runs:
  * summarize+cohort: from raw transactions, net each customer-day, keep positive days (the purchase
    occasions), then the cohort matrix;
  * cohort-only: from the purchase occasions (what the Rust summaries hold), the cohort matrix.
The matrix is the same as CohortMatrix: classic retention, unbounded retention, revenue per member
and cumulative revenue per member, by first-purchase month. For bench/peers/run.sh it also prints
one `RESULT <key> <median_ms>` line per timing (keys pandas_summarize_and_cohort_<rows>,
pandas_cohort_only_<rows>, rows as 10m, 100k, ...).

    /work/venv/bin/python bench/peers/cohort.py --rows 10000000
"""
import argparse
import time

import numpy as np
import pandas as pd

SEED = 20_240_601


def splitmix64(x):
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def synthetic_log(rows):
    customers = max(rows // 10, 1)
    z = splitmix64(np.uint64(SEED) + np.arange(rows, dtype=np.uint64))
    customer = (z % np.uint64(customers)).astype(np.int64)
    day = ((z >> np.uint64(24)) % np.uint64(730)).astype(np.int64)
    cents = (np.uint64(100) + (z >> np.uint64(40)) % np.uint64(20000)).astype(np.int64)
    date = np.datetime64("2022-01-01") + day.astype("timedelta64[D]")
    return pd.DataFrame({"customer": customer, "date": date, "cents": cents})


def occasions(log):
    """Net each customer-day; keep the days netting to a positive amount (the synthetic log has no
    refunds or zero amounts, so this is the crate's purchase-occasion rule)."""
    occ = log.groupby(["customer", "date"], sort=False, as_index=False)["cents"].sum()
    return occ[occ["cents"] > 0]


def cohort_matrix(occ):
    month = occ["date"].values.astype("datetime64[M]").astype(np.int64)
    occ = occ.assign(month=month)
    occ["cohort"] = occ.groupby("customer")["month"].transform("min")
    occ["k"] = occ["month"] - occ["cohort"]
    size = occ.drop_duplicates("customer").groupby("cohort").size()
    active = occ.drop_duplicates(["customer", "k"]).pivot_table(
        index="cohort", columns="k", values="customer", aggfunc="count", fill_value=0
    )
    revenue = occ.pivot_table(index="cohort", columns="k", values="cents", aggfunc="sum", fill_value=0) / 100.0
    last = occ.groupby("customer").agg(cohort=("cohort", "first"), k=("k", "max"))
    later = pd.crosstab(last["cohort"], last["k"]).reindex(columns=active.columns, fill_value=0)
    later = later.iloc[:, ::-1].cumsum(axis=1).iloc[:, ::-1]
    classic = active.div(size, axis=0)
    unbounded = later.div(size, axis=0)
    per_member = revenue.div(size, axis=0)
    cumulative = per_member.cumsum(axis=1)
    return size, classic, unbounded, per_member, cumulative


def size_tag(n):
    """10000000 -> 10m, 100000 -> 100k: the size part of a RESULT key."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n >= unit and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def result(key, seconds):
    """The machine-readable line bench/peers/run.sh pairs with our criterion medians."""
    print(f"RESULT {key} {seconds * 1e3:.4f}", flush=True)


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    log = synthetic_log(args.rows)
    occ = occasions(log)
    size, classic, unbounded, per_member, cumulative = cohort_matrix(occ)
    print(f"rows={args.rows} customers={occ['customer'].nunique()} occasions={len(occ)} cohorts={len(size)}")
    print(f"first cohort size={size.iloc[0]} k1 retention={classic.iloc[0, 1]:.6f} "
          f"k1 unbounded={unbounded.iloc[0, 1]:.6f} k0 revenue/member={per_member.iloc[0, 0]:.4f}")
    full = median_time(lambda: cohort_matrix(occasions(log)), args.repeat)
    only = median_time(lambda: cohort_matrix(occ), args.repeat)
    print(f"pandas summarize+cohort median {full:.3f} s")
    print(f"pandas cohort-only      median {only:.3f} s")
    tag = size_tag(args.rows)
    result(f"pandas_summarize_and_cohort_{tag}", full)
    result(f"pandas_cohort_only_{tag}", only)


if __name__ == "__main__":
    main()
