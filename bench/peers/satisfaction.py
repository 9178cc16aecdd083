"""Peer timings for benches/satisfaction.rs: numpy/scipy doing the same work on the same data.

The data come from the integer LCG s = (s * 1103515245 + 12345) % 2**31, answer = (s >> 16) % k,
exactly as in the Rust bench. Run: /work/venv/bin/python bench/peers/satisfaction.py
Prints the median of 10 runs per case, in milliseconds, and for bench/peers/run.sh one
`RESULT <library>_<criterion bench name> <median_ms>` line per case (library: the one doing the work).
"""
import itertools
import statistics
import time
from math import factorial

import numpy as np
from scipy import stats
from scipy.optimize import brentq, minimize_scalar


def lcg(seed):
    s = seed
    while True:
        s = (s * 1103515245 + 12345) % 2147483648
        yield s >> 16


def nps_answers():
    g = lcg(1)
    return np.array([next(g) % 11 for _ in range(1_000_000)], dtype=np.int64)


def paired_answers():
    g = lcg(2)
    xs, ys = [], []
    for _ in range(100_000):
        x = 1 + next(g) % 5
        y = min(max(x + next(g) % 3 - 1, 1), 5)
        xs.append(x)
        ys.append(y)
    return np.array(xs, float), np.array(ys, float)


def driver_survey(p):
    g = lcg(3)
    n = 10_000
    d = np.zeros((n, p))
    y = np.zeros(n)
    for i in range(n):
        for j in range(p):
            d[i, j] = 1 + next(g) % 5
        y[i] = d[i, 0] + d[i, 1] + d[i, 2] + next(g) % 4
    return y, d


def nps_score_interval(answers, level=0.95):
    counts = np.bincount(answers, minlength=11)
    n_p, n_n, n_d = counts[9:].sum(), counts[7:9].sum(), counts[:7].sum()
    n = n_p + n_n + n_d
    dh = (n_p - n_d) / n
    zc = stats.norm.ppf(0.5 + level / 2)

    def stat(d0):
        lo, hi = max(0.0, -d0), (1 - d0) / 2
        f = lambda q: -(n_p * np.log(q + d0) + n_n * np.log(1 - 2 * q - d0) + n_d * np.log(q))
        q = minimize_scalar(f, bounds=(lo + 1e-15, hi - 1e-15), method="bounded",
                            options={"xatol": 1e-14}).x
        return (d0 - dh) / np.sqrt((2 * q + d0 - d0 * d0) / n)

    upper = brentq(lambda d: stat(d) - zc, dh, 1 - 1e-12, xtol=1e-12)
    lower = brentq(lambda d: stat(d) + zc, -1 + 1e-12, dh, xtol=1e-12)
    return 100 * dh, 100 * lower, 100 * upper


def csat(likert, level=0.95):
    n = len(likert)
    p = np.mean(likert >= 4)
    z = stats.norm.ppf(0.5 + level / 2)
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    mean_ci = stats.t.interval(level, n - 1, loc=likert.mean(), scale=stats.sem(likert))
    return (centre - half, centre + half), mean_ci


def descriptive(x):
    values, counts = np.unique(x, return_counts=True)
    return (x.mean(), x.std(ddof=1), stats.sem(x), np.percentile(x, [0, 25, 50, 75, 100]),
            values[np.argmax(counts)], stats.skew(x, bias=False), stats.kurtosis(x, bias=False))


def key_drivers(y, d):
    p = d.shape[1]
    r = np.corrcoef(np.column_stack([d, y]).T)
    rxx, rxy = r[:p, :p], r[:p, p]
    beta = np.linalg.solve(rxx, rxy)
    r2 = beta @ rxy
    w, v = np.linalg.eigh(rxx)
    lam = v @ np.diag(np.sqrt(w)) @ v.T
    rw = (lam ** 2) @ (np.linalg.solve(lam, rxy) ** 2)
    sub = {(): 0.0}
    for size in range(1, p + 1):
        for s in itertools.combinations(range(p), size):
            idx = list(s)
            sub[s] = np.linalg.solve(rxx[np.ix_(idx, idx)], rxy[idx]) @ rxy[idx]
    shapley = np.zeros(p)
    for s, value in sub.items():
        for j in range(p):
            if j in s:
                continue
            with_j = tuple(sorted(s + (j,)))
            shapley[j] += factorial(len(s)) * factorial(p - len(s) - 1) / factorial(p) * (sub[with_j] - value)
    return r2, beta, rw, shapley, d.mean(0)


def cronbach(x):
    k = x.shape[1]

    def alpha(m):
        kk = m.shape[1]
        return kk / (kk - 1) * (1 - m.var(0, ddof=1).sum() / m.sum(1).var(ddof=1))

    r = np.corrcoef(x.T)
    rbar = (r.sum() - k) / (k * (k - 1))
    deleted = [alpha(np.delete(x, i, 1)) for i in range(k)]
    item_total = [np.corrcoef(x[:, i], np.delete(x, i, 1).sum(1))[0, 1] for i in range(k)]
    return alpha(x), k * rbar / (1 + (k - 1) * rbar), deleted, item_total


def median_ms(fn, runs=10):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main():
    answers = nps_answers()
    likert = answers % 5 + 1
    x, y = paired_answers()
    y6, d6 = driver_survey(6)
    y12, d12 = driver_survey(12)
    cases = [
        ("nps_1m_with_score_interval", "scipy", lambda: nps_score_interval(answers)),
        ("csat_1m_wilson_and_t", "scipy", lambda: csat(likert)),
        ("descriptive_100k", "scipy", lambda: descriptive(x)),
        ("pearson_100k", "scipy", lambda: stats.pearsonr(x, y)),
        ("spearman_100k", "scipy", lambda: stats.spearmanr(x, y)),
        ("key_drivers_10k_x6", "numpy", lambda: key_drivers(y6, d6)),
        ("key_drivers_10k_x12", "numpy", lambda: key_drivers(y12, d12)),
        ("cronbach_alpha_10k_x6", "numpy", lambda: cronbach(d6)),
    ]
    for name, library, fn in cases:
        ms = median_ms(fn)
        print(f"{name:<28} {ms:10.3f} ms")
        print(f"RESULT {library}_{name} {ms:.4f}", flush=True)
    print("check: NPS", nps_score_interval(answers), "R2", key_drivers(y6, d6)[0])


if __name__ == "__main__":
    main()
