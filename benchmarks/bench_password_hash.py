"""What one sign-in's password check costs (issue #26): Argon2id at Kindred's parameters
(kindred/accounts/hashers.py: OWASP's minimum, m = 19 MiB, t = 2, p = 1) against Django's defaults
(m = 100 MiB, t = 2, p = 8), interleaved, each in its own child process.

    .venv/bin/python benchmarks/bench_password_hash.py [--runs 3] [--checks 15]

Per configuration and run: the median over CHECKS verifications of the CPU time (the process's,
all threads: Argon2 with p = 8 runs its lanes in threads) and of the wall time, and the child's peak
resident memory (ru_maxrss; a Python process with argon2 loaded is ~14 MB of it). The load average
is printed with each line: the machine is shared. Writes benchmarks/results/bench_password_hash.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
CONFIGURATIONS = {
    "django default (t=2, m=100 MiB, p=8)": (2, 102400, 8),
    "kindred (t=2, m=19 MiB, p=1)": (2, 19456, 1),
}
CHILD = r"""
import json, resource, statistics, sys, time
from argon2 import PasswordHasher, low_level
t, m, p, n = map(int, sys.argv[1:5])
hasher = PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, type=low_level.Type.ID)
encoded = hasher.hash("national-load-test-password")
cpu, wall = [], []
for _ in range(n):
    c, w = time.process_time(), time.perf_counter()
    hasher.verify(encoded, "national-load-test-password")
    cpu.append(time.process_time() - c)
    wall.append(time.perf_counter() - w)
print(json.dumps({"cpu_ms": round(1000 * statistics.median(cpu), 1),
                  "wall_ms": round(1000 * statistics.median(wall), 1),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checks", type=int, default=15)
    args = parser.parse_args()
    rows: dict[str, list[dict]] = {name: [] for name in CONFIGURATIONS}
    for run in range(args.runs):
        for name, (t, m, p) in CONFIGURATIONS.items():
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(t), str(m), str(p), str(args.checks)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            row = {**json.loads(out), "load_average": [round(v, 2) for v in os.getloadavg()]}
            rows[name].append(row)
            print(json.dumps({"run": run + 1, "configuration": name, **row}), flush=True)
    summary = {
        name: {
            "cpu_ms_median": statistics.median(r["cpu_ms"] for r in runs),
            "wall_ms_median": statistics.median(r["wall_ms"] for r in runs),
            "peak_rss_mb_median": statistics.median(r["peak_rss_mb"] for r in runs),
        }
        for name, runs in rows.items()
    }
    print(json.dumps(summary, indent=1))
    out = RESULTS / "bench_password_hash.json"
    out.write_text(
        json.dumps({"what": __doc__.splitlines()[0], "summary": summary, "runs": rows}, indent=1) + "\n"
    )
    print(f"written {out}")


if __name__ == "__main__":
    main()
