"""The open pages' event streams under load (`make bench`, --suite streams).

Every open reflection page holds one server-sent-event stream
(reflections/streams.py) and fetches its status line when the stream says
`ready` or `status`. This opens --open-pages of them from this one process
(5,000 by default, one a person: the answering page of a reflection in
progress), each as a page does: the stream, then on `ready` its status line.
Then, for --seconds, a partner changes something at --change-rate of the
open pages a second (1 %, at Poisson times drawn in advance): each change
is timed from the moment its request is sent until the other partner's
stream says `status`, and until that page's status fetch has returned.
Last, every stream stays open for --idle-seconds with nothing changing,
and the bench reads what the app servers did meanwhile: the requests in
their log and their CPU. Their memory (gunicorn's master and workers, from
/proc) is read before the streams open and once all are open.

A stream is one GET written by hand on an asyncio connection and a reader
of its chunks, and each status fetch and change is one request on a
connection of its own, as from the many browsers they stand for
(bench/wire.py): httpx would cost this process more of the two cores than
the server takes for them. A connection a request is harsher on the
server than a browser's kept-alive one, and lets every worker take its
share, as the many browsers' connections would.

A change is the partner's htmx autosave, emptying their answer to one text
prompt or writing it again, so the count the page shows moves by one and
the app tells that page (reflections/live.py). A page waits for one change
at a time, so each event belongs to the change before it.

Target: the event reaches the partner's open page with p95 ≤ 1 s, no
stream ends while held, every change's event arrives within 10 s (else it
is lost), and the idle window sees no request at all.
"""

import asyncio
import json
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import cpu
from bench.load import TIMEOUT, Autosave, Result, VirtualUser, status_url_in
from bench.processes import memory_report, server_cpu, server_memory
from bench.wire import FAILURES, HEARTBEAT, StreamRefused, chunks, open_stream, send, split_events

EVENT_P95_TARGET_MS = 1000
LOST_AFTER_S = 10
READY, STATUS, CLOSED = "ready", "status", "closed"
EVENT_ROW = "event at the partner's page"
IDLE_ROW = "idle window"
# Streams opened at a time: enough to keep the workers busy, few enough
# that each opening is timed rather than queued behind thousands.
OPENING_AT_ONCE = 32
WARM_UP_PAGES = 100


# -- the pages ---------------------------------------------------------------------


@dataclass(eq=False)
class Page:
    """One open answering page: whose it is, whose changes it shows, and
    what it holds now."""

    viewer: VirtualUser
    partner: VirtualUser
    status_url: str = ""  # the status line's fetch, with the fingerprint it shows
    heartbeats: int = 0
    holding: asyncio.Task | None = None  # the task that reads its stream
    ready: asyncio.Future | None = None  # the loop's time of the stream's `ready`
    awaited: asyncio.Future | None = None  # the event a change in flight waits for
    sent_at: float = 0.0  # when that change was sent
    busy: bool = False  # a change is in flight, its event awaited or its fetch
    ended: str = ""  # why the stream ended, if it did

    @property
    def stream_path(self):
        return f"/reflections/{self.viewer.answering_pk}/events/"


def pages_of(people: list[VirtualUser], count: int) -> list[Page]:
    """One page for each of the first `count` people, showing their partner:
    the other person on the same reflection in progress."""
    on = {}
    for person in people:
        on.setdefault(person.answering_pk, []).append(person)
    pages = []
    for person in people[:count]:
        (partner,) = [other for other in on[person.answering_pk] if other is not person]
        pages.append(Page(person, partner, status_url=f"/reflections/{person.answering_pk}/status/"))
    return pages


class AnswerToggle(Autosave):
    """The partner's change: their answer emptied when they have one (an
    emptied answer is no answer, and its version goes to 0), written
    again when they have none, so the count their partner sees moves."""

    name = "partner's change (autosave)"

    def request(self, user):
        request = super().request(user)
        if user.version > 0:
            request["data"][f"p{user.prompt_pk}-text"] = ""
        return request


# -- the run -----------------------------------------------------------------------


