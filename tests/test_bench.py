"""The benchmark's arithmetic (bench/run.py, bench/load.py): each endpoint is
judged against the yardsticks measured beside it, and a verdict follows the
target and any error. And the yardsticks live in the bench: only its
settings route the ceiling; production does not."""

import importlib
import random
from collections import Counter

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import CoachingLink
from bench.coaches import ensure_coaches
from bench.load import Result
from bench.run import evaluate, print_table, slices
from bench.scale import compare
from bench.seed import Seeder, dataset_present
from reflections.models import Reflection
from tools.check_structure import PACKAGES


def run(name, *, requests, seconds, latency_ms, errors=None, app_cpu_ms=None):
    """A measured slice; `app_cpu_ms`: the app servers' CPU a request."""
    served = Counter({"app servers": app_cpu_ms * requests / 1000}) if app_cpu_ms else Counter()
    return Result(
        name,
        latencies=[latency_ms / 1000] * requests,
        errors=Counter(errors or {}),
        elapsed=seconds,
        client_cpu=0.1,
        served_cpu=served,
    )


def test_slices_alternate_so_a_steady_drift_weighs_on_all_alike():
    assert slices(2) == ["ceiling", "default stack", "endpoint", "endpoint", "default stack", "ceiling"]
    assert slices(1) == ["ceiling", "default stack", "endpoint"]


def test_pooled_slices_count_every_sample_over_their_whole_time():
    pooled = Result.pooled(
        "home",
        [run("home", requests=100, seconds=5, latency_ms=10), run("home", requests=300, seconds=5, latency_ms=30)],
    )

    assert pooled.requests == 400
    assert pooled.rps == 40
    assert pooled.percentile(50) == 30
    assert pooled.client_cpu == 0.2


def beside(*, ceiling=100, default_stack=100, default_stack_cpu_ms=1.0):
    return {
        "ceiling": run("ceiling", requests=ceiling, seconds=1, latency_ms=10, app_cpu_ms=1.5),
        "default stack": run(
            "default stack", requests=default_stack, seconds=1, latency_ms=5, app_cpu_ms=default_stack_cpu_ms
        ),
    }


def page(name, *, app_cpu_ms, requests=50, errors=None):
    return run(name, requests=requests, seconds=1, latency_ms=20, app_cpu_ms=app_cpu_ms, errors=errors)


def test_each_key_page_is_judged_on_its_app_server_cpu_beside_the_default_stacks():
    rows = evaluate(
        {
            "home": (page("home", app_cpu_ms=6.9), beside(default_stack_cpu_ms=1.0)),
            "answering page": (page("answering page", app_cpu_ms=10.5), beside(default_stack_cpu_ms=1.0)),
            "shared view": (page("shared view", app_cpu_ms=19.0), beside(default_stack_cpu_ms=2.0)),
            "autosave": (page("autosave", app_cpu_ms=8.0, requests=20), beside(ceiling=50, default_stack=100)),
        }
    )
    by_name = {row["endpoint"]: row for row in rows}

    assert [row["endpoint"] for row in rows[:2]] == ["ceiling (all slices)", "default stack (all slices)"]
    assert (by_name["home"]["cpu_ratio_default_stack"], by_name["home"]["passed"]) == (6.9, True)
    assert (by_name["answering page"]["cpu_ratio_default_stack"], by_name["answering page"]["passed"]) == (10.5, False)
    # Each page beside its own yardstick: 19 ms against 2 ms is 9.5 times.
    assert (by_name["shared view"]["cpu_ratio_default_stack"], by_name["shared view"]["passed"]) == (9.5, True)
    # Fewer requests a second than the yardstick is no failure by itself.
    assert by_name["autosave"]["rps_ratio_default_stack"] == 0.2 and by_name["autosave"]["passed"] is True
    assert by_name["autosave"]["rps_ratio_ceiling"] == 0.4 and by_name["autosave"]["p95_ratio_ceiling"] == 2.0


def test_home_has_a_tighter_target_than_the_other_key_pages():
    rows = evaluate(
        {
            "home": (page("home", app_cpu_ms=8.0), beside()),
            "shared view": (page("shared view", app_cpu_ms=8.0), beside()),
        }
    )

    assert [row["passed"] for row in rows[2:]] == [False, True]


def test_a_page_without_a_target_is_measured_and_reported_not_judged():
    (_, _, together) = evaluate({"together mode": (page("together mode", app_cpu_ms=30.0), beside())})

    assert together["cpu_ratio_default_stack"] == 30.0
    assert (together["target"], together["passed"]) == (None, None)


def test_a_page_whose_cpu_was_not_measured_fails():
    (_, _, home) = evaluate({"home": (run("home", requests=90, seconds=1, latency_ms=10), beside())})

    assert home["cpu_ratio_default_stack"] is None and home["passed"] is False


