"""bench/breakdown.py: every function's own time goes to one kind of work
by its file, built-ins and shared helpers go to their callers, and the
kinds add up to the whole profile."""

import cProfile
import pstats

import pytest

from bench import breakdown
from reflections.models import Reflection


def test_functions_go_to_the_kind_of_their_file():
    assert breakdown.kind_of(("/x/site-packages/django/db/models/query.py", 1, "filter")) == "the ORM"
    assert breakdown.kind_of(("/x/site-packages/django/template/base.py", 1, "render")) == "templates"
    assert breakdown.kind_of(("/x/site-packages/psycopg/cursor.py", 1, "execute")) == "SQL round trips"
    assert breakdown.kind_of(("/x/site-packages/cryptography/fernet.py", 1, "decrypt")) == "decrypting"
    assert breakdown.kind_of(("/work/main/reflections/selectors.py", 1, "statuses_for")) == "Twofold's own code"
    assert breakdown.kind_of(("/work/main/config/logs.py", 1, "__call__")) == "middleware and handler"
    assert breakdown.kind_of(("/x/site-packages/django/core/signing.py", 1, "sign")) == breakdown.OTHER
    assert breakdown.kind_of(("~", 0, "<method 'recv' of '_socket.socket' objects>")) == "SQL round trips"


def test_built_ins_and_helpers_belong_to_their_callers():
    assert breakdown.kind_of(("~", 0, "<built-in method builtins.getattr>")) is None
    assert breakdown.kind_of(("/usr/lib/python3.13/copy.py", 1, "copy")) is None
    assert breakdown.kind_of(("/x/site-packages/django/utils/functional.py", 1, "__get__")) is None


@pytest.mark.django_db
def test_the_kinds_add_up_to_the_whole_profile_and_the_orm_takes_a_query():
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        list(Reflection.objects.filter(couple__memberships__user=1).select_related("article"))
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(own for _, _, own, _, _ in stats.stats.values())

    kinds = breakdown.shares(stats)

    assert sum(kinds.values()) == pytest.approx(total)
    assert set(kinds) <= set(breakdown.ORDER)
    assert max(kinds, key=kinds.get) == "the ORM"


def test_served_cpu_is_summed_by_who_used_it():
    from bench import cpu

    assert cpu.group_of("/venv/bin/python /venv/bin/gunicorn -c config/gunicorn.py", "gunicorn") == "app servers"
    assert cpu.group_of("postgres: postgres twofold_bench 127.0.0.1(5000) idle", "postgres") == "PostgreSQL"
    assert cpu.group_of("/usr/bin/redis-server 127.0.0.1:6379", "redis-server") == "Redis"
    assert cpu.group_of("/usr/bin/python3 -m pytest", "python3") is None
    before = cpu.Snapshot(
        processes={
            10: ("app servers", 5.0, 0.0),  # the master
            11: ("app servers", 3.0, 0.0),  # a worker recycled meanwhile
            12: ("app servers", 1.0, 0.0),
            20: ("PostgreSQL", 2.0, 0.0),  # a connection closed, its parent not watched
        },
        machine=10.0,
    )
    after = cpu.Snapshot(
        processes={
            10: ("app servers", 5.1, 3.5),  # it reaped the worker: 3.5 s in all, 0.5 of them now
            12: ("app servers", 1.4, 0.0),
            13: ("app servers", 0.2, 0.0),  # the new worker
        },
        machine=12.0,
    )

    used = cpu.used_between(before, after)

    assert used["app servers"] == pytest.approx(0.1 + 0.5 + 0.4 + 0.2)
    assert used["PostgreSQL"] == 0.0  # never negative: its time left with it
    assert used[cpu.MACHINE] == 2.0


def test_a_snapshot_reads_this_machine():
    from bench import cpu

    taken = cpu.snapshot()

    assert taken.machine > 0
    assert all(group in ("app servers", "PostgreSQL", "Redis") for group, _, _ in taken.processes.values())


def test_a_pooled_run_gives_each_groups_cpu_a_request():
    from collections import Counter

    from bench.load import Result

    slices = [
        Result("home", latencies=[0.01] * 100, elapsed=1, client_cpu=0.2, served_cpu=Counter({"app servers": 1.0})),
        Result("home", latencies=[0.01] * 100, elapsed=1, client_cpu=0.2, served_cpu=Counter({"app servers": 0.6})),
    ]

    assert Result.pooled("home", slices).cpu_ms_per_request() == {"app servers": 8.0, "client": 2.0}


@pytest.mark.django_db
def test_in_process_rounds_count_their_queries_however_many_came_before():
    from bench import floor

    def one_query(environ, start_response):
        Reflection.objects.count()
        start_response("200 OK", [])
        return [b"ok"]

    # Django's query log holds 9,000: the rounds together send more.
    counts = [floor.one_round(one_query, [("", "/")], 2500)[2] for _ in range(5)]

    assert counts == [1.0] * 5


def test_the_served_cpu_table_shows_each_group_and_is_left_out_without_figures():
    from bench.run import print_cpu_table

    lines = []
    print_cpu_table(
        [{"endpoint": "home", "cpu_ms_per_request": {"app servers": 15.08, "client": 2.03, "the machine": 18.96}}],
        out=lines.append,
    )
    home = next(line for line in lines if line.startswith("home"))
    assert home.split()[1:] == ["15.08", "0.00", "0.00", "2.03", "18.96"]

    nothing = []
    print_cpu_table([{"endpoint": "home", "cpu_ms_per_request": {}}], out=nothing.append)
    assert nothing == []
