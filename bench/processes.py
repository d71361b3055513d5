"""The app server as /proc sees it, for the stream bench (bench/streams.py):
gunicorn's master and workers, their memory and CPU, and the open-files
limit thousands of streams need."""

import resource
from pathlib import Path

from bench import cpu

PROC = Path("/proc")


def server_pids(master_pid: int) -> list[int]:
    """gunicorn's master and its workers. Other servers may share the
    machine (another checkout's tests), so the bench reads these alone."""
    pids = [master_pid]
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master_pid:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def _kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def server_memory(master_pid: int) -> dict:
    """KiB of gunicorn's master and its workers: RSS, which counts the pages
    they share once in each of them, and PSS, which shares them out."""
    pids = server_pids(master_pid)
    return {
        "processes": len(pids),
        "rss_kib": sum(_kib(PROC / str(pid) / "status", "VmRSS:") for pid in pids),
        "pss_kib": sum(_kib(PROC / str(pid) / "smaps_rollup", "Pss:") for pid in pids),
    }


def server_cpu(master_pid: int) -> float:
    """CPU seconds gunicorn's master and workers have used so far."""
    used = 0.0
    for pid in server_pids(master_pid):
        try:
            fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used += sum(int(value) for value in fields[11:15]) / cpu.TICK
    return used


def memory_report(before: dict, opened: dict, streams: int) -> dict:
    """The memory before the streams and with them open, and a stream's share."""
    per_stream = {
        key: round((opened[key] - before[key]) / streams, 1) if streams else None for key in ("rss_kib", "pss_kib")
    }
    return {"before": before, "open": opened, "streams": streams, "per_stream_kib": per_stream}


def raise_open_files_limit():
    """One descriptor a stream on each side, more than the usual soft
    limit: raised to the hard limit here, and the servers started from
    this process inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard != resource.RLIM_INFINITY:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
