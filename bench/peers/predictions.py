"""lifetimes 0.11.3 timings for the `predictions` group of benches/predictions.rs (issue 17):
the per-customer predictions that have a lifetimes equivalent, on the same CDNOW data.

Run: /tmp/customer-value-peers/bin/python bench/peers/predictions.py
Besides the readable lines, prints one `RESULT lifetimes_<criterion bench name> <median_ms>` line
per timing for bench/peers/run.sh.

- P(Y(39 weeks) = n | x, t_x, T) for n = 0..7 and every CDNOW customer:
  `ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time`, one call per n (each
  vectorised over the customers), the CDNOW MLE set as `params_`.
- P(alive) along customer 403's history, day by day over 255 days: `calculate_alive_path` with a
  `BetaGeoFitter` whose `params_` are those of tests/forecast.rs.
- Expected cumulative repeat transactions, 78 weeks: `expected_cumulative_transactions(m, log,
  'date', 'id', 546, freq='D', freq_multiplier=7)` with BTYD's Pareto/NBD parameters (as
  tests/tracking.rs); it reads the raw log, so our side of the pair includes the summary.
- The future P(alive) of Pareto/NBD has no lifetimes equivalent: python btyd's
  `conditional_probability_of_being_alive_up_to_time` would be one, but btyd 0.1a1 on PyPI needs
  pymc 4.4 and aesara and pins older autograd and dill than this venv's lifetimes uses.
"""
import statistics
import time
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, ParetoNBDFitter
from lifetimes.utils import calculate_alive_path, expected_cumulative_transactions

warnings.filterwarnings("ignore")
# lifetimes 0.11.3 calls Series.fillna(method='ffill'), which pandas 2 removed: route it to ffill.
_fillna = pd.Series.fillna
pd.Series.fillna = lambda self, value=None, method=None, **kw: (
    self.ffill() if method == "ffill" else _fillna(self, value, **kw))


def median_time(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def result(key, seconds):
    """The machine-readable line bench/peers/run.sh pairs with our criterion medians."""
    print(f"RESULT {key} {seconds * 1e3:.4f}", flush=True)


def with_params(fitter, names, values):
    m = fitter()
    m.params_ = pd.Series(dict(zip(names, values)))
    return m


d = pd.read_csv("tests/data/cdnow_customers_summary_with_transactions.csv")
pareto = with_params(ParetoNBDFitter, ["r", "alpha", "s", "beta"],
                     [0.5532816, 10.5777531, 0.6061714, 11.6669065])


def counts():
    return [pareto.conditional_probability_of_n_purchases_up_to_time(n, 39, d.x, d.t_x, d["T"])
            for n in range(8)]


c = counts()
print("P(Y(39) = 0..7), second CDNOW customer:", [float(np.ravel(v)[1]) for v in c])
seconds = median_time(counts, 10)
print("pareto_nbd_counts_0_to_7_in_39_weeks_cdnow: %.1f ms" % (1e3 * seconds))
result("lifetimes_pareto_nbd_counts_0_to_7_in_39_weeks_cdnow", seconds)

log = pd.read_csv("tests/data/CDNOW_sample.txt", sep=r"\s+", header=None,
                  names=["master", "id", "date", "cds", "dollars"])
log["date"] = pd.to_datetime(log["date"].astype(str), format="%Y%m%d")
bg = with_params(BetaGeoFitter, ["r", "alpha", "a", "b"],
                 [0.2425945434210672, 30.89521901254164, 0.7929218333478941, 2.4259057287218235])
tx = log[(log.id == 403) & (log.date <= "1997-09-30")]
path = calculate_alive_path(bg, tx, "date", 255, freq="D")
print("alive path of 403, day 255:", float(np.ravel(path.iloc[-1])[0]))
seconds = median_time(lambda: calculate_alive_path(bg, tx, "date", 255, freq="D"), 10)
print("alive_path_cdnow_403: %.1f ms" % (1e3 * seconds))
result("lifetimes_alive_path_cdnow_403", seconds)

btyd = with_params(ParetoNBDFitter, ["r", "alpha", "s", "beta"],
                   [0.5533971432566355, 10.580198543474351, 0.6060624971176619, 11.656223670707698])


def tracking():
    return expected_cumulative_transactions(btyd, log, "date", "id", 546, freq="D",
                                            freq_multiplier=7)


print("expected cumulative transactions, week 78:", float(tracking()["predicted"].iloc[-1]))
seconds = median_time(tracking, 5)
print("pareto_nbd_tracking_78_weeks_cdnow: %.1f ms" % (1e3 * seconds))
result("lifetimes_pareto_nbd_tracking_78_weeks_cdnow", seconds)