def test_an_error_fails_an_endpoint_that_is_cheap_enough():
    rows = evaluate({"home": (page("home", app_cpu_ms=2.0, errors={"500": 1}), beside())})

    assert rows[2]["cpu_ratio_default_stack"] < 7 and rows[2]["passed"] is False


def test_an_error_in_a_yardstick_fails_the_endpoint_beside_it():
    yardsticks = beside()
    yardsticks["default stack"].errors["502"] += 1

    rows = evaluate({"home": (page("home", app_cpu_ms=2.0), yardsticks)})

    assert rows[2]["passed"] is False


def test_the_table_shows_the_cpu_ratio_and_each_verdict():
    rows = evaluate(
        {
            "home": (page("home", app_cpu_ms=6.0), beside()),
            "together mode": (page("together mode", app_cpu_ms=12.0), beside()),
        }
    )
    printed = []

    print_table(rows, out=printed.append)

    home = next(line for line in printed if line.startswith("home"))
    together = next(line for line in printed if line.startswith("together mode"))
    assert "6.0x" in home and "PASS (app-server CPU <= 7x the default stack's)" in home
    assert "12.0x" in together and together.endswith("(reported)")


@pytest.mark.django_db
def test_production_does_not_route_the_ceiling(client):
    assert client.get("/bench/ceiling/").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("ceiling")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_bench_urls_route_the_ceiling_and_every_production_page(client):
    response = client.get(reverse("ceiling"))
    assert reverse("ceiling") == "/bench/ceiling/"
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Security-Policy" in response  # the same middleware as every page
    assert client.get("/healthz").status_code == 200
    assert reverse("healthz") == "/healthz"


def test_the_bench_settings_are_production_settings_with_the_bench_urls():
    production, bench = importlib.import_module("config.settings"), importlib.import_module("bench.settings")
    names = {name for name in {*dir(production), *dir(bench)} if name.isupper() and not name.startswith("_")}
    differ = {name for name in names if getattr(production, name, None) != getattr(bench, name, None)}
    assert differ == {"ROOT_URLCONF"}
    assert bench.ROOT_URLCONF == "bench.urls"


def test_the_bench_urls_keep_productions_error_pages():
    """Django reads handlerXXX from ROOT_URLCONF only: one added to
    config/urls.py must be named in bench/urls.py too."""
    production, bench = importlib.import_module("config.urls"), importlib.import_module("bench.urls")
    handlers = {name for name in {*dir(production), *dir(bench)} if name.startswith("handler")}
    assert handlers == {"handler500"}
    assert {name: getattr(bench, name, None) for name in handlers} == {
        name: getattr(production, name) for name in handlers
    }


def test_the_default_stack_yardstick_is_a_fresh_project_on_the_benchs_database_and_cache():
    bench, default = importlib.import_module("bench.settings"), importlib.import_module("bench.default_stack")
    for name in ("DATABASES", "CACHES", "SESSION_ENGINE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"):
        assert getattr(default, name) == getattr(bench, name), name
    assert default.MIDDLEWARE[1] == "django.contrib.sessions.middleware.SessionMiddleware"
    own = (*(f"{app}." for app in PACKAGES), "allauth", "django_htmx", "whitenoise")
    assert not [path for path in default.MIDDLEWARE + default.INSTALLED_APPS if path.startswith(own)]
    assert default.STATIC_ROOT != bench.STATIC_ROOT


def bench_report(**endpoints):
    """A bench run's JSON as bench.scale reads it: {endpoint: (rps, ratio, errors)}."""
    return {
        "endpoints": [
            {"endpoint": "ceiling (all slices)", "rps": 300, "errors": {}},
            *(
                {
                    "endpoint": name,
                    "rps": rps,
                    "rps_ratio_default_stack": ratio,
                    "errors": {"500": errors} if errors else {},
                }
                for name, (rps, ratio, errors) in endpoints.items()
            ),
        ]
    }


def pages_report(**queries):
    return {"pages": {name: {"wall_ms": 1.0, "cpu_ms": 1.0, "queries": count} for name, count in queries.items()}}


def test_scale_judges_each_endpoints_ratio_to_the_default_stack_and_its_queries():
    small = (bench_report(home=(200, 0.5, 0), shared=(150, 0.4, 0)), pages_report(home=6.0, shared=9.0))
    large = (bench_report(home=(150, 0.46, 0), shared=(160, 0.35, 0)), pages_report(home=6.0, shared=10.0))

    rows = {row["endpoint"]: row for row in compare(small, large)}

    # home's raw rps fell by a quarter (drift between runs), its ratio by 8 %: within 10 %.
    assert (rows["home"]["change"], rows["home"]["passed"]) == (-0.08, True)
    assert (rows["shared"]["change"], rows["shared"]["passed"]) == (-0.125, False)
    assert rows["home (queries)"]["passed"] is True
    assert (rows["shared (queries)"]["queries"], rows["shared (queries)"]["passed"]) == ([9.0, 10.0], False)


