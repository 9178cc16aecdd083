#!/usr/bin/env bash
# Reproduces the README's speed table: installs the peers (lifetimes 0.11.3, pandas, numpy,
# scipy, scikit-learn, Polars 2.1.0, DuckDB 2.0.1) in a virtual environment outside the
# repository, runs our criterion benches and each peer script on the same seeded data, and prints
# one markdown table pairing our criterion median with the peer's median for the same work on the
# same data, with the ratio.
#
# Usage: bash bench/peers/run.sh            (about 20 minutes on 2 cores)
#        VENV=/path/to/venv bash bench/peers/run.sh   (reuse an environment)
#
# A bench or peer that fails is reported (its log is kept) and the run goes on; its rows show n/a.
# Each peer script prints, besides its readable lines, `RESULT <key> <median_ms>` per timing: the
# table below pairs those keys with criterion's target/criterion/<group>/<bench>/new/estimates.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-${TMPDIR:-/tmp}/customer-value-peers}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet lifetimes==0.11.3 pandas numpy scipy scikit-learn threadpoolctl mpmath \
    polars==2.1.0 duckdb==2.0.1
fi
PY="$VENV/bin/python"
# An environment made before the columnar peers were added gets them.
"$PY" -c "import polars, duckdb" 2>/dev/null || "$VENV/bin/pip" install --quiet polars==2.1.0 duckdb==2.0.1
OUT=$(mktemp -d)
# Criterion estimates older than this run (left by an earlier one) are not used in the table.
START=$(date +%s)
: > "$OUT/failed"

run() { # name, command...
  local name=$1 status=0; shift
  echo "== $name" >&2
  "$@" > "$OUT/$name.log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "   failed (exit $status): see $OUT/$name.log" >&2
    echo "$name $status" >> "$OUT/failed"
  fi
  return 0
}

# Ours: criterion writes target/criterion/<group>/<bench>/new/estimates.json.
run bench_summary cargo bench --bench summary -- --noplot
run bench_columnar cargo bench --bench columnar -- --noplot
run bench_sql cargo bench -p customer-value-datafusion --bench sql_summary_rfm -- --noplot
run bench_cohort env COHORT_ROWS=10000000 cargo bench --bench cohort -- --noplot
run bench_purchase_models env CLV_BENCH_WRITE=/tmp/clv_a_bench_1m.csv CLV_BENCH_WRITE_CONTINUOUS=/tmp/clv_a_bench_100k_continuous.csv cargo bench --bench purchase_models -- --noplot
run bench_predictions cargo bench --bench predictions -- --noplot
run bench_clv_value cargo bench --bench clv_value -- --noplot
run bench_segment cargo bench --bench segment -- --noplot
run bench_satisfaction cargo bench --bench satisfaction -- --noplot
run bench_real_logs env REAL_LOGS_WRITE=/tmp/online_retail_weeks.csv cargo bench --bench real_logs -- --noplot
# The whole report has no peer; its median is listed with ours below the table.
run bench_report cargo bench --bench report -- --noplot

# The peers, on the same data (the segment and purchase-model benches wrote theirs to /tmp).
run peer_summary "$PY" bench/peers/summary_rfm.py 10000000 3
run peer_columnar "$PY" bench/peers/columnar.py 10000000 3
run peer_cohort "$PY" bench/peers/cohort.py --rows 10000000
run peer_purchase_models "$PY" bench/peers/purchase_models.py /tmp/clv_a_bench_1m.csv
run peer_predictions "$PY" bench/peers/predictions.py
run peer_clv_value "$PY" bench/peers/clv_value.py
run peer_clv_bootstrap "$PY" bench/peers/clv_bootstrap.py
run peer_segment "$PY" bench/peers/segment.py
run peer_satisfaction "$PY" bench/peers/satisfaction.py
run peer_online_retail_pareto "$PY" bench/peers/online_retail_pareto.py /tmp/online_retail_weeks.csv

# The table needs only the standard library (the venv's python also reports the peers' versions).
TABLE_PY="$PY"
[ -x "$TABLE_PY" ] || TABLE_PY=python3
echo
"$TABLE_PY" - "$OUT" "$START" <<'PYEOF' || echo "(the table script failed; logs are in $OUT)" >&2
"""One markdown table pairing our criterion medians with the peers' RESULT lines.

argv: the directory of the logs (peer_*.log hold the RESULT lines; `failed` lists failed steps) and
the run's start time in seconds since the epoch (criterion estimates older than it are stale: left
by an earlier run of a bench that failed or was not run this time, so not used). Without arguments:
no logs, every estimate used.
"""
import json
import os
import pathlib
import re
import sys

