"""`make bench-scale` (python -m bench.scale): no slope from 10,000 couples to 100,000.

Runs `make bench` (bench/run.py) on the 10,000-couple dataset and then on a
100,000-couple one (about five million answers, in PostgreSQL's
twofold_bench_100k: seeding it the first time takes the better part of an
hour on two cores), and bench/pages.py on each for the queries every page
sends. Passes when every key page keeps its throughput within 10 % of the
small dataset's, every page sends the same number of queries, and the open
pages' event streams (when the bench measures them) meet their own target
at both sizes: a change heard by the partner's page with p95 within a
second, no stream dropped, no event lost.

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
from bench.streams import EVENT_ROW

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


def event_row(report):
    """The streams' judged row of a bench run (bench/streams.py), if it measured them."""
    rows = (report.get("streams") or {}).get("rows", [])
    return next((row for row in rows if row["endpoint"] == EVENT_ROW), None)


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
    large_events = event_row(large_run)
    if (small_events := event_row(small_run)) and large_events:
        rows.append(
            {
                "endpoint": f"stream events, {small_events['pages']:,} pages",
                "p95_ms": [small_events["p95_ms"], large_events["p95_ms"]],
                "passed": small_events["passed"] and large_events["passed"],
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
            small_p95, large_p95 = row["p95_ms"]
            cells = (f"p95 {small_p95:.0f} ms", f"p95 {large_p95:.0f} ms", "")
        else:
            (rps, large_rps), (ratio, large_ratio) = row["rps"], row["ratio_to_default_stack"]
            cells = (f"{rps:.0f} rps, {ratio:.2f}", f"{large_rps:.0f} rps, {large_ratio:.2f}", f"{row['change']:+.0%}")
        print(
            f"{row['endpoint']:<28} {cells[0]:>22} {cells[1]:>22} {cells[2]:>8}  {'PASS' if row['passed'] else 'FAIL'}"
        )
    print("rps, and the ratio to the default stack measured beside it; the change is the ratio's.")
    print("The streams: a change heard by the partner's page, its p95; judged by its own target at each size.")
    (RESULTS / "scale.json").write_text(json.dumps({"rows": rows}, indent=2) + "\n")
    failed = [row["endpoint"] for row in rows if not row["passed"]]
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    print(f"No slope: every endpoint within {ALLOWED_DROP:.0%} and the same queries at 100,000 couples.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
