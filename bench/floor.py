"""`make bench-floor` (python -m bench.floor): what each middleware costs.

The floor is what every request pays before a view runs. This measures it
in one process, without a server or a network: the bench's "ok" view
(bench/views.py) is called through Django's WSGI handler built with the
first 0, 1, 2, ... entries of settings.MIDDLEWARE, so each middleware's cost
is the difference between the stack with it and the stack without it
(middleware depend on the ones before them: the user needs the session).
Django's default stack (what `startproject` writes) is measured the same
way, as the second yardstick `make bench` serves (bench/default_stack.py).

Production's shape: DEBUG off, the bench database (PostgreSQL's
twofold_bench when it answers), sessions and the cache in Redis when one
answers (--redis-url '' for none), the request log at INFO (--log-level),
written to a file rather than the terminal. One signed-in session sends
every request, as a tab would.

Stacks are measured in turns (every stack once per round, --rounds
rounds of --requests requests), and each stack's figure is its median
round: this machine's speed drifts within a minute, and turns spread the
drift over all stacks alike. Time is wall time per request in this process
(PostgreSQL and Redis answer from their own processes, and their time
counts as it would for a worker), with the queries each request sends.
"""

import argparse
import io
import os
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "bench" / "results" / "floor-requests.log"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per stack and round (default 300)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of every stack in turn (default 7)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help="the bench database")
    parser.add_argument("--redis-url", default=None, help="as for make bench (default: Redis database 1 if it answers)")
    parser.add_argument("--log-level", default="INFO", help="the request log's level, as LOG_LEVEL (default INFO)")
    return parser.parse_args(argv)


def setup_production_django(database_url, redis_url, log_level, field_keys=None):
    """Django in this process with the server's settings (bench.settings,
    DEBUG off) rather than the development ones the seeding uses. Without
    `field_keys` nothing encrypted can be read, which the ok view never does."""
    from tools.servers import production_env

    env = production_env(
        database_url=database_url,
        field_keys=field_keys or [_throwaway_fernet_key()],
        DJANGO_SETTINGS_MODULE="bench.settings",
        LOG_LEVEL=log_level,
        **({"REDIS_URL": redis_url} if redis_url else {}),
    )
    if not redis_url:
        env.pop("REDIS_URL", None)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    _log_to_file()


def _throwaway_fernet_key():
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _log_to_file():
    """The request log's lines go where a server's would, not to this terminal."""
    import logging

    LOG.parent.mkdir(exist_ok=True)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(LOG, "w"))  # noqa: SIM115 - open for the process's life


def signed_in_cookie():
    """A session for one seeded user, as the server would read it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from tools.servers import session_cookie_for

    user = get_user_model().objects.filter(is_active=True).order_by("pk").first()
    if user is None:
        sys.exit("The bench database has no users: run `make bench` once to seed it.")
    cookie = session_cookie_for(user, settings.SECRET_KEY)
    return "; ".join(f"{key}={value}" for key, value in cookie.items())


def handler_for(middleware):
    """Django's WSGI handler with exactly `middleware`, built the public way:
    the handler reads settings.MIDDLEWARE once, when it is made."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=list(middleware)):
        return WSGIHandler()


CEILING = "/bench/ceiling/"