logs = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else None
start = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
root = pathlib.Path("target/criterion")

# (label, data, our criterion id = directory under target/criterion, peer, peer RESULT key).
# Same work on the same data on both sides: see benches/*.rs and bench/peers/*.py.
SUMMARY_LOG = "10M transactions, 1M customers (SplitMix64, seed 42)"
COHORT_LOG = "10M transactions, 1M customers (SplitMix64, seed 20240601)"
CDNOW = "CDNOW, 2,357 customers"
SIMULATED = "1M BG/NBD-simulated customers, recency in whole days"
SKLEARN = "scikit-learn, 1 thread (faster than 2 here)"
# Rows whose peer key is None have no installed equivalent: lifetimes has no future P(alive) or
# P(no purchase), and python btyd's (conditional_probability_of_being_alive_up_to_time) cannot be
# installed beside it: btyd 0.1a1 needs pymc 4.4 and aesara and pins older autograd and dill.
NO_PEER = "none (btyd 0.1a1 needs pymc 4.4)"
PAIRS = [
    ("summarize (lean) + RFM quintiles", SUMMARY_LOG,
     "10M transactions, 1M customers/summarize (lean) + RFM quintiles", "pandas", "pandas_summary_rfm_10m"),
    ("BTYD summary (frequency, recency, T, monetary)", SUMMARY_LOG,
     "10M transactions, 1M customers/summarize (lean)", "lifetimes", "lifetimes_summary_10m"),
    ("BTYD summary (frequency, recency, T, monetary)", SUMMARY_LOG,
     "10M transactions, 1M customers/summarize (lean)", "pandas", "pandas_summary_10m"),
    ("summary + RFM quintiles from columns (ids, days, cents)", SUMMARY_LOG,
     "10M transactions, 1M customers/summarize columns (lean) + RFM quintiles", "Polars, all cores",
     "polars_summary_rfm_columns_10m"),
    ("summary + RFM quintiles from columns (ids, days, cents)", SUMMARY_LOG,
     "10M transactions, 1M customers/summarize columns (lean) + RFM quintiles", "DuckDB, all cores",
     "duckdb_summary_rfm_columns_10m"),
    ("summary + RFM quintiles in SQL: cv_summary, cv_rfm_breakpoints, cv_rfm_score on a MemTable", SUMMARY_LOG,
     "10M transactions, 1M customers/SQL on a MemTable: cv_summary + RFM quintiles", "Polars, all cores",
     "polars_summary_rfm_columns_10m"),
    ("summary + RFM quintiles in SQL: cv_summary, cv_rfm_breakpoints, cv_rfm_score on a MemTable", SUMMARY_LOG,
     "10M transactions, 1M customers/SQL on a MemTable: cv_summary + RFM quintiles", "DuckDB, all cores",
     "duckdb_summary_rfm_columns_10m"),
    ("RFM quintiles of the summaries", "1M customer summaries of that log",
     "10M transactions, 1M customers/RFM quintiles", "pandas", "pandas_rfm_qcut_10m"),
    ("monthly cohort matrix from raw transactions (summarize + cohort)", COHORT_LOG,
     "cohort_monthly/summarize_and_cohort/10000000", "pandas", "pandas_summarize_and_cohort_10m"),
    ("monthly cohort matrix from purchase occasions", COHORT_LOG,
     "cohort_monthly/cohort_only/10000000", "pandas", "pandas_cohort_only_10m"),
    ("BG/NBD fit", CDNOW, "purchase_models/bg_nbd_fit_cdnow", "lifetimes", "lifetimes_bg_nbd_fit_cdnow"),
    ("MBG/NBD fit", CDNOW, "purchase_models/modified_bg_nbd_fit_cdnow", "lifetimes",
     "lifetimes_modified_bg_nbd_fit_cdnow"),
    ("BG/BB fit (weighted)", "donations: 22 patterns, 11,104 donors", "purchase_models/bg_bb_fit_donations",
     "lifetimes", "lifetimes_bg_bb_fit_donations"),
    ("BG/NBD fit (peer: one run)", SIMULATED, "purchase_models/bg_nbd_fit_1m", "lifetimes",
     "lifetimes_bg_nbd_fit_1m"),
    ("conditional expected purchases, t = 39 weeks", SIMULATED,
     "purchase_models/conditional_expected_purchases_1m", "lifetimes",
     "lifetimes_conditional_expected_purchases_1m"),
    ("conditional expected purchases, t = 39 weeks", "100k BG/NBD-simulated customers, real-valued T and t_x",
     "purchase_models/conditional_expected_purchases_100k_continuous", "lifetimes",
     "lifetimes_conditional_expected_purchases_100k_continuous"),
    ("P(alive)", SIMULATED, "purchase_models/probability_alive_1m", "lifetimes", "lifetimes_probability_alive_1m"),
    ("Pareto/NBD P(Y(39) = n | history), n = 0..7, every customer (ours: one call a customer)", CDNOW,
     "predictions/pareto_nbd_counts_0_to_7_in_39_weeks_cdnow", "lifetimes",
     "lifetimes_pareto_nbd_counts_0_to_7_in_39_weeks_cdnow"),
    ("Pareto/NBD P(Y(39) = n | history), n = 0..7, every customer (ours: one call a count)", CDNOW,
     "predictions/pareto_nbd_counts_0_to_7_one_at_a_time_cdnow", "lifetimes",
     "lifetimes_pareto_nbd_counts_0_to_7_in_39_weeks_cdnow"),
    ("P(alive) along one customer's history, 256 days (BG/NBD)", "CDNOW sample, customer 403",
     "predictions/alive_path_cdnow_403", "lifetimes", "lifetimes_alive_path_cdnow_403"),
    ("expected cumulative repeat transactions, 78 weeks, from the raw log (Pareto/NBD)",
     "CDNOW sample, 6,919 lines", "predictions/pareto_nbd_tracking_78_weeks_cdnow", "lifetimes",
     "lifetimes_pareto_nbd_tracking_78_weeks_cdnow"),
    ("P(alive in 52 weeks), BG/NBD", CDNOW, "forecast/bg_nbd_alive_in_52_weeks_cdnow", NO_PEER, None),
    ("P(alive in 52 weeks), Pareto/NBD", CDNOW, "predictions/pareto_nbd_alive_in_52_weeks_cdnow", NO_PEER,
     None),
    ("P(no purchase in the next 13 weeks), Pareto/NBD", CDNOW,
     "forecast/pareto_nbd_no_purchase_in_13_weeks_cdnow", NO_PEER, None),
    ("median time to the next purchase, Pareto/NBD", CDNOW, "forecast/pareto_nbd_median_cdnow", NO_PEER, None),
    ("median time to the next purchase, BG/NBD", CDNOW, "forecast/bg_nbd_median_cdnow", NO_PEER, None),
    ("Pareto/NBD fit", CDNOW, "clv_value/pareto_nbd_fit_cdnow", "lifetimes", "lifetimes_pareto_nbd_fit_cdnow"),
    ("Pareto/NBD fit (maximum at the no-drop-out boundary)", "UCI Online Retail, weekly, 4,333 customers",
     "real_logs/pareto_nbd_fit_online_retail_weeks", "lifetimes", "lifetimes_pareto_nbd_fit_online_retail_weeks"),
    ("12-month CLV, BG/NBD + Gamma-Gamma", CDNOW, "clv_value/clv_bg_nbd_cdnow_2357", "lifetimes",
     "lifetimes_clv_bg_nbd_cdnow_2357"),
    ("12-month CLV, Pareto/NBD + Gamma-Gamma", CDNOW, "clv_value/clv_pareto_nbd_cdnow_2357", "lifetimes",
     "lifetimes_clv_pareto_nbd_cdnow_2357"),
    ("Per-interval forecast, months 1-12 and years 1-3, 3-5, BG/NBD (peer: expectation at each boundary)", CDNOW,
     "clv_value/interval_forecast_bg_nbd_cdnow_2357", "lifetimes", "lifetimes_interval_forecast_bg_nbd_cdnow_2357"),
    ("Per-interval forecast, months 1-12 and years 1-3, 3-5, Pareto/NBD (peer: expectation at each boundary)", CDNOW,
     "clv_value/interval_forecast_pareto_nbd_cdnow_2357", "lifetimes",
     "lifetimes_interval_forecast_pareto_nbd_cdnow_2357"),
    ("12-month CLV, BG/NBD + Gamma-Gamma (peer: one run)", "1M customers (the CDNOW rows repeated)",
     "clv_value/clv_bg_nbd_1m", "lifetimes", "lifetimes_clv_bg_nbd_1m"),
    ("95% bootstrap CLV intervals, 200 parameter draws, BG/NBD + Gamma-Gamma (peer: one run)",
     "100k customers (the CDNOW rows repeated)", "clv_bootstrap/clv_bg_nbd_200x100k",
     "lifetimes + numpy", "lifetimes_clv_bootstrap_bg_nbd_200x100k"),
    ("k-means, k = 5, one k-means++ init", "100k × 3 customer-like features",
     "segment_kmeans/customers/100000", SKLEARN, "sklearn_kmeans_customers_100k_threads1"),
    ("k-means, k = 5, one k-means++ init (our linfa engine)", "100k × 3 customer-like features",
     "segment_kmeans/customers_linfa/100000", SKLEARN, "sklearn_kmeans_customers_100k_threads1"),
    ("k-means, k = 5, one k-means++ init", "1M × 3 customer-like features",
     "segment_kmeans/customers/1000000", SKLEARN, "sklearn_kmeans_customers_1m_threads1"),
    ("k-means, k = 5, one k-means++ init", "1M × 3, five overlapping Gaussian blobs",
     "segment_kmeans/blobs/1000000", SKLEARN, "sklearn_kmeans_blobs_1m_threads1"),
    ("NPS with score interval", "1M answers on 0–10 (LCG)", "satisfaction/nps_1m_with_score_interval",
     "numpy + scipy", "scipy_nps_1m_with_score_interval"),
    ("CSAT: Wilson and t intervals", "1M answers on 1–5 (LCG)", "satisfaction/csat_1m_wilson_and_t",
     "numpy + scipy", "scipy_csat_1m_wilson_and_t"),
    ("descriptive statistics", "100k answers on 1–5 (LCG)", "satisfaction/descriptive_100k",
     "numpy + scipy", "scipy_descriptive_100k"),
    ("Pearson r with p-value", "100k answer pairs (LCG)", "satisfaction/pearson_100k", "scipy",
     "scipy_pearson_100k"),
    ("Spearman ρ with p-value", "100k answer pairs (LCG)", "satisfaction/spearman_100k", "scipy",
     "scipy_spearman_100k"),
    ("key drivers (R², β, relative weights, Shapley)", "10k respondents × 6 drivers (LCG)",
     "satisfaction/key_drivers_10k_x6", "numpy", "numpy_key_drivers_10k_x6"),
    ("key drivers (R², β, relative weights, Shapley)", "10k respondents × 12 drivers (LCG)",
     "satisfaction/key_drivers_10k_x12", "numpy", "numpy_key_drivers_10k_x12"),
    ("Cronbach's α, with α if deleted and item-total r", "10k respondents × 6 items (LCG)",
     "satisfaction/cronbach_alpha_10k_x6", "numpy", "numpy_cronbach_alpha_10k_x6"),
]
VERSIONED = {"pandas": "pandas", "lifetimes": "lifetimes", "scikit-learn": "scikit-learn",
             "numpy": "numpy", "scipy": "scipy", "Polars": "polars", "DuckDB": "duckdb"}


