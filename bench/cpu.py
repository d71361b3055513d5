"""Whose CPU a served request takes: the app servers', PostgreSQL's,
Redis's and the whole machine's, read from /proc around each slice.

In-process figures (bench/pages.py) leave out what serving adds: the HTTP
server, PostgreSQL's and Redis's own processes, and five workers sharing two
cores. This reads every process's user and system time before and after a
slice and sums them by who they are, so `make bench` can say how many
milliseconds of each a request cost while served.

A process that ends during a slice (a gunicorn worker recycled after
max_requests, a database connection closed) takes its time with it: the
figures can only be low, by at most one worker's slice now and then.
Linux only; elsewhere nothing is read and nothing is reported.
"""

import os
from collections import Counter
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
MACHINE = "the machine"


def group_of(command: str, name: str) -> str | None:
    """Who a process is, by its command line and its name."""
    if "gunicorn" in command or "bin/serve-live" in command or "uvicorn" in command:
        return "app servers"
    if name == "postgres":
        return "PostgreSQL"
    if name.startswith("redis-server"):
        return "Redis"
    return None


def snapshot() -> Counter:
    """CPU seconds used so far, by group, and the machine's busy seconds."""
    used = Counter()
    if not PROC.is_dir():
        return used
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        group = group_of(command, name)
        if group is None:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        used[group] += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    used[MACHINE] = machine_busy()
    return used


def machine_busy() -> float:
    """Seconds every core has spent not idle since boot (/proc/stat)."""
    try:
        first = (PROC / "stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK


def used_between(before: Counter, after: Counter) -> Counter:
    """What each group used between two snapshots (never below zero)."""
    return Counter({group: max(0.0, after[group] - before[group]) for group in after})
