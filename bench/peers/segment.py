"""Peer timing for benches/segment.rs: scikit-learn KMeans(lloyd, n_init=1, k-means++) on the same
seeded matrices (written by `cargo bench --bench segment` to
/tmp/customer_value_segment_{customers,blobs}_{n}.f64,
little-endian f64, n x 3 row-major). Prints the median wall time of several fits, the inertia and
the iteration count, single-threaded and with 2 threads; and for bench/peers/run.sh one
`RESULT sklearn_kmeans_<data>_<n>_threads<t> <median_ms>` line per timing (n as 100k, 1m).

Run: /work/venv/bin/python bench/peers/segment.py
"""
import statistics
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits


def size_tag(n):
    """1000000 -> 1m, 100000 -> 100k: the size part of a RESULT key."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n >= unit and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def main():
    missing = []
    for name, n in (("customers", 100_000), ("customers", 1_000_000), ("blobs", 1_000_000)):
        path = f"/tmp/customer_value_segment_{name}_{n}.f64"
        try:
            x = np.fromfile(path, dtype="<f8").reshape(n, 3)
        except FileNotFoundError:
            # Time the other matrices anyway; fail at the end.
            print(f"{path} missing: run `cargo bench --bench segment` first", file=sys.stderr)
            missing.append(path)
            continue
        for threads in (1, 2):
            with threadpool_limits(limits=threads):
                times = []
                cpu, inertias = [], []
                for repeat in range(7):
                    model = KMeans(n_clusters=5, init="k-means++", n_init=1,
                                   algorithm="lloyd", random_state=repeat, tol=1e-4)
                    start, start_cpu = time.perf_counter(), time.process_time()
                    model.fit(x)
                    times.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - start_cpu)
                    inertias.append(model.inertia_)
                    if repeat == 0:
                        inertia, iterations = model.inertia_, model.n_iter_
                print(f"{name} n={n} threads={threads}: median {statistics.median(times) * 1e3:.1f} ms "
                      f"(min {min(times) * 1e3:.1f}, median CPU {statistics.median(cpu) * 1e3:.1f}), inertia {inertia:.6f} (seed 0; median over seeds "
                      f"{statistics.median(inertias):.6f}), iterations {iterations}")
                print(f"RESULT sklearn_kmeans_{name}_{size_tag(n)}_threads{threads} "
                      f"{statistics.median(times) * 1e3:.4f}", flush=True)
    if missing:
        sys.exit(f"{len(missing)} matrix file(s) missing: run `cargo bench --bench segment` first")


if __name__ == "__main__":
    main()
