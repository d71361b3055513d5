"""`make bench-pages` (python -m bench.pages): what each key page costs, in-process.

The pages' side of bench/floor.py: the home page, the answering page, the
shared view and the check-in trend, each sent through Django's WSGI handler
with Twofold's whole stack and production's settings (DEBUG off, the bench
database, Redis when one answers), for both partners of --couples virtual
couples in turn, beside the ceiling (the ok view through the same stack);
the couples get their check-in as for `make bench`. Each page's cost
beyond the ceiling is what the page itself adds: its queries, the ORM, its
template. Turns and medians as in bench/floor.py. Autosave is left out: it
is a POST with its own CSRF token and versions, and `make bench` measures it.

The status line is measured as an open answering page fetches it when
its event stream (re)connects and nothing has changed: through the same
handler, with the fetch each user's answering page gave, answered 204.

--profile PAGE runs cProfile over that page's requests afterwards and prints
where the time went, by cumulative time; --breakdown sums every page's
profile by kind of work: the ORM, templates, round trips, decrypting, ...
(bench/breakdown.py).
"""

import argparse
import cProfile
import json
import os
import pstats
import sys

from bench import floor

PAGES = {
    "ceiling": lambda user: floor.CEILING,
    "home": lambda user: "/",
    "answering page": lambda user: f"/reflections/{user.answering_pk}/",
    "shared view": lambda user: f"/reflections/{user.shared_pk}/",
    "check-in trend": lambda user: f"/checkins/{user.trend_pk}/trend/",
}
STATUS = "status line"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=120, help="requests per page and round (default 120)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every page in turn (default 5)")
    parser.add_argument("--couples", type=int, default=30, help="virtual couples whose partners ask (default 30)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help="the bench database")
    parser.add_argument("--redis-url", default=None, help="as for make bench (default: Redis database 1 if it answers)")
    parser.add_argument("--log-level", default="INFO", help="the request log's level, as LOG_LEVEL (default INFO)")
    parser.add_argument("--sort", default="cumulative", help="the profile's order (pstats; default cumulative)")
    parser.add_argument("--only", help="only the profile's rows matching this regex")
    parser.add_argument("--results", metavar="NAME", help="also write bench/results/NAME.json")
    profiled = [*(name for name in PAGES if name != "ceiling"), STATUS]
    parser.add_argument("--profile", choices=profiled, help="profile this page (or the status line)")
    parser.add_argument(
        "--breakdown", action="store_true", help="where each page's time goes, by kind of work (bench/breakdown.py)"
    )
    return parser.parse_args(argv)


def development_field_keys():
    """The key the bench's seeding encrypted with: the development key, made
    by config/settings.py in .keys/ on the first run."""
    path = floor.ROOT / ".keys" / "field-encryption.key"
    if not path.exists():
        sys.exit("No .keys/field-encryption.key: run `make bench` once to seed the bench database with it.")
    return [path.read_text().strip()]


def main(argv=None):
    args = parse_args(argv)
    from bench.run import choose_database, choose_redis, refuse_unsafe

    url = choose_database(args.database_url)
    refuse_unsafe(url)
    redis_url = choose_redis(args.redis_url)
    floor.setup_production_django(url, redis_url, args.log_level, field_keys=development_field_keys())
    from django.conf import settings

    from bench.checkins import with_trends
    from bench.run import virtual_users

    users = virtual_users(args.couples, settings.SECRET_KEY)
    if not users:
        sys.exit("No virtual users: run `make bench` once to seed the bench database.")
    with_trends(users)
    targets = {name: [(user.session_cookie, path(user)) for user in users] for name, path in PAGES.items()}
    handler = floor.handler_for(settings.MIDDLEWARE)
    targets[STATUS] = status_targets(handler, targets["answering page"])
    built = [(name, handler) for name in [*PAGES, STATUS]]
    print(f"Measuring {', '.join(name for name, _ in built)} in-process: {args.rounds} rounds of {args.requests} each")
    results = floor.in_turns(built, targets, args, expect={STATUS: "204"})
    report(results)
    if args.results:
        write_results(args.results, results, url)
    if args.breakdown:
        breakdown(built, targets, args)
    if args.profile:
        profile(handler, targets[args.profile], args, expect="204" if args.profile == STATUS else "200")
    return 0


def status_targets(handler, answering_pages):
    """(cookie, status URL) for each answering page: the URL the page itself
    gives, with the fingerprint of what it shows."""
    from bench.load import status_url_in

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise SystemExit(f"An answering page answered {status}.")

    found = []
    for cookie, path in answering_pages:
        response = handler(floor.environ(cookie, path), start_response)
        url = status_url_in(b"".join(response).decode())
        response.close()
        if url is None:
            raise SystemExit(f"No status line to fetch on {path}.")
        found.append((cookie, url))
    return found


def report(results, out=print):
    ceiling = results["ceiling"]
    out("")
    out(f"{'page':<16} {'wall ms':>8} {'cpu ms':>7} {'queries':>8} {'beyond the ceiling: wall':>25} {'cpu':>6}")
    out("-" * 75)
    for name, cost in results.items():
        beyond = "" if name == "ceiling" else f"{(cost.wall - ceiling.wall) * 1e3:.2f}"
        beyond_cpu = "" if name == "ceiling" else f"{(cost.cpu - ceiling.cpu) * 1e3:.2f}"
        out(f"{name:<16} {cost.wall * 1e3:8.2f} {cost.cpu * 1e3:7.2f} {cost.queries:8.1f} {beyond:>25} {beyond_cpu:>6}")


def write_results(name, results, url):
    from bench.run import RESULTS, safe_url
    from bench.seed import dataset_counts

    RESULTS.mkdir(exist_ok=True)
    pages = {
        page: {"wall_ms": cost.wall * 1e3, "cpu_ms": cost.cpu * 1e3, "queries": cost.queries}
        for page, cost in results.items()
    }
    report = {"database": safe_url(url), "dataset": dataset_counts(), "pages": pages}
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")


def breakdown(built, targets, args, out=print):
    from bench import breakdown as kinds

    measured = {
        name: kinds.measure(handler, targets[name], args.requests, expect="204" if name == STATUS else "200")
        for name, handler in built
    }
    kinds.report(measured, out)


def profile(handler, targets, args, out=print, expect="200"):
    profiler = cProfile.Profile()
    profiler.enable()
    floor.one_round(handler, targets, args.requests, expect)
    profiler.disable()
    out("")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(args.only or "", 45)


if __name__ == "__main__":
    sys.exit(main())