@dataclass
class StreamRun:
    """What one run of the streams measured."""

    pages: int  # asked to open
    opened: Result = field(default_factory=lambda: Result("opening, until ready"))
    first_fetches: Result = field(default_factory=lambda: Result("status fetch on ready"))
    changes: Result = field(default_factory=lambda: Result(AnswerToggle.name))
    events: Result = field(default_factory=lambda: Result(EVENT_ROW))
    fetches: Result = field(default_factory=lambda: Result("status fetched after it"))
    asked_rate: float = 0.0  # changes a second
    dropped: Counter = field(default_factory=Counter)  # why held streams ended
    lost: int = 0  # changes whose event did not come within LOST_AFTER_S of being sent
    unasked: int = 0  # status events no change was waiting for
    skipped: int = 0  # changes due when every page tried was busy
    opening_server_cpu: float = 0.0  # the app server's CPU seconds while the pages opened
    changing_server_cpu: float = 0.0  # the same while the changes ran
    changing_machine_cpu: float = 0.0  # every core's busy seconds meanwhile, whoever used them
    memory: dict = field(default_factory=dict)
    idle: dict = field(default_factory=dict)

    def app_server_cpu(self) -> dict:
        """The app server's CPU: ms a page opened (its stream and status
        line), ms a change (the save and the page's fetch), and its share of
        one core while the changes ran, beside the whole machine's (two
        cores are 2.0), whoever used it."""
        opened, changes, elapsed = len(self.opened.latencies), len(self.changes.latencies), self.changes.elapsed
        return {
            "ms_a_page_opened": round(self.opening_server_cpu / opened * 1e3, 2) if opened else None,
            "ms_a_change": round(self.changing_server_cpu / changes * 1e3, 2) if changes else None,
            "share_while_changing": round(self.changing_server_cpu / elapsed, 3) if elapsed else None,
            "machine_while_changing": round(self.changing_machine_cpu / elapsed, 3) if elapsed else None,
        }


