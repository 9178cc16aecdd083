"""lifetimes 0.11.3 timings for the clv_value criterion bench (same data: the CDNOW summary in
tests/data, and 1M customers = those rows repeated). Run: /work/venv/bin/python bench/peers/clv_value.py
Besides the readable lines, prints one `RESULT lifetimes_<criterion bench name> <median_ms>` line per
timing for bench/peers/run.sh."""
import time, statistics, warnings
import numpy as np, pandas as pd
from lifetimes import ParetoNBDFitter, BetaGeoFitter, GammaGammaFitter

warnings.filterwarnings("ignore")
d = pd.read_csv("tests/data/cdnow_customers_summary_with_transactions.csv")

def median_time(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); times.append(time.perf_counter() - t0)
    return statistics.median(times)

def result(key, seconds):
    """The machine-readable line bench/peers/run.sh pairs with our criterion medians."""
    print(f"RESULT {key} {seconds * 1e3:.4f}", flush=True)

def fit_pareto():
    m = ParetoNBDFitter(); m.fit(d.x, d.t_x, d["T"]); return m
m = fit_pareto()
print("lifetimes Pareto/NBD params", m.params_.values)
seconds = median_time(fit_pareto, 10)
print("pareto_nbd_fit_cdnow: %.1f ms" % (1e3 * seconds))
result("lifetimes_pareto_nbd_fit_cdnow", seconds)

bg = BetaGeoFitter(); bg.fit(d.x, d.t_x, d["T"])
rep = d[d.x > 0]
gg = GammaGammaFitter(); gg.fit(rep.x, rep.zbar)
def clv(frame):
    return gg.customer_lifetime_value(bg, frame.x, frame.t_x, frame["T"], frame.zbar, time=12, discount_rate=0.01, freq="W")
v = clv(d)
print("lifetimes CLV IDs 1, 2, 3, 6:", v.iloc[[0, 1, 2, 5]].values)
seconds = median_time(lambda: clv(d), 10)
print("clv_bg_nbd_cdnow_2357: %.1f ms" % (1e3 * seconds))
result("lifetimes_clv_bg_nbd_cdnow_2357", seconds)
pn = ParetoNBDFitter(); pn.fit(d.x, d.t_x, d["T"])
def clv_pareto(frame):
    return gg.customer_lifetime_value(pn, frame.x, frame.t_x, frame["T"], frame.zbar, time=12, discount_rate=0.01, freq="W")
seconds = median_time(lambda: clv_pareto(d), 5)
print("clv_pareto_nbd_cdnow_2357: %.1f ms" % (1e3 * seconds))
result("lifetimes_clv_pareto_nbd_cdnow_2357", seconds)
# Per-interval forecast: lifetimes has no per-interval API, so its equivalent reads the conditional
# expectation at each boundary (months 1 to 12, years 3 and 5 of 30.4375-day months, in weeks), takes
# the differences and multiplies by the expected spend (no discounting: lifetimes has none per interval).
boundaries_weeks = [m * 30.4375 / 7 for m in list(range(1, 13)) + [36, 60]]
spend_mean = gg.conditional_expected_average_profit(d.x, d.zbar).values
def intervals(model):
    cumulative = np.column_stack([
        model.conditional_expected_number_of_purchases_up_to_time(t, d.x, d.t_x, d["T"]).values
        for t in boundaries_weeks])
    purchases = np.diff(cumulative, axis=1, prepend=0.0)
    return purchases, purchases * spend_mean[:, None]
for name, model in (("bg_nbd", bg), ("pareto_nbd", pn)):
    seconds = median_time(lambda: intervals(model), 5)
    print("interval_forecast_%s_cdnow_2357: %.1f ms" % (name, 1e3 * seconds))
    result("lifetimes_interval_forecast_%s_cdnow_2357" % name, seconds)
big = pd.concat([d] * (1_000_000 // len(d) + 1)).iloc[:1_000_000].reset_index(drop=True)
seconds = median_time(lambda: clv(big), 1)  # one run: the "median" of a single run
print("clv_bg_nbd_1m: %.2f s" % seconds)
result("lifetimes_clv_bg_nbd_1m", seconds)
