"""`make bench` (python -m bench.run): seed, serve, load, compare.

1. Picks the bench database: --database-url, else $BENCH_DATABASE_URL, else
   PostgreSQL's twofold_bench on 127.0.0.1 when it answers (created if
   missing), else SQLite in bench.sqlite3. Never the development database,
   `twofold` or a test database. It migrates it and seeds the dataset
   (bench/seed.py) unless that is already there.
2. Signs in the partners of --virtual-couples couples (sessions written
   straight into the database, tools/servers.py), gives those couples a
   weekly check-in with revealed rounds if they have none (bench/checkins.py)
   and starts gunicorn with production settings (DEBUG off,
   tools/servers.py's database pool, config/gunicorn.py) and the
   encryption keys the seeding used, under bench.settings: production's
   settings plus the ceiling view's URL, which production does not route.
   A second gunicorn serves the same "ok" view through Django's default
   middleware only (bench/default_stack.py): the second yardstick.
   The cache is Redis as in production (--redis-url; by default database 1
   of the Redis on 127.0.0.1:6379 when one answers there, flushed first),
   else the database's cache table.
3. Warms every endpoint up, then measures each of the home page, the
   answering page, autosave and the shared view for --seconds in --rounds
   slices, each slice beside a slice of both yardsticks of the same length,
   in the order ceiling, default stack, page, page, default stack, ceiling,
   ... (bench/load.py). Each page is compared with the yardstick slices
   taken beside it: this machine's speed drifts by a quarter within a
   minute, and a yardstick measured minutes apart from a page would measure
   the drift as much as the page.
4. The open pages' event streams (bench/streams.py): --open-pages pages
   (5,000 by default, one a person) each hold their stream from this one
   process; for --seconds a partner changes something at --change-rate of
   them a second (1 %), each change timed until the other partner's stream
   hears it and until that page has fetched its new status line; then
   every stream stays open for --idle-seconds with nothing changing, and
   the app servers' requests and CPU meanwhile are read, beside their
   memory before the streams opened and with all of them open.
5. Prints the table, writes bench/results/latest.json (--results), and exits 1 when a
   target is missed or any request failed.

Target: every key page (home, answering, autosave, the shared view) costs
the app servers at most 10 times the CPU a request of the "ok" view through
Django's default stack measured beside it, home at most 7 times
(CPU_TARGETS); together mode, the coach's dashboard and the check-in trend
are measured and reported. The rps ratios to the default stack and to
Twofold's own ceiling (the same view through Twofold's whole middleware)
are reported beside it: the cheaper that floor gets, the lower they fall,
so they are not the target. A change reaches the partner's open page
with p95 at most 1 s, with no stream dropped and no event lost, and the
idle window sees no request (bench/streams.py).
"""

import argparse
import asyncio
import datetime
import json
import math
import os
import platform
import random
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/twofold_bench"
DEFAULT_SQLITE = f"sqlite:///{ROOT / 'bench.sqlite3'}"
DEFAULT_REDIS = "redis://127.0.0.1:6379/1"
# The server's settings: production's, with the ceiling routed (bench/urls.py).
SERVER_SETTINGS = "bench.settings"
FORBIDDEN_DATABASES = {"twofold", "postgres", "template0", "template1"}