class Streams:
    """The open pages of one run, on one app server, and what they saw."""

    def __init__(self, base_url: str, pages: list[Page], run: StreamRun):
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.pages, self.run = pages, run
        self.loop = asyncio.get_running_loop()
        self.toggle = AnswerToggle()
        self.tasks = []

    async def hold(self, page: Page):
        """The page's stream, from its opening until the bench closes it."""
        writer = None
        try:
            reader, writer = await open_stream(self.host, self.port, page.stream_path, page.viewer.session_cookie)
            buffer = b""
            async for chunk in chunks(reader):
                names, buffer = split_events(buffer + chunk)
                if CLOSED in names:
                    raise StreamRefused("the app closed it")
                for name in names:
                    self.heard(page, name)
            why = "ended by the server"
        except (*FAILURES, StreamRefused) as error:
            why = f"{type(error).__name__}: {error}"[:200]
        finally:
            if writer is not None:
                writer.close()
        page.ended = why
        if page.ready.done():
            self.run.dropped[why] += 1
        else:
            page.ready.set_exception(StreamRefused(why))

    def heard(self, page: Page, name: str):
        now = self.loop.time()
        if name == READY and not page.ready.done():
            page.ready.set_result(now)
        elif name == STATUS:
            if page.awaited is not None and not page.awaited.done():
                self.run.events.latencies.append(now - page.sent_at)
                page.awaited.set_result(now)
            else:
                self.run.unasked += 1
        elif name == HEARTBEAT:
            page.heartbeats += 1

    async def open_page(self, page: Page, gate: asyncio.Semaphore):
        """As a page does: the stream, and on `ready` its status line."""
        async with gate:
            started = self.loop.time()
            page.ready = self.loop.create_future()
            page.holding = asyncio.create_task(self.hold(page))
            self.tasks.append(page.holding)
            try:
                ready_at = await asyncio.wait_for(asyncio.shield(page.ready), TIMEOUT.read)
            except (StreamRefused, TimeoutError) as error:
                page.holding.cancel()  # a page that never opened stays out of the run
                page.ended = page.ended or "never ready"
                self.run.opened.add_error(type(error).__name__, str(error))
                return
            self.run.opened.latencies.append(ready_at - started)
            await self.fetch_status(page, self.run.first_fetches, since=ready_at)

    async def fetch_status(self, page: Page, result: Result, *, since: float):
        """The page's status line, as htmx fetches it: 204 when unchanged, else
        the new line, whose fetch (with its new fingerprint) the page keeps."""
        headers = {"Cookie": page.viewer.session_cookie, "HX-Request": "true"}
        request = {"method": "GET", "url": page.status_url, "headers": headers}
        try:
            async with asyncio.timeout(TIMEOUT.read):
                response = await send(self.host, self.port, request)
        except FAILURES as error:
            result.add_error(type(error).__name__, str(error))
            return
        if response.status_code == 200 and (url := status_url_in(response.text)):
            page.status_url = url
        elif response.status_code != 204:
            result.add_error(str(response.status_code), response.text)
            return
        result.latencies.append(self.loop.time() - since)

    async def open_all(self):
        started, cpu_started = self.loop.time(), time.process_time()
        gate = asyncio.Semaphore(OPENING_AT_ONCE)
        await asyncio.gather(*(self.open_page(page, gate) for page in self.pages))
        for result in (self.run.opened, self.run.first_fetches):
            result.elapsed = self.loop.time() - started
            result.client_cpu = time.process_time() - cpu_started

    async def change(self, page: Page):
        """The partner's change, the event it should bring the page, and the
        page's fetch of its new status line. The page stays busy (its caller
        marked it) until all three are done."""
        page.awaited = awaited = self.loop.create_future()
        request = self.toggle.request(page.partner)
        page.sent_at = sent = self.loop.time()
        try:
            try:
                async with asyncio.timeout(TIMEOUT.read):
                    response = await send(self.host, self.port, request)
            except FAILURES as error:
                self.run.changes.add_error(type(error).__name__, str(error))
                return
            problem = self.toggle.check(page.partner, response)
            if problem:
                self.run.changes.add_error(*problem)
                return
            self.run.changes.latencies.append(self.loop.time() - sent)
            # Waited for as long again after a slow answer, so its event is
            # timed too; one heard too late still counts as lost.
            try:
                heard_at = await asyncio.wait_for(awaited, LOST_AFTER_S)
            except TimeoutError:
                self.run.lost += 1
                return
            if heard_at - sent > LOST_AFTER_S:
                self.run.lost += 1
            await self.fetch_status(page, self.run.fetches, since=sent)
        finally:
            page.awaited, page.busy = None, False

    def free_page(self, rng: random.Random) -> Page | None:
        """A random open page with no change of its own in flight."""
        for _ in range(20):
            page = rng.choice(self.pages)
            if not page.busy and not page.ended and page.ready.done() and not page.ready.exception():
                return page
        return None

    async def change_for(self, seconds: float, rate: float, rng: random.Random):
        """Changes at Poisson times, `rate` a second for `seconds`, each sent
        when due whatever the earlier ones are doing; then waits for the
        last ones' events."""
        tasks = set()
        started, cpu_started = self.loop.time(), time.process_time()
        due = started
        while (due := due + rng.expovariate(rate)) - started < seconds:
            if (delay := due - self.loop.time()) > 0:
                await asyncio.sleep(delay)
            page = self.free_page(rng)
            if page is None:
                self.run.skipped += 1
                continue
            page.busy = True  # now, not when the task starts: a late loop picks several at once
            task = asyncio.create_task(self.change(page))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
        for result in (self.run.changes, self.run.events, self.run.fetches):
            result.elapsed = self.loop.time() - started
            result.client_cpu = time.process_time() - cpu_started

    async def idle(self, seconds: float, server, server_log: Path) -> dict:
        """Nothing changes for `seconds`: what the app server did meanwhile."""
        log_from = server_log.stat().st_size
        heartbeats = sum(page.heartbeats for page in self.pages)
        server_started, machine_started = server_cpu(server.process.pid), cpu.machine_busy()
        cpu_started = time.process_time()
        await asyncio.sleep(seconds)
        server_used = server_cpu(server.process.pid) - server_started
        machine_used = cpu.machine_busy() - machine_started
        with open(server_log, "rb") as log:
            log.seek(log_from)
            requests = logged_requests(log.read().decode(errors="replace").splitlines())
        return {
            "endpoint": IDLE_ROW,
            "seconds": seconds,
            "open_streams": sum(1 for page in self.pages if page.ready.done() and not page.ended),
            "requests": sum(requests.values()),
            "requests_seen": dict(requests.most_common(10)),
            "heartbeats": sum(page.heartbeats for page in self.pages) - heartbeats,
            "app_server_cpu_share": round(server_used / seconds, 4),
            "client_cpu_share": round((time.process_time() - cpu_started) / seconds, 4),
            "machine_cpu_share": round(machine_used / seconds, 4),
            "target": "no requests",
            "passed": not requests,
        }

    async def close(self):
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def logged_requests(lines: list[str]) -> Counter:
    """{"GET /reflections/3/events/ 200": count} of the request log's lines
    (config/logs.py) among `lines`; anything else in the log is not a request."""
    seen = Counter()
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("logger") == "twofold.request":
            seen[f"{record.get('method')} {record.get('path')} {record.get('status')}"] += 1
    return seen


