"""`make bench-scale` (python -m bench.scale): no slope from 10,000 couples to 100,000.

Runs `make bench` (bench/run.py) on the 10,000-couple dataset and then on a
100,000-couple one (about five million answers, in PostgreSQL's
twofold_bench_100k: seeding it the first time takes the better part of an
hour on two cores), and bench/pages.py on each for the queries every page
sends. Passes when every key page keeps its throughput within 10 % of the
small dataset's, every page sends the same number of queries, and the live
status poll (when the bench measures it: open loop, a fixed rate asked)
answers within 10 % of the same rate with its p95 target met at both sizes.

Throughput is compared as each run's ratio to the default-stack yardstick
measured beside it, since the two runs are minutes apart and this
machine's speed drifts by a quarter within a minute; the raw requests per
second are reported beside it. Extra arguments go to both bench runs, e.g.
`python -m bench.scale --seconds 8 --rounds 2`.
"""

import json
import subprocess
import sys

from bench.run import DEFAULT_POSTGRES, RESULTS, postgres_answers

DATASETS = [
    (10_000, DEFAULT_POSTGRES),
    (100_000, DEFAULT_POSTGRES.rsplit("/", 1)[0] + "/twofold_bench_100k"),
]
ALLOWED_DROP = 0.10


def run_bench(couples, url, passthrough):
    """`make bench` and bench.pages on one dataset: their results, read from
    the files this run wrote (an older run's are removed first, so a run
    that fails is never judged by the one before it)."""
    name, pages = f"scale-{couples}", f"scale-pages-{couples}"
    for stale in (name, pages):
        (RESULTS / f"{stale}.json").unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.run", "--couples", str(couples), "--database-url", url]
    subprocess.run([*command, "--results", name, *passthrough], check=False)
    if not (RESULTS / f"{name}.json").exists():
        sys.exit(f"make bench at {couples:,} couples stopped before its results (see above): nothing to compare.")
    subprocess.run(
        [sys.executable, "-m", "bench.pages", "--database-url", url, "--rounds", "2", "--results", pages], check=True
    )
    return json.loads((RESULTS / f"{name}.json").read_text()), json.loads((RESULTS / f"{pages}.json").read_text())


def throughput(report):
    """{endpoint: (rps, ratio to the default stack beside it, errors)} of a bench run."""
    return {
        row["endpoint"]: (row["rps"], row["rps_ratio_default_stack"], sum(row["errors"].values()))
        for row in report["endpoints"]
        if "rps_ratio_default_stack" in row
    }


def compare(small, large):
    """The rows of the comparison, each with its verdict."""
    (small_run, small_pages), (large_run, large_pages) = small, large
    rows = []
    large_throughput = throughput(large_run)
    for endpoint, (rps, ratio, errors) in throughput(small_run).items():
        large_rps, large_ratio, large_errors = large_throughput[endpoint]
        change = large_ratio / ratio - 1
        rows.append(
            {
                "endpoint": endpoint,
                "rps": [rps, large_rps],
                "ratio_to_default_stack": [ratio, large_ratio],
                "change": round(change, 3),
                "passed": change >= -ALLOWED_DROP and not errors and not large_errors,
            }
        )
    large_polls = {row["endpoint"]: row for row in large_run.get("live_status", [])}
    for poll in small_run.get("live_status", []):
        if poll["endpoint"].startswith("status poll") and poll["endpoint"] in large_polls:
            large_poll = large_polls[poll["endpoint"]]
            change = large_poll["achieved_rps"] / poll["achieved_rps"] - 1
            rows.append(
                {
                    "endpoint": poll["endpoint"],
                    "rps": [poll["achieved_rps"], large_poll["achieved_rps"]],
                    "p95_ms": [poll["p95_ms"], large_poll["p95_ms"]],
                    "change": round(change, 3),
                    "passed": change >= -ALLOWED_DROP and poll["passed"] and large_poll["passed"],
                }
            )
    for page, cost in small_pages["pages"].items():
        queries = [cost["queries"], large_pages["pages"][page]["queries"]]
        rows.append({"endpoint": f"{page} (queries)", "queries": queries, "passed": queries[0] == queries[1]})
    return rows


def main(argv=None):
    passthrough = list(sys.argv[1:] if argv is None else argv)
    if not postgres_answers(DEFAULT_POSTGRES):
        sys.exit("bench.scale needs PostgreSQL on 127.0.0.1:5432: 100,000 couples are no dataset for SQLite.")
    runs = [run_bench(couples, url, passthrough) for couples, url in DATASETS]
    rows = compare(*runs)
    print("")
    print(f"{'endpoint':<28} {'10,000 couples':>22} {'100,000 couples':>22} {'change':>8}  verdict")
    for row in rows:
        if "queries" in row:
            small, large = row["queries"]
            cells = (f"{small:.1f} queries", f"{large:.1f} queries", "")
        elif "p95_ms" in row:
            (rps, large_rps), (p95, large_p95) = row["rps"], row["p95_ms"]
            small_cell, large_cell = f"{rps:.0f}/s, p95 {p95:.0f} ms", f"{large_rps:.0f}/s, p95 {large_p95:.0f} ms"
            cells = (small_cell, large_cell, f"{row['change']:+.0%}")
        else:
            (rps, large_rps), (ratio, large_ratio) = row["rps"], row["ratio_to_default_stack"]
            cells = (f"{rps:.0f} rps, {ratio:.2f}", f"{large_rps:.0f} rps, {large_ratio:.2f}", f"{row['change']:+.0%}")
        print(
            f"{row['endpoint']:<28} {cells[0]:>22} {cells[1]:>22} {cells[2]:>8}  {'PASS' if row['passed'] else 'FAIL'}"
        )
    print("rps, and the ratio to the default stack measured beside it; the change is the ratio's.")
    print("The poll: answered a second of the rate asked, and its p95; the change is the answered rate's.")
    (RESULTS / "scale.json").write_text(json.dumps({"rows": rows}, indent=2) + "\n")
    failed = [row["endpoint"] for row in rows if not row["passed"]]
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    print(f"No slope: every endpoint within {ALLOWED_DROP:.0%} and the same queries at 100,000 couples.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
