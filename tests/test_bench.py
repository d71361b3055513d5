"""The benchmark's arithmetic (bench/run.py, bench/load.py): each endpoint is
judged against the ceiling measured beside it, and a verdict follows the
targets and any error. And the ceiling lives in the bench: only
bench.settings routes it; production does not."""

import importlib
from collections import Counter

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from bench.load import Result
from bench.run import evaluate, slices


def run(name, *, requests, seconds, latency_ms, errors=None):
    return Result(
        name, latencies=[latency_ms / 1000] * requests, errors=Counter(errors or {}), elapsed=seconds, client_cpu=0.1
    )


def test_slices_alternate_so_a_steady_drift_weighs_on_both_alike():
    assert slices(4) == ["ceiling", "endpoint", "endpoint", "ceiling", "ceiling", "endpoint", "endpoint", "ceiling"]
    assert slices(1) == ["ceiling", "endpoint"]


def test_pooled_slices_count_every_sample_over_their_whole_time():
    pooled = Result.pooled(
        "home",
        [run("home", requests=100, seconds=5, latency_ms=10), run("home", requests=300, seconds=5, latency_ms=30)],
    )

    assert pooled.requests == 400
    assert pooled.rps == 40
    assert pooled.percentile(50) == 30
    assert pooled.client_cpu == 0.2


def test_each_endpoint_is_judged_against_the_ceiling_beside_it():
    rows = evaluate(
        {
            "home": (
                run("home", requests=60, seconds=1, latency_ms=20),
                run("ceiling", requests=100, seconds=1, latency_ms=10),
            ),
            "shared view": (
                run("shared view", requests=40, seconds=1, latency_ms=20),
                run("ceiling", requests=100, seconds=1, latency_ms=10),
            ),
            "autosave": (
                run("autosave", requests=50, seconds=1, latency_ms=25),
                run("ceiling", requests=300, seconds=1, latency_ms=10),
            ),
        }
    )
    by_name = {row["endpoint"]: row for row in rows}

    assert rows[0]["endpoint"] == "ceiling (all slices)" and rows[0]["requests"] == 500
    assert (by_name["home"]["rps_ratio"], by_name["home"]["passed"]) == (0.6, True)
    assert (by_name["shared view"]["rps_ratio"], by_name["shared view"]["passed"]) == (0.4, False)
    assert (by_name["autosave"]["p95_ratio"], by_name["autosave"]["passed"]) == (2.5, False)
    assert by_name["home"]["ceiling"]["rps"] == 100


def test_an_error_fails_an_endpoint_that_is_fast_enough():
    rows = evaluate(
        {
            "home": (
                run("home", requests=90, seconds=1, latency_ms=10, errors={"500": 1}),
                run("ceiling", requests=100, seconds=1, latency_ms=10),
            )
        }
    )

    assert rows[1]["rps_ratio"] >= 0.5 and rows[1]["passed"] is False


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