# -- measuring and judging ---------------------------------------------------------


async def measure(server, people: list[VirtualUser], args, server_log: Path, out=print) -> StreamRun:
    """Opens the pages on `server` (tools.servers.AppServer), changes, idles."""
    pages = pages_of(people, args.open_pages)
    if len(pages) < args.open_pages:
        raise SystemExit(f"Only {len(pages)} people qualify for {args.open_pages} open pages; seed more couples.")
    for page in pages:
        # Django keeps no record of the CSRF secrets it hands out: one made
        # here is what the page's cookie would hold, without 5,000 page reads.
        page.partner.csrf_token = page.partner.csrf_token or secrets.token_hex(16)
    run = StreamRun(pages=len(pages), asked_rate=len(pages) * args.change_rate)
    # Every worker serves streams and status lines before its memory is
    # read, so the figure is the streams' and not a cold worker's first requests.
    warm_up = Streams(server.url, pages_of(people, WARM_UP_PAGES), StreamRun(pages=WARM_UP_PAGES))
    await warm_up.open_all()
    await warm_up.close()
    await asyncio.sleep(1)  # the server lets the closed streams go
    streams = Streams(server.url, pages, run)
    memory_before, cpu_before = server_memory(server.process.pid), server_cpu(server.process.pid)
    out(f"Streams: opening {len(pages):,} pages ({OPENING_AT_ONCE} at a time), each then fetching its status ...")
    await streams.open_all()
    run.opening_server_cpu = server_cpu(server.process.pid) - cpu_before
    opened = len(run.opened.latencies)
    run.memory = memory_report(memory_before, server_memory(server.process.pid), opened)
    out(
        f"  {opened:,} open in {run.opened.elapsed:.0f} s; the app server used"
        f" {run.app_server_cpu()['ms_a_page_opened']} ms of CPU a page, the client"
        f" {run.opened.client_cpu / run.opened.elapsed:.0%} of a core"
    )
    out(f"Changing {run.asked_rate:.0f} pages a second (Poisson) for {args.seconds:g} s ...")
    cpu_before, machine_before = server_cpu(server.process.pid), cpu.machine_busy()
    await streams.change_for(args.seconds, run.asked_rate, random.Random(11))
    run.changing_server_cpu = server_cpu(server.process.pid) - cpu_before
    run.changing_machine_cpu = cpu.machine_busy() - machine_before
    used = run.app_server_cpu()
    out(
        f"  {len(run.changes.latencies):,} changes; the app server used {used['ms_a_change']} ms of CPU a change,"
        f" {used['share_while_changing']:.0%} of a core, the client"
        f" {run.changes.client_cpu / run.changes.elapsed:.0%}; the machine's cores were busy"
        f" {used['machine_while_changing']:.0%} of 200 %, whoever used them"
    )
    out(f"Holding every stream with nothing changing for {args.idle_seconds:g} s ...")
    run.idle = await streams.idle(args.idle_seconds, server, server_log)
    await streams.close()
    return run


