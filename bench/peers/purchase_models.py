"""Peer timings for benches/purchase_models.rs: lifetimes 0.11.3 on the same data.

Data: the CDNOW summary (tests/data/cdnow_customers_summary_with_transactions.csv), and the 1M
simulated customers and the 100k with real-valued T and t_x of the criterion bench, written by
    CLV_BENCH_WRITE=/tmp/clv_a_bench_1m.csv \
    CLV_BENCH_WRITE_CONTINUOUS=/tmp/clv_a_bench_100k_continuous.csv cargo bench --bench purchase_models
Run: /work/venv/bin/python bench/peers/purchase_models.py [/tmp/clv_a_bench_1m.csv
         [/tmp/clv_a_bench_100k_continuous.csv]] [--fits-only]
Prints the median wall time of each task (and the log-likelihood lifetimes reaches), and for
bench/peers/run.sh one `RESULT lifetimes_<criterion bench name> <median_ms>` line per task.
"""
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy.special import gammaln
from lifetimes import BetaGeoBetaBinomFitter, BetaGeoFitter, ModifiedBetaGeoFitter

warnings.filterwarnings("ignore")


def log_likelihood(fit, data):
    """The BG/NBD (or MBG/NBD) log-likelihood at the fitted parameters, FHL (2005) equation 6,
    computed here rather than read from lifetimes (which stores a normalised value)."""
    r, alpha, a, b = (fit.params_[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = (np.asarray(c, dtype=float) for c in data)
    shift = 1.0 if isinstance(fit, ModifiedBetaGeoFitter) else 0.0
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x + shift) - gammaln(b) - gammaln(a + b + x + shift)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.log(a) - np.log(b + x + shift - 1.0) - (r + x) * np.log(alpha + t_x)
    a4 = np.where((x > 0) | (shift > 0), a4, -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def result(key, seconds):
    """The machine-readable line bench/peers/run.sh pairs with our criterion medians."""
    print(f"RESULT {key} {seconds * 1e3:.4f}", flush=True)


def median_time(task, repeats):
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = task()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def cdnow_mle_model():
    """BG/NBD at the CDNOW MLE, the parameters the criterion bench predicts with."""
    model = BetaGeoFitter()
    model.params_ = pd.Series(dict(r=0.2425929, alpha=4.4135323, a=0.7928860, b=2.4257524))
    return model


def continuous_conditional(path):
    """E[X(39) | x, t_x, T] for the 100k customers whose T and t_x are arbitrary reals."""
    customers = pd.read_csv(path)
    f, r, t = (customers[c].values for c in ("frequency", "recency", "T"))
    model = cdnow_mle_model()
    seconds, _ = median_time(lambda: model.conditional_expected_number_of_purchases_up_to_time(39.0, f, r, t), 11)
    print(f"conditional_expected_purchases_100k_continuous: {seconds * 1e3:.2f} ms")
    result("lifetimes_conditional_expected_purchases_100k_continuous", seconds)


def main():
    cdnow = pd.read_csv("tests/data/cdnow_customers_summary_with_transactions.csv")
    for name, fitter in [("bg_nbd_fit_cdnow", BetaGeoFitter), ("modified_bg_nbd_fit_cdnow", ModifiedBetaGeoFitter)]:
        seconds, fit = median_time(lambda: fitter().fit(cdnow["x"], cdnow["t_x"], cdnow["T"]), 10)
        print(f"{name}: {seconds * 1e3:.2f} ms (log-likelihood {log_likelihood(fit, (cdnow['x'], cdnow['t_x'], cdnow['T'])):.4f})")
        result(f"lifetimes_{name}", seconds)

    donations = pd.read_csv("tests/data/donations.csv")
    seconds, fit = median_time(
        lambda: BetaGeoBetaBinomFitter().fit(
            donations["frequency"], donations["recency"], donations["periods"], weights=donations["weights"]
        ),
        10,
    )
    print(f"bg_bb_fit_donations: {seconds * 1e3:.2f} ms (params {dict(fit.params_)})")
    result("lifetimes_bg_bb_fit_donations", seconds)
    if "--fits-only" in sys.argv:
        return

    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    continuous_conditional(paths[1] if len(paths) > 1 else "/tmp/clv_a_bench_100k_continuous.csv")
    path = paths[0] if paths else "/tmp/clv_a_bench_1m.csv"
    million = pd.read_csv(path)
    seconds, fit = median_time(
        lambda: BetaGeoFitter().fit(million["frequency"], million["recency"], million["T"]), 1
    )
    print(f"bg_nbd_fit_1m: {seconds:.3f} s (log-likelihood {log_likelihood(fit, (million['frequency'], million['recency'], million['T'])):.4f}, params {dict(fit.params_)})")
    result("lifetimes_bg_nbd_fit_1m", seconds)  # one fit: the "median" of a single run

    model = cdnow_mle_model()
    f, r, t = million["frequency"].values, million["recency"].values, million["T"].values
    seconds, _ = median_time(lambda: model.conditional_expected_number_of_purchases_up_to_time(39.0, f, r, t), 5)
    print(f"conditional_expected_purchases_1m: {seconds * 1e3:.1f} ms")
    result("lifetimes_conditional_expected_purchases_1m", seconds)
    seconds, _ = median_time(lambda: model.conditional_probability_alive(f, r, t), 5)
    print(f"probability_alive_1m: {seconds * 1e3:.1f} ms")
    result("lifetimes_probability_alive_1m", seconds)


if __name__ == "__main__":
    main()
