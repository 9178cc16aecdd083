"""The clv_bootstrap criterion bench's work with lifetimes 0.11.3 and numpy: 95% percentile
intervals on 12-month BG/NBD + Gamma-Gamma CLV from 200 parameter draws for 100k customers (the
CDNOW summary in tests/data repeated). The fits are lifetimes' own on CDNOW; the draws come from
the normal with the covariances our fits report (printed by tests/uncertainty.rs's reference
fits; lifetimes reports none for BG/NBD), draws with a parameter <= 0 or q <= 1 redrawn, as ours.
Run: /path/to/venv/bin/python bench/peers/clv_bootstrap.py [replicates]
Prints `RESULT lifetimes_clv_bootstrap_bg_nbd_200x100k <ms>` (one run) for bench/peers/run.sh."""
import sys, time, warnings
import numpy as np, pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

warnings.filterwarnings("ignore")
R = int(sys.argv[1]) if len(sys.argv) > 1 else 200
d = pd.read_csv("tests/data/cdnow_customers_summary_with_transactions.csv")
big = pd.concat([d] * (100_000 // len(d) + 1)).iloc[:100_000].reset_index(drop=True)
bg = BetaGeoFitter(); bg.fit(d.x, d.t_x, d["T"])
rep = d[d.x > 0]
gg = GammaGammaFitter(); gg.fit(rep.x, rep.zbar)
BG_COV = np.array([
    [0.0001576862750935, 0.00370638171091444, -8.783939197278e-05, 6.564950946964e-05],
    [0.00370638171091444, 0.14305143919051228, -0.00286557547032109, 0.0105224390926564],
    [-8.783939197278e-05, -0.00286557547032109, 0.03449160017197381, 0.12319554584950689],
    [6.564950946964e-05, 0.0105224390926564, 0.12319554584950689, 0.4975126358377044]])
GG_COV = np.array([
    [1.4153555491135577, -0.2319069067333232, -4.802066014384708],
    [-0.2319069067333232, 0.08419607421697123, 0.9922234303123523],
    [-4.802066014384708, 0.9922234303123523, 17.30554516855539]])


def draws(mean, cov, n, rng, ok):
    out = []
    while len(out) < n:
        theta = rng.multivariate_normal(mean, cov)
        if (theta > 0).all() and ok(theta):
            out.append(theta)
    return out


def clv(bg_params, gg_params):
    b = BetaGeoFitter(); b.params_ = pd.Series(bg_params, index=["r", "alpha", "a", "b"])
    b.predict = b.conditional_expected_number_of_purchases_up_to_time
    g = GammaGammaFitter(); g.params_ = pd.Series(gg_params, index=["p", "q", "v"])
    return g.customer_lifetime_value(b, big.x, big.t_x, big["T"], big.zbar, time=12,
                                     discount_rate=0.01, freq="W").values


t0 = time.perf_counter()
rng = np.random.default_rng(42)
bg_draws = draws(bg.params_.values, BG_COV, R, rng, lambda t: True)
gg_draws = draws(gg.params_.values, GG_COV, R, rng, lambda t: t[1] > 1)
estimate = clv(bg.params_.values, gg.params_.values)
values = np.empty((R, len(big)))
for k in range(R):
    values[k] = clv(bg_draws[k], gg_draws[k])
lower, upper = np.quantile(values, [0.025, 0.975], axis=0)
lower, upper = np.minimum(lower, estimate), np.maximum(upper, estimate)
seconds = time.perf_counter() - t0
print(f"{R} replicates x {len(big)} customers: {seconds:.1f} s; ID 1: {estimate[0]:.4f} [{lower[0]:.4f}, {upper[0]:.4f}]")
print(f"RESULT lifetimes_clv_bootstrap_bg_nbd_{R}x100k {seconds * 1e3:.4f}", flush=True)
