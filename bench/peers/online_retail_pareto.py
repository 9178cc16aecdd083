"""lifetimes 0.11.3 timing for benches/real_logs.rs: the Pareto/NBD fit on the weekly BTYD summary
of UCI Online Retail (4,333 customers as of 2011-12-09), the very numbers our bench fits, written by
    REAL_LOGS_WRITE=/tmp/online_retail_weeks.csv cargo bench --bench real_logs
Run: /path/to/venv/bin/python bench/peers/online_retail_pareto.py [summary.csv] [repeats]
(default /tmp/online_retail_weeks.csv, 5 repeats)

lifetimes starts each fit from np.random.normal(1, 0.05) draws; fit k is seeded with k, so a run is
reproducible and the median is over five different starts. Prints each fit's time, parameters and
log-likelihood, and for bench/peers/run.sh the line
`RESULT lifetimes_pareto_nbd_fit_online_retail_weeks <median_ms>`.
"""
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
from lifetimes import ParetoNBDFitter

warnings.filterwarnings("ignore")


def log_likelihood(fitter, frequency):
    """The log-likelihood in weeks (FHL 2005, eq. 22, summed over customers). lifetimes fits on
    times multiplied by `_scale` and stores minus the sum of the log-likelihoods there; each
    customer's likelihood carries λ^x, so rescaling time by c multiplies it by c^(−x): add back
    ln(c) · Σx."""
    return -fitter._negative_log_likelihood_ + np.log(fitter._scale) * float(np.sum(frequency))


def main():
    args = sys.argv[1:]
    path = args[0] if args else "/tmp/online_retail_weeks.csv"
    repeats = int(args[1]) if len(args) > 1 else 5
    d = pd.read_csv(path)
    print(f"{len(d)} customers, {int(d.frequency.sum())} repeat purchases, from {path}")
    times = []
    for k in range(repeats):
        np.random.seed(k)
        start = time.perf_counter()
        fitter = ParetoNBDFitter().fit(d.frequency, d.recency, d["T"])
        times.append(time.perf_counter() - start)
        params = {name: float(value) for name, value in fitter.params_.items()}
        print(f"fit {k}: {times[-1] * 1e3:.1f} ms, log-likelihood "
              f"{log_likelihood(fitter, d.frequency):.6f}, {params}", flush=True)
    median = statistics.median(times)
    print(f"pareto_nbd_fit_online_retail_weeks: {median * 1e3:.1f} ms (median of {repeats})")
    print(f"RESULT lifetimes_pareto_nbd_fit_online_retail_weeks {median * 1e3:.4f}", flush=True)


if __name__ == "__main__":
    main()