DEFAULT_STACK_SETTINGS = "bench.default_stack"
# Each key page's app-server CPU a request, at most this many times the
# default stack's beside it: the closest peer's level (home: its own).
CPU_TARGETS = {"home": 7.0, "answering page": 10.0, "autosave": 10.0, "shared view": 10.0}
# Measured and reported beside the key pages, with no target of their own.
REPORTED = ["together mode", "coach dashboard", "check-in trend"]
MEASURED = [*CPU_TARGETS, *REPORTED]
YARDSTICKS = ["ceiling", "default stack"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per endpoint (default 20)")
    parser.add_argument(
        "--rounds", type=int, default=4, help="slices each endpoint is measured in, beside the ceiling (default 4)"
    )
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds per endpoint first (default 2)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.py, 2 x cores + 1)"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help="the bench database")
    parser.add_argument("--couples", type=int, default=10_000, help="couples in the dataset (default 10000)")
    parser.add_argument(
        "--virtual-couples", type=int, default=200, help="couples whose partners send the requests (default 200)"
    )
    parser.add_argument("--reseed", action="store_true", help="flush the bench database and seed again")
    parser.add_argument(
        "--redis-url",
        default=None,
        help=f"the server's REDIS_URL, a Redis database the bench owns and flushes (default: {DEFAULT_REDIS}"
        " when a Redis answers there, else none); '' for none: the cache in the database",
    )
    parser.add_argument(
        "--suite",
        choices=["all", "pages", "streams"],
        default="all",
        help="the pages beside the yardsticks, the open pages' event streams, or both (default)",
    )
    parser.add_argument(
        "--open-pages", type=int, default=5000, help="open pages, each holding its event stream (default 5000)"
    )
    parser.add_argument(
        "--change-rate",
        type=float,
        default=0.01,
        help="changes a second for each open page, made by its partner (default 0.01)",
    )
    parser.add_argument(
        "--idle-seconds",
        type=float,
        default=30,
        help="seconds every stream stays open with nothing changing, at the end (default 30)",
    )
    parser.add_argument(
        "--results", default="latest", help="write bench/results/NAME.json (default latest)", metavar="NAME"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0:
        parser.error("--rounds must be at least 1 and --seconds more than 0")
    return args


# -- the database ------------------------------------------------------------------


def postgres_answers(url):
    import psycopg

    try:
        psycopg.connect(_libpq(url, dbname="postgres"), connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def _libpq(url, dbname=None):
    """A psycopg conninfo for the dj_database_url `url`."""
    import dj_database_url

    config = dj_database_url.parse(url)
    parts = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
        "dbname": dbname or config["NAME"],
    }
    return " ".join(f"{key}='{value}'" for key, value in parts.items() if value is not None)


def choose_database(url):
    if url:
        return url
    if postgres_answers(DEFAULT_POSTGRES):
        return DEFAULT_POSTGRES
    print("PostgreSQL does not answer on 127.0.0.1:5432; using SQLite (bench.sqlite3).")
    return DEFAULT_SQLITE


def refuse_unsafe(url):
    """The bench flushes its database when the dataset changes: never let it
    near one that holds anything else."""
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "sqlite" in config["ENGINE"]:
        if Path(name).resolve() == (ROOT / "db.sqlite3").resolve():
            sys.exit("Refusing to benchmark on the development database db.sqlite3.")
    elif name in FORBIDDEN_DATABASES or name.startswith("test"):
        sys.exit(f"Refusing to benchmark on the database {name!r}: it is not a bench database.")


def create_postgres_database(url):
    import dj_database_url
    import psycopg
    from psycopg import sql

    name = dj_database_url.parse(url)["NAME"]
    with psycopg.connect(_libpq(url, dbname="postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Creating the PostgreSQL database {name} ...")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# -- the cache -------------------------------------------------------------------


def redis_answers(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def choose_redis(url):
    """The server's REDIS_URL, or None for the database's cache table. Like
    its database, the bench owns its Redis database and flushes it
    (flush_redis), so database 0, where anything else would be, is refused."""
    import redis

    if url == "":
        return None
    if url is None:
        if not redis_answers(DEFAULT_REDIS):
            print("Redis does not answer on 127.0.0.1:6379; the cache is the database's table.")
            return None
        url = DEFAULT_REDIS
    if redis.Redis.from_url(url).connection_pool.connection_kwargs.get("db", 0) == 0:
        sys.exit(f"Refusing to benchmark on Redis database 0 ({safe_redis_url(url)}): give the bench its own.")
    if not redis_answers(url):
        sys.exit(f"Redis does not answer at {safe_redis_url(url)}.")
    return url


def flush_redis(url):
    """Nothing cached from an earlier dataset or run may outlive it."""
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


def safe_redis_url(url):
    """The Redis URL without a password, for printing and the results file."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def quiet_http_client_logs():
    """Django's development logging, set up in this process, would print a
    line per request: noise, and client CPU taken from the server."""
    import logging

    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def setup_django(url):
    """Django in this process, on the bench database, with the development
    settings (and so the development encryption key in .keys/), and without
    Redis: a REDIS_URL from the shell would also reach the server."""
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["DEBUG"] = "true"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


# -- virtual users -----------------------------------------------------------------


def virtual_users(count, secret_key, *, coaches=(), seed=7):
    """Both partners of `count` linked couples chosen at random (seeded),
    each with a reflection in progress that neither is ready in, and a
    revealed one, and one of `coaches` for the coach's pages, in turn.
    Signed in with fresh sessions; old ones are removed."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    from accounts.models import Membership
    from bench.load import VirtualUser
    from bench.seed import EMAIL_DOMAIN
    from library.models import PromptKind
    from reflections.models import Answer, Reflection, ReflectionPrompt
    from tools.servers import session_cookie_for

    Session.objects.all().delete()
    UserSession.objects.all().delete()

    # The answering page and the shared view are measured on the library's
    # reflections; the check-in's rounds (bench/checkins.py) are the trend's.
    linked = Reflection.objects.filter(
        couple__ended_at__isnull=True,
        couple__memberships__user__email__endswith="@" + EMAIL_DOMAIN,
        checkin_round__isnull=True,
    )
    in_progress = dict(
        linked.filter(revealed_at__isnull=True)
        .exclude(participants__ready_at__isnull=False)
        .values_list("couple_id", "pk")
        .distinct()
    )
    revealed = dict(linked.filter(revealed_at__isnull=False).values_list("couple_id", "pk").distinct())
    eligible = sorted(set(in_progress) & set(revealed))
    chosen = random.Random(seed).sample(eligible, min(count, len(eligible)))
    if len(chosen) < count:
        print(f"Only {len(chosen)} couples qualify as virtual users (asked for {count}).")

    users = []
    for couple_id in chosen:
        prompt = (
            ReflectionPrompt.objects.filter(reflection_id=in_progress[couple_id], kind=PromptKind.TEXT)
            .order_by("order", "pk")
            .first()
        )
        for membership in Membership.objects.filter(couple_id=couple_id).select_related("user"):
            user = membership.user
            answer = Answer.objects.filter(prompt=prompt, author=user).first()
            cookie = session_cookie_for(user, secret_key)
            users.append(
                VirtualUser(
                    email=user.email,
                    session_cookie="; ".join(f"{k}={v}" for k, v in cookie.items()),
                    answering_pk=in_progress[couple_id],
                    prompt_pk=prompt.pk,
                    shared_pk=revealed[couple_id],
                    version=answer.version if answer else 0,
                )
            )
    coach_cookies = ["; ".join(f"{k}={v}" for k, v in session_cookie_for(c, secret_key).items()) for c in coaches]
    for n, user in enumerate(users):
        user.coach_cookie = coach_cookies[n % len(coach_cookies)] if coach_cookies else ""
    return users


# -- measuring -------------------------------------------------------------------


def slices(rounds):
    """The order of one endpoint's slices and the yardsticks': ABCCBA, so
    that a steady drift in the machine's speed weighs on all alike."""
    order = []
    for i in range(rounds):
        order += [*YARDSTICKS, "endpoint"] if i % 2 == 0 else ["endpoint", *reversed(YARDSTICKS)]
    return order


async def measure(base_url, default_stack_url, users, args, out=print):
    """{endpoint: (its run, {yardstick: its run beside it})}, each pooled
    from args.rounds slices."""
    from bench.load import new_client, prepare

    async with new_client(base_url, args.concurrency) as client:
        for name, settings_module in (("ceiling", SERVER_SETTINGS), ("default stack", DEFAULT_STACK_SETTINGS)):
            response = await client.get(endpoint_for(name, default_stack_url).path(None))
            if response.status_code != 200:
                raise SystemExit(f"The {name} answered {response.status_code}: is its server on {settings_module}?")
        problems = await prepare(client, users)
        if problems:
            for problem in problems[:10]:
                out(f"  setup: {problem}")
            raise SystemExit(f"{len(problems)} virtual users could not be prepared; see above.")
        return await measure_pages(client, default_stack_url, users, args, out)


def endpoint_for(name, default_stack_url):
    from bench.load import ENDPOINTS, DefaultStack

    return DefaultStack(default_stack_url) if name == "default stack" else ENDPOINTS[name]()


async def measure_pages(client, default_stack_url, users, args, out):
    from bench import cpu
    from bench.load import Result, drive

    out(f"Warming up each endpoint for {args.warmup:g} s ...")
    for name in [*YARDSTICKS, *MEASURED]:
        endpoint = endpoint_for(name, default_stack_url)
        await drive(client, endpoint, users, seconds=args.warmup, concurrency=args.concurrency)
    results = {}
    seconds = args.seconds / args.rounds
    for name in MEASURED:
        out(f"Measuring {name} for {args.seconds:g} s in {args.rounds} slices beside the yardsticks ...")
        taken = {which: [] for which in [*YARDSTICKS, "endpoint"]}
        for which in slices(args.rounds):
            endpoint = endpoint_for(name if which == "endpoint" else which, default_stack_url)
            before = cpu.snapshot()
            run = await drive(client, endpoint, users, seconds=seconds, concurrency=args.concurrency)
            run.served_cpu = cpu.used_between(before, cpu.snapshot())
            taken[which].append(run)
        result = Result.pooled(name, taken["endpoint"])
        beside = {which: Result.pooled(which, taken[which]) for which in YARDSTICKS}
        results[name] = (result, beside)
        out(
            f"  {result.requests} requests, {result.rps:.0f} rps, p95 {result.percentile(95):.1f} ms; beside it"
            + "".join(f" {which} {run.rps:.0f} rps," for which, run in beside.items())
            + f" (the client used {result.client_cpu / result.elapsed:.0%} of a core)"
        )
    return results


def evaluate(results):
    """The rows for the table and the JSON: first each yardstick with every
    slice pooled, then each endpoint with its ratios to the yardsticks
    beside it, and its verdict."""
    from bench.load import Result

    rows = []
    for which in YARDSTICKS:
        everything = Result.pooled(f"{which} (all slices)", [beside[which] for _, beside in results.values()])
        rows.append({"endpoint": everything.name, **everything.summary(), "target": None, "passed": None})
    for name, (result, beside) in results.items():
        row = {"endpoint": name, **result.summary()}
        for which, run in beside.items():
            row[which] = {key: run.summary()[key] for key in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms")}
        row["rps_ratio_default_stack"] = round(result.rps / beside["default stack"].rps, 3)
        row["rps_ratio_ceiling"] = round(result.rps / beside["ceiling"].rps, 3)
        row["p95_ratio_ceiling"] = round(result.percentile(95) / beside["ceiling"].percentile(95), 3)
        ratio = app_server_cpu_ratio(result, beside["default stack"])
        row["cpu_ratio_default_stack"] = None if ratio is None else round(ratio, 2)
        limit = CPU_TARGETS.get(name)
        row["target"] = None if limit is None else f"app-server CPU <= {limit:g}x the default stack's"
        row["passed"] = None if limit is None else ratio is not None and ratio <= limit
        if row["errors"] or any(sum(run.errors.values()) for run in beside.values()):
            row["passed"] = False
        rows.append(row)
    return rows


def app_server_cpu_ratio(result, default_stack):
    """The app servers' CPU a request of `result` over the same of the
    default stack measured beside it; None when either was not measured."""
    page = result.cpu_ms_per_request().get("app servers")
    yardstick = default_stack.cpu_ms_per_request().get("app servers")
    return page / yardstick if page and yardstick else None


def print_table(rows, out=print):
    header = (
        f"{'endpoint':<26} {'requests':>8} {'errors':>6} {'rps':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'dflt rps':>8} {'ceil rps':>8} {'rps/dflt':>8} {'rps/ceil':>8} {'p95/ceil':>8} {'cpu/dflt':>8}"
        f" {'client':>6}  verdict"
    )
    out("")
    out(header)
    out("-" * len(header))
    for row in rows:
        errors = sum(row["errors"].values())
        if "default stack" not in row:
            verdict = "errors" if errors else "(yardstick)"
            paired = " ".join(f"{'':>8}" for _ in range(6))
        else:
            if row["passed"] is None:
                verdict = "errors" if errors else "(reported)"
            else:
                verdict = f"{'PASS' if row['passed'] else 'FAIL'} ({row['target']}{', errors' if errors else ''})"
            cpu_ratio = row["cpu_ratio_default_stack"]
            paired = (
                f"{row['default stack']['rps']:>8.1f} {row['ceiling']['rps']:>8.1f}"
                f" {row['rps_ratio_default_stack']:>8.2f} {row['rps_ratio_ceiling']:>8.2f}"
                f" {row['p95_ratio_ceiling']:>8.2f} {'' if cpu_ratio is None else f'{cpu_ratio:.1f}x':>8}"
            )
        out(
            f"{row['endpoint']:<26} {row['requests']:>8} {errors:>6} {row['rps']:>7.1f} {row['p50_ms']:>8.1f}"
            f" {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {paired} {row['client_cpu_share']:>6.0%}  {verdict}"
        )
    out("-" * len(header))
    out("dflt: the ok view through Django's default middleware; ceil: the same through Twofold's whole stack;")
    out("cpu/dflt: the app servers' CPU a request over the default stack's, beside it (what the verdict judges)")
    out("  both measured in slices beside each endpoint's (ceiling, default stack, endpoint, endpoint, ...)")
    out("client: the share of one core the load generator itself used (it runs on the same machine)")
    for row in rows:
        for sample in row["error_samples"]:
            out(f"  error on {row['endpoint']}: {sample}")


def print_cpu_table(rows, out=print):
    """Whose CPU each request took while served (bench/cpu.py)."""
    from bench.cpu import MACHINE

    groups = ["app servers", "PostgreSQL", "Redis", "client", MACHINE]
    if not any(row.get("cpu_ms_per_request") for row in rows):
        return
    header = f"{'CPU ms a request, served':<26}" + "".join(f" {group:>12}" for group in groups)
    out("")
    out(header)
    out("-" * len(header))
    for row in rows:
        used = row.get("cpu_ms_per_request") or {}
        out(f"{row['endpoint']:<26}" + "".join(f" {used.get(group, 0.0):>12.2f}" for group in groups))
    out("-" * len(header))
    out(f"{MACHINE}: every core's busy time, whoever used it (the other columns are part of it)")


def machine():
    ram_kib = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                ram_kib = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "ram_gib": round(ram_kib / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def safe_url(url):
    """The database URL without a password, for the results file."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if "sqlite" in config["ENGINE"]:
        return url
    return f"{config['ENGINE'].rsplit('.', 1)[-1]}://{config.get('USER')}@{config.get('HOST')}:{config.get('PORT')}/{config['NAME']}"


def main(argv=None):
    args = parse_args(argv)
    url = choose_database(args.database_url)
    refuse_unsafe(url)
    redis_url = choose_redis(args.redis_url)
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        create_postgres_database(url)
    setup_django(url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from bench import processes, streams
    from bench.checkins import with_trends
    from bench.coaches import ensure_coaches
    from bench.programmes import ensure_practice
    from bench.seed import dataset_counts, ensure_dataset
    from tools.servers import app_server, gunicorn, production_env

    quiet_http_client_logs()
    cache = safe_redis_url(redis_url) if redis_url else "the database's table"
    print(f"Bench database: {safe_url(url)} ({connection.vendor}); cache: {cache}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    seeding = ensure_dataset(args.couples, reseed=args.reseed)
    coaches = ensure_coaches()
    ensure_practice(coaches)
    counts = dataset_counts()
    print("Dataset: " + ", ".join(f"{key} {value:,}" for key, value in counts.items()))

    secret_key = secrets.token_urlsafe(50)
    # One open page a person: a partner's change then reaches one page, as
    # it would a real person's.
    wanted = max(args.virtual_couples, math.ceil(args.open_pages / 2) if args.suite != "pages" else 0)
    people = virtual_users(wanted, secret_key, coaches=coaches)
    users = with_trends(people[: 2 * args.virtual_couples])
    if len(users) < args.concurrency:
        sys.exit(f"{len(users)} virtual users cannot keep {args.concurrency} clients busy; seed more couples.")
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
    env = production_env(
        database_url=url,
        field_keys=settings.FIELD_ENCRYPTION_KEYS,
        secret_key=secret_key,
        WEB_CONCURRENCY=workers,
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        # Production's request log: one JSON line a request, into gunicorn.log.
        LOG_LEVEL="INFO",
        **({"REDIS_URL": redis_url} if redis_url else {}),
    )
    if redis_url:
        flush_redis(redis_url)
    connections.close_all()

    RESULTS.mkdir(exist_ok=True)
    processes.raise_open_files_limit()
    load_before = os.getloadavg()
    print(
        f"Serving with gunicorn ({workers} workers); {len(users)} virtual users, {args.concurrency} concurrent"
        f" clients; load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
    )
    server_log = RESULTS / "gunicorn.log"
    results, streamed = {}, None
    with open(server_log, "w") as log, app_server(env, workers=workers, log=log) as server:
        if args.suite != "streams":
            default_stack_env = {**env, "DJANGO_SETTINGS_MODULE": DEFAULT_STACK_SETTINGS}
            with (
                open(RESULTS / "gunicorn-default-stack.log", "w") as default_stack_log,
                gunicorn(default_stack_env, workers=workers, log=default_stack_log) as default_stack_url,
            ):
                results = asyncio.run(measure(server.url, default_stack_url, users, args))
        if args.suite != "pages":
            streamed = asyncio.run(streams.measure(server, people, args, server_log))
    load_after = os.getloadavg()

    rows = evaluate(results) if results else []
    if rows:
        print_table(rows)
        print_cpu_table(rows)
    stream_rows = streams.evaluate(streamed) if streamed else []
    if stream_rows:
        streams.print_table(stream_rows, streamed.memory)
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min); {machine()['cpus']} cpus")
    failed = [row["endpoint"] for row in rows + stream_rows if row["passed"] is False]
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_before": load_before, "load_average_after": load_after},
        "database": {"vendor": connection.vendor, "url": safe_url(url)},
        "cache": cache,
        "dataset": counts,
        "seeding_seconds": round(seeding, 1) if seeding else None,
        "gunicorn_workers": workers,
        "concurrency": args.concurrency,
        "virtual_users": len(users),
        "seconds_per_endpoint": args.seconds,
        "rounds": args.rounds,
        "endpoints": rows,
        "streams": {
            "open_pages": args.open_pages,
            "change_rate": args.change_rate,
            "seconds": args.seconds,
            "rows": stream_rows,
            "memory": streamed.memory,
        }
        if streamed
        else None,
        "passed": not failed,
    }
    written = RESULTS / f"{args.results}.json"
    written.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results written to {written.relative_to(ROOT)}")
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
