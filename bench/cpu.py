"""Whose CPU a served request takes: the app servers', PostgreSQL's,
Redis's and the whole machine's, read from /proc around each slice.

In-process figures (bench/pages.py) leave out what serving adds: the HTTP
server, PostgreSQL's and Redis's own processes, and five workers sharing two
cores. This reads every process's user and system time before and after a
slice and sums them by who they are, so `make bench` can say how many
milliseconds of each a request cost while served.

A process that ends within a slice (a gunicorn worker recycled after
max_requests, a database connection closed) is counted through its parent,
which the kernel credits with a reaped child's time. A process that ends
unreaped by a watched parent takes its time with it, so the figures can
only be low. Linux only; elsewhere nothing is read and nothing is reported.
"""

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
MACHINE = "the machine"


def group_of(command: str, name: str) -> str | None:
    """Who a process is, by its command line and its name."""
    if "gunicorn" in command:
        return "app servers"
    if name == "postgres":
        return "PostgreSQL"
    if name.startswith("redis-server"):
        return "Redis"
    return None


@dataclass
class Snapshot:
    """Each watched process's CPU seconds so far (its own, and its reaped
    children's), and the machine's busy seconds."""

    processes: dict = field(default_factory=dict)  # pid: (group, own, reaped children's)
    machine: float = 0.0


def snapshot() -> Snapshot:
    taken = Snapshot(machine=machine_busy())
    if not PROC.is_dir():
        return taken
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
        utime, stime, cutime, cstime = (int(v) / TICK for v in fields[11:15])
        taken.processes[int(entry.name)] = (group, utime + stime, cutime + cstime)
    return taken


def machine_busy() -> float:
    """Seconds every core has spent not idle since boot (/proc/stat)."""
    try:
        first = (PROC / "stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK


def used_between(before: Snapshot, after: Snapshot) -> Counter:
    """What each group used between two snapshots. A process that ended and
    was reaped by a watched parent (a recycled gunicorn worker, a closed
    PostgreSQL connection) moved its whole time into the parent's reaped
    children's: that, less what it had used before, is its part."""
    used = Counter()
    for pid, (group, own, reaped) in after.processes.items():
        was_own, was_reaped = before.processes.get(pid, (group, 0.0, 0.0))[1:]
        used[group] += own - was_own + reaped - was_reaped
    for pid, (group, own, _) in before.processes.items():
        if pid not in after.processes:
            used[group] -= own
    for group in list(used):
        used[group] = max(0.0, used[group])
    used[MACHINE] = max(0.0, after.machine - before.machine)
    return used