def version(dist):
    try:
        from importlib.metadata import version as v
        return v(dist)
    except Exception:
        return None


def peer_name(name):
    """'pandas' -> 'pandas 2.2.3' when the package is installed where this runs."""
    def with_version(match):
        v = version(VERSIONED[match.group(0)])
        return f"{match.group(0)} {v}" if v else match.group(0)
    return re.sub("|".join(re.escape(k) for k in VERSIONED), with_version, name)


def fmt_ms(ms):
    if ms is None:
        return "n/a"
    value, unit = (ms / 1e3, "s") if ms >= 1e3 else (ms, "ms") if ms >= 1 else (ms * 1e3, "µs")
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{digits}f} {unit}"


def fmt_ratio(ours, peer):
    if ours is None or peer is None or ours <= 0:
        return "n/a"
    r = peer / ours
    digits = 2 if r < 10 else 1 if r < 100 else 0
    return f"{r:.{digits}f}×"


# Ours: every criterion estimate, by directory (and by criterion's own id, which can differ from
# the directory when the name holds characters criterion replaces in file names).
ours, stale, aliases = {}, {}, {}
for est in sorted(root.glob("**/new/estimates.json")):
    bench = est.parent.parent.relative_to(root).as_posix()
    try:
        ms = json.loads(est.read_text())["median"]["point_estimate"] / 1e6
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"(unreadable {est}: {e})", file=sys.stderr)
        continue
    try:
        full_id = json.loads((est.parent / "benchmark.json").read_text()).get("full_id")
        if full_id and full_id != bench:
            aliases[full_id] = bench
    except (OSError, ValueError, AttributeError):
        pass
    (ours if est.stat().st_mtime >= start else stale)[bench] = ms

