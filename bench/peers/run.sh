#!/usr/bin/env bash
# Reproduces the README's speed table: installs the peers (lifetimes 0.11.3, pandas, numpy,
# scipy, scikit-learn) in a virtual environment outside the repository, runs our criterion benches
# and each peer script on the same seeded data, and prints both sides' medians.
#
# Usage: bash bench/peers/run.sh            (about 15 minutes on 2 cores)
#        VENV=/path/to/venv bash bench/peers/run.sh   (reuse an environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-${TMPDIR:-/tmp}/customer-value-peers}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet lifetimes==0.11.3 pandas numpy scipy scikit-learn threadpoolctl mpmath
fi
PY="$VENV/bin/python"
OUT=$(mktemp -d)

run() { # name, command...
  local name=$1; shift
  echo "== $name" >&2
  "$@" > "$OUT/$name.log" 2>&1 || { echo "   failed: see $OUT/$name.log" >&2; return 0; }
}

# Ours: criterion writes target/criterion/<group>/<bench>/new/estimates.json.
run bench_summary cargo bench --bench summary -- --noplot
COHORT_ROWS=10000000 run bench_cohort cargo bench --bench cohort -- --noplot
run bench_purchase_models env CLV_BENCH_WRITE=/tmp/clv_a_bench_1m.csv cargo bench --bench purchase_models -- --noplot
run bench_clv_value cargo bench --bench clv_value -- --noplot
run bench_segment cargo bench --bench segment -- --noplot
run bench_satisfaction cargo bench --bench satisfaction -- --noplot

# The peers, on the same data (the segment and purchase-model benches wrote theirs to /tmp).
run peer_summary "$PY" bench/peers/summary_rfm.py 10000000 3
run peer_cohort "$PY" bench/peers/cohort.py --rows 10000000
run peer_purchase_models "$PY" bench/peers/purchase_models.py /tmp/clv_a_bench_1m.csv
run peer_clv_value "$PY" bench/peers/clv_value.py
run peer_segment "$PY" bench/peers/segment.py
run peer_satisfaction "$PY" bench/peers/satisfaction.py

echo
echo "Our medians (criterion):"
"$PY" - <<'PYEOF'
import json, pathlib
root = pathlib.Path("target/criterion")
for est in sorted(root.glob("**/new/estimates.json")):
    median = json.loads(est.read_text())["median"]["point_estimate"] / 1e9
    name = str(est.parent.parent.relative_to(root))
    print(f"  {name:<70} {median * 1e3:>12.2f} ms")
PYEOF
echo
echo "Peers (each script prints its own medians):"
for f in "$OUT"/peer_*.log; do
  echo "-- $(basename "$f" .log)"
  grep -Ei "median|s \(|ms|lifetimes|pandas|sklearn|scipy" "$f" | sed 's/^/  /' || true
done
echo
echo "Full logs: $OUT"