def events_pass(p95_ms: float, *, dropped: int, lost: int, failed_to_open: int) -> bool:
    """The issue's target: p95 within a second, every stream held, every event
    heard. No events at all is no pass (the p95 of nothing is NaN)."""
    return p95_ms <= EVENT_P95_TARGET_MS and not dropped and not lost and not failed_to_open


def evaluate(run: StreamRun) -> list[dict]:
    """The rows for the table and the JSON: each step a page takes, its
    latencies and errors (any error fails it), the event judged against
    the target, and the idle window (any request fails it)."""
    rows = []
    for result in (run.opened, run.first_fetches, run.changes, run.events, run.fetches):
        errors = sum(result.errors.values())
        rows.append({"endpoint": result.name, **result.summary(), "target": "no errors", "passed": not errors})
    events = rows[3]
    failed_to_open = sum(run.opened.errors.values())
    events.update(
        pages=run.pages,
        opened=len(run.opened.latencies),
        asked_rps=round(run.asked_rate, 1),
        dropped=sum(run.dropped.values()),
        dropped_why=dict(run.dropped.most_common(5)),
        lost=run.lost,
        unasked=run.unasked,
        skipped=run.skipped,
        app_server_cpu=run.app_server_cpu(),
        target=f"p95 <= {EVENT_P95_TARGET_MS} ms, none dropped or lost",
        passed=events_pass(
            events["p95_ms"], dropped=sum(run.dropped.values()), lost=run.lost, failed_to_open=failed_to_open
        ),
    )
    if run.idle:
        rows.append(run.idle)
    return rows


def print_table(rows: list[dict], memory: dict, out=print):
    events = next(row for row in rows if row["endpoint"] == EVENT_ROW)
    title = f"streams, {events['pages']:,} pages"
    header = f"{title:<32} {'count':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  verdict"
    out("")
    out(header)
    out("-" * len(header))
    for row in rows:
        if row["endpoint"] == IDLE_ROW:
            continue
        errors = sum(row["errors"].values())
        verdict = f"{'PASS' if row['passed'] else 'FAIL'} ({row['target']})"
        out(
            f"{row['endpoint']:<32} {row['requests']:>7} {errors:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}"
            f" {row['p99_ms']:>8.1f}  {verdict}"
        )
    out("-" * len(header))
    out("the event and the fetch after it are timed from when the change was sent")
    out(
        f"opened {events['opened']:,} of {events['pages']:,}; dropped while held: {events['dropped']};"
        f" lost (not heard within {LOST_AFTER_S} s): {events['lost']}; status events no change asked for:"
        f" {events['unasked']}; changes asked {events['asked_rps']}/s, skipped (every page tried busy):"
        f" {events['skipped']}"
    )
    for why, count in events["dropped_why"].items():
        out(f"  dropped {count}: {why}")
    if memory:
        before, opened, share = memory["before"], memory["open"], memory["per_stream_kib"]
        out(
            f"app servers' memory, gunicorn's {opened['processes']} processes: RSS {before['rss_kib'] / 1024:.0f} MiB"
            f" before, {opened['rss_kib'] / 1024:.0f} MiB with {memory['streams']:,} streams open,"
            f" {share['rss_kib']:.1f} KiB a stream (PSS {before['pss_kib'] / 1024:.0f} to"
            f" {opened['pss_kib'] / 1024:.0f} MiB, {share['pss_kib']:.1f} KiB a stream)"
        )
    idle = next((row for row in rows if row["endpoint"] == IDLE_ROW), None)
    if idle:
        out(
            f"idle {idle['seconds']:g} s with {idle['open_streams']:,} streams open: {idle['requests']} requests"
            f" to the app server ({'PASS' if idle['passed'] else 'FAIL'}: {idle['target']}),"
            f" {idle['heartbeats']:,} heartbeats; CPU as a share of one core: the app server"
            f" {idle['app_server_cpu_share']:.1%}, this client {idle['client_cpu_share']:.1%},"
            f" the whole machine {idle['machine_cpu_share']:.1%} (whoever used it)"
        )
        for seen, count in idle["requests_seen"].items():
            out(f"  during the idle window: {count} x {seen}")
    for row in rows:
        for sample in row.get("error_samples", []):
            out(f"  error on {row['endpoint']}: {sample}")
