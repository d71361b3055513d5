"""Where a page's time goes, by kind of work: `make bench-pages
PAGES_ARGS=--breakdown`.

One round of each page runs under cProfile, and every function's own time
(its total minus what it called) goes to the kind of code it belongs to,
by the file it is in. The interpreter's built-ins (getattr, isinstance,
str.join, ...) have no file: their time goes to the kinds of their callers,
in proportion to the calls each made, and so do shared helpers' (HELPERS),
so the kinds add up to the whole.

A profiler slows Python code more than it slows waiting on a socket, so the
shares overstate the Python kinds a little against the round trips; the
same round is also timed without the profiler, with the time spent inside
the database driver's execute measured on its own (`execute_wrapper`, a
public API), which is the figure to read for the round trips.
"""

import cProfile
import pstats
import re
import time
from collections import defaultdict

from bench import floor

# First match wins: the more specific paths come first.
KINDS = [
    ("SQL round trips", r"/psycopg/|/psycopg_pool/|'(recv|send|sendall)' of '_socket|/lib/python3\.\d+/selectors\.py"),
    ("decrypting", r"/cryptography/|core/encryption\.py|reflections/encryption\.py"),
    ("the ORM", r"/django/db/"),
    (
        "templates",
        r"/django/template/|/django/templatetags/|/templatetags/|/django/forms/"
        r"|/django/utils/(html|safestring|formats|dateformat|text)\.py",
    ),
    ("cache and sessions", r"/redis/|/django_redis/|/django/core/cache/|/django/contrib/sessions/|config/cache\.py"),
    (
        "middleware and handler",
        r"/django/(core/handlers|middleware|http|urls|contrib/(auth|messages))/|/allauth/|/django_htmx/"
        r"|/logging/|config/|accounts/middleware\.py|/wsgiref/",
    ),
    ("Twofold's own code", r"^(?!.*/site-packages/).*/(reflections|accounts|notifications|core)/[a-z_]+\.py"),
]
OTHER = "everything else"
# Shared helpers' time goes to their callers, like a built-in's: the
# standard library (copy, inspect, functools), and Django's and asgiref's
# general utilities (lazy objects, deconstruction, thread-locals).
HELPERS = re.compile(
    r"/lib/python3\.\d+/(?!site-packages/)|^<frozen |/asgiref/|"
    r"/django/utils/(functional|deconstruct|tree|datastructures|hashable|asyncio|choices|itercompat|inspect)\.py"
)
ORDER = [name for name, _ in KINDS] + [OTHER]
# The report's column headings.
SHORT = {
    "SQL round trips": "sql trips",
    "decrypting": "decrypt",
    "the ORM": "orm",
    "templates": "templates",
    "cache and sessions": "cache",
    "middleware and handler": "stack",
    "Twofold's own code": "own code",
    OTHER: "other",
}


def kind_of(function) -> str | None:
    """The kind of a pstats function key (file, line, name); None for a
    built-in, whose time its callers take."""
    filename, _, name = function
    where = name if filename == "~" else filename
    for kind, pattern in KINDS:
        if re.search(pattern, where):
            return kind
    if filename == "~" or HELPERS.search(filename):
        return None
    return OTHER


def shares(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of own time per kind; built-ins split among their callers."""
    own = defaultdict(float)
    raw = stats.stats
    for function, (_, _, tottime, _, callers) in raw.items():
        kind = kind_of(function)
        if kind is not None:
            own[kind] += tottime
            continue
        calls = {caller: counts[0] for caller, counts in callers.items()}
        total = sum(calls.values())
        if not total:
            own[OTHER] += tottime
            continue
        for caller, count in calls.items():
            own[_kind_of_caller(caller, raw)] += tottime * count / total
    return own


def _kind_of_caller(caller, raw, depth=0) -> str:
    """A built-in called by a built-in (or a helper): climb by the busiest
    caller to the first that has a kind."""
    kind = kind_of(caller)
    if kind is not None or depth > 5 or caller not in raw:
        return kind or OTHER
    callers = raw[caller][4]
    if not callers:
        return OTHER
    busiest = max(callers, key=lambda c: callers[c][0])
    return _kind_of_caller(busiest, raw, depth + 1)


def measure(handler, targets, requests, expect="200"):
    """(ms of wall a request, ms of it inside the driver's execute, ms by
    kind under the profiler scaled to the unprofiled wall)."""
    from django.db import connection

    in_execute = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_execute[0] += time.perf_counter() - started

    with connection.execute_wrapper(timed):
        started = time.perf_counter()
        floor.one_round(handler, targets, requests, expect)
        wall = (time.perf_counter() - started) / requests
    profiler = cProfile.Profile()
    profiler.enable()
    floor.one_round(handler, targets, requests, expect)
    profiler.disable()
    own = shares(pstats.Stats(profiler))
    total = sum(own.values()) or 1.0
    by_kind = {kind: wall * seconds / total * 1e3 for kind, seconds in own.items()}
    return wall * 1e3, in_execute[0] / requests * 1e3, by_kind


def report(measured: dict, out=print):
    """A row a page: its wall, the driver's execute, then each kind's share."""
    out("")
    out("Where each page's time goes (ms a request; the kinds are the profile's shares of the unprofiled wall):")
    header = f"{'page':<16} {'wall':>6} {'execute':>8} " + " ".join(f"{SHORT[k]:>10}" for k in ORDER)
    out(header)
    out("-" * len(header))
    for page, (wall, execute, by_kind) in measured.items():
        kinds = " ".join(f"{by_kind.get(k, 0.0):10.2f}" for k in ORDER)
        out(f"{page:<16} {wall:6.2f} {execute:8.2f} {kinds}")
    out("execute: wall inside the database driver's execute, unprofiled (PostgreSQL's time and the round trip)")
    out("kinds: " + "; ".join(f"{SHORT[k]} = {k}" for k in ORDER))