def test_scale_fails_an_endpoint_with_errors_in_either_run():
    small = (bench_report(home=(200, 0.5, 0)), pages_report())
    large = (bench_report(home=(200, 0.5, 3)), pages_report())

    (row,) = compare(small, large)

    assert row["change"] == 0 and row["passed"] is False


def with_poll(report, achieved_rps, p95_ms, passed):
    poll = {"endpoint": "status poll, 5000 tabs", "achieved_rps": achieved_rps, "p95_ms": p95_ms, "passed": passed}
    return {**report, "live_status": [poll, {"endpoint": "changes (autosave)", "passed": True}]}


def test_scale_judges_the_poll_on_its_answered_rate_and_its_p95_at_both_sizes():
    small = (with_poll(bench_report(), 1240, 30, True), pages_report())
    kept_up = (with_poll(bench_report(), 1200, 60, True), pages_report())
    fell_behind = (with_poll(bench_report(), 1000, 90, True), pages_report())
    too_slow = (with_poll(bench_report(), 1240, 300, False), pages_report())

    def verdict(large):
        (row,) = compare(small, large)
        return row["endpoint"], row["passed"]

    assert verdict(kept_up) == ("status poll, 5000 tabs", True)
    assert verdict(fell_behind) == ("status poll, 5000 tabs", False)  # answered 19 % fewer
    assert verdict(too_slow) == ("status poll, 5000 tabs", False)


def test_the_live_status_passes_on_its_p95_from_when_each_poll_was_due():
    from bench.load import OpenLoop
    from bench.run import evaluate_live

    fast = OpenLoop(
        run("status poll", requests=100, seconds=1, latency_ms=90), run("changes", requests=1, seconds=1, latency_ms=20)
    )
    slow = OpenLoop(
        run("status poll", requests=100, seconds=1, latency_ms=101),
        run("changes", requests=1, seconds=1, latency_ms=20),
    )
    failing = OpenLoop(
        run("status poll", requests=100, seconds=1, latency_ms=10, errors={"ConnectionResetError": 1}),
        run("changes", requests=1, seconds=1, latency_ms=20),
    )

    assert [row["passed"] for row in evaluate_live(fast, 400)] == [True, True]
    assert evaluate_live(slow, 400)[0]["passed"] is False
    assert evaluate_live(failing, 400)[0]["passed"] is False


def test_a_poll_url_is_read_from_the_page_as_htmx_reads_it():
    from bench.load import poll_url_in

    html = '<p id="live-status" data-poll hx-get="/reflections/3/status/?seen=yours.0.0.0&amp;live=3.4.ab.cd%3Aef">'

    assert poll_url_in(html) == "/reflections/3/status/?seen=yours.0.0.0&live=3.4.ab.cd%3Aef"
    assert poll_url_in("<p>no poll</p>") is None


def test_a_scale_run_that_wrote_no_results_is_never_judged_by_an_older_one(tmp_path, monkeypatch):
    import bench.scale

    (tmp_path / "scale-10000.json").write_text('{"endpoints": []}')  # an earlier run's
    monkeypatch.setattr(bench.scale, "RESULTS", tmp_path)
    monkeypatch.setattr(bench.scale.subprocess, "run", lambda *args, **kwargs: None)  # a bench that stopped early

    with pytest.raises(SystemExit, match="stopped before its results"):
        bench.scale.run_bench(10_000, "postgres://postgres@127.0.0.1:5432/twofold_bench", [])

    assert not (tmp_path / "scale-10000.json").exists()


@pytest.mark.django_db
def test_the_bench_coaches_have_clients_with_assigned_and_shared_reflections(client):
    """The coach's dashboard is measured as a coach with a practice sees it."""
    Seeder(random.Random(3), out=lambda *_: None).run(12)

    coaches = ensure_coaches(count=2, clients_each=3, out=lambda *_: None)
    assert ensure_coaches(count=2, clients_each=3, out=lambda *_: None) == coaches  # once
    assert dataset_present(12)  # the coaches beside them do not make the next run seed again

    for coach in coaches:
        assert CoachingLink.objects.active().filter(coach=coach).count() == 3
        assert Reflection.objects.filter(assigned_by=coach).exists()
    assert Reflection.objects.shared_with(coaches[0]).exists() or Reflection.objects.shared_with(coaches[1]).exists()
    client.force_login(coaches[0])
    assert client.get(reverse("coach:dashboard")).status_code == 200