# The peers: `RESULT <key> <median_ms>` lines of peer_*.log.
peers, peer_source = {}, {}
for log in sorted(logs.glob("peer_*.log")) if logs else []:
    for line in log.read_text(errors="replace").splitlines():
        m = re.fullmatch(r"RESULT\s+(\S+)\s+(\S+)\s*", line)
        if not m:
            continue
        try:
            peers[m.group(1)] = float(m.group(2))
            peer_source[m.group(1)] = log.name
        except ValueError:
            print(f"(bad RESULT line in {log}: {line!r})", file=sys.stderr)

failed = []
if logs and (logs / "failed").exists():
    failed = [l.split() for l in (logs / "failed").read_text().splitlines() if l.strip()]


def our_median(bench):
    return ours.get(bench, ours.get(aliases.get(bench, ""), None))


threads = os.environ.get("RAYON_NUM_THREADS") or str(os.cpu_count() or "?")
print("| work | data | customer-value (median) | peer | peer (median) | speed-up (peer ÷ ours) |")
print("|---|---|---|---|---|---|")
for label, data, bench, peer, key in PAIRS:
    o, p = our_median(bench), peers.get(key)
    if key is None:
        cells = [label, data, fmt_ms(o), peer, "—", "—"]
    else:
        cells = [label, data, fmt_ms(o), peer_name(peer), fmt_ms(p), fmt_ratio(o, p)]
    print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