def environ(cookie, path=CEILING):
    """A GET of `path` (with its query string, if any) as gunicorn would hand it to Django."""
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "HTTP_USER_AGENT": "bench.floor",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def one_round(handler, targets, requests, expect="200"):
    """(wall seconds, CPU seconds of this process, queries), per request,
    over `requests` requests cycling through `targets`: (cookie, path),
    each answered with the status `expect`."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    def start_response(status, headers, exc_info=None):
        if not status.startswith(expect):
            raise SystemExit(f"A measured request answered {status}.")

    # The log holds 9,000 queries and the capture stops Django emptying it
    # between requests: a round that starts on a full log would count none.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(requests):
            response = handler(environ(*targets[i % len(targets)]), start_response)
            b"".join(response)
            if hasattr(response, "close"):  # WSGI: only an iterable that has one
                response.close()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed / requests, cpu / requests, len(queries) / requests


def stacks():
    """(name, middleware) for every prefix of Twofold's stack, then Django's default."""
    from django.conf import settings

    from bench import default_stack

    twofold = list(settings.MIDDLEWARE)
    rows = [("(no middleware)", [])]
    rows += [(path, twofold[: i + 1]) for i, path in enumerate(twofold)]
    rows.append(("Django's default stack", default_stack.MIDDLEWARE))
    return rows


def measure(args, out=print):
    built = [(name, handler_for(middleware)) for name, middleware in stacks()]
    return in_turns(built, [(signed_in_cookie(), CEILING)], args, out)


def in_turns(built, targets, args, out=print, expect=None):
    """{name: Cost} of each (name, handler) in `built`, sending `targets`
    ({name: targets} or one list for all), each in turn every round, and
    each figure the median round. `expect`: {name: status} where it is not 200."""
    targets_of = targets if isinstance(targets, dict) else dict.fromkeys((name for name, _ in built), targets)
    expect = expect or {}
    for name, handler in built:  # warm: connections, caches, the session in Redis
        one_round(handler, targets_of[name], 20, expect.get(name, "200"))
    wall, cpu = {name: [] for name, _ in built}, {name: [] for name, _ in built}
    queries = {}
    for round_number in range(args.rounds):
        out(f"  round {round_number + 1} of {args.rounds}")
        for name, handler in built:
            seconds, cpu_seconds, per_request = one_round(
                handler, targets_of[name], args.requests, expect.get(name, "200")
            )
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
            queries[name] = per_request
    return {name: Cost(statistics.median(wall[name]), statistics.median(cpu[name]), queries[name]) for name in wall}


@dataclass
class Cost:
    """Per request: wall time, this process's CPU time, queries."""

    wall: float
    cpu: float
    queries: float


def report(results, out=print):
    names = list(results)

    def line(name, wall, added_wall, cpu, added_cpu, queries):
        out(f"{name:<50} {wall:>8} {added_wall:>7} {cpu:>7} {added_cpu:>6} {queries:>8}")

    line("middleware (each row adds one to those above)", "wall µs", "+wall", "cpu µs", "+cpu", "queries")
    out("-" * 92)
    previous = None
    for name in names[:-1]:
        cost = results[name]
        added = (
            [f"{(now - before) * 1e6:.0f}" for now, before in ((cost.wall, previous.wall), (cost.cpu, previous.cpu))]
            if previous
            else ["", ""]
        )
        line(name, f"{cost.wall * 1e6:.0f}", added[0], f"{cost.cpu * 1e6:.0f}", added[1], f"{cost.queries:.2f}")
        previous = cost
    out("-" * 92)
    default = results[names[-1]]
    line(names[-1], f"{default.wall * 1e6:.0f}", "", f"{default.cpu * 1e6:.0f}", "", f"{default.queries:.2f}")
    bare = results[names[0]]
    out(
        f"Beyond the bare handler, Twofold's stack costs {(previous.wall - bare.wall) * 1e6:.0f} µs a request"
        f" ({(previous.cpu - bare.cpu) * 1e6:.0f} µs of CPU here), Django's default stack"
        f" {(default.wall - bare.wall) * 1e6:.0f} µs ({(default.cpu - bare.cpu) * 1e6:.0f} µs)."
    )
    out("wall: per request, waits for PostgreSQL and Redis included; cpu: this process's share of it.")


def main(argv=None):
    args = parse_args(argv)
    # Read before Django is set up in this process (bench.run's helpers).
    from bench.run import choose_database, choose_redis, refuse_unsafe

    url = choose_database(args.database_url)
    refuse_unsafe(url)
    redis_url = choose_redis(args.redis_url)
    setup_production_django(url, redis_url, args.log_level)
    from django.db import connection

    print(
        f"Measuring the floor in-process on {connection.vendor}, cache {'Redis' if redis_url else 'the database'},"
        f" request log at {args.log_level}: {args.rounds} rounds of {args.requests} requests per stack"
    )
    report(measure(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