print()
print(f"Medians: criterion's median for ours (rayon, {threads} threads on this machine); the median "
      "wall time of the peer script's runs for the peers, as installed (pandas and lifetimes compute on "
      "one core, numpy's BLAS may use more, Polars and DuckDB use every core; scikit-learn is held to "
      "1 thread). \"peer: one run\" rows "
      "time a single peer run. n/a: that side failed or did not run (see below).")

if failed:
    print()
    print("Failed steps (exit status), their rows show n/a:")
    for name, *status in failed:
        print(f"  {name} ({' '.join(status)}): {logs / (name + '.log')}")
missing = [(label, bench, key) for label, _, bench, _, key in PAIRS
           if our_median(bench) is None or (key is not None and key not in peers)]
if missing:
    print()
    print("Rows with a missing side:")
    for label, bench, key in missing:
        sides = []
        if our_median(bench) is None:
            sides.append(f"ours {bench!r}" + (" (only a stale estimate from an earlier run)"
                                              if bench in stale else ""))
        if key is not None and key not in peers:
            sides.append(f"peer {key!r}")
        print(f"  {label}: no {' and no '.join(sides)}")

paired_ours = {aliases.get(b, b) for _, _, b, _, _ in PAIRS}
print()
print("All our criterion medians (this run):")
for bench, ms in sorted(ours.items()):
    note = "" if bench in paired_ours else "   (no peer)"
    print(f"  {bench:<70} {ms:>14.4f} ms{note}")
if not ours:
    print("  (none)")
if stale:
    print("Stale criterion medians (from an earlier run, not used above):")
    for bench, ms in sorted(stale.items()):
        print(f"  {bench:<70} {ms:>14.4f} ms")
paired_peers = {key for *_, key in PAIRS if key is not None}
print()
print("All peer RESULT lines:")
for key, ms in sorted(peers.items()):
    note = "" if key in paired_peers else "   (not in the table)"
    print(f"  {key:<70} {ms:>14.4f} ms   [{peer_source[key]}]{note}")
if not peers:
    print("  (none)")
PYEOF
echo
echo "Full logs (bench_*.log: criterion; peer_*.log: the peers' own lines): $OUT"
