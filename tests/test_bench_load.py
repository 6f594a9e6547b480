"""The load benchmark's verdicts (bench/load.py): what it writes into docs/benchmarks.md
must mark every miss, and compute each ratio against the run's own ceiling. No server is
started here; the run itself is `make bench`."""

import importlib.util

import pytest

from tests.helpers import REPO

spec = importlib.util.spec_from_file_location("bench_load", REPO / "bench" / "load.py")
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)

CONTEXT = {
    "date": "2026-11-25",
    "commit": "abc123",
    "command": "make bench",
    "elapsed": 480,
    "machine": {"cores": 2, "cpu": "AMD EPYC", "memory_gib": 24, "system": "Linux"},
    "versions": {"wrk": "4.1.0"},
    "load_before": 0.5,
    "load_after": 1.5,
}


def result(name, rps, target, **figures):
    values = {"p50_ms": 5.0, "p99_ms": 20.0, "errors": 0, "requests": int(rps * 10)}
    values.update(figures)
    return load.Result(name=name, path="/", target=target, rps=rps, statuses={200: 1}, **values)


def ceilings(start=3000, end=5000):
    return [
        result("static CSS (ceiling, start)", start, load.NONE, ceiling=True),
        result("static CSS (ceiling, end)", end, load.NONE, ceiling=True),
    ]


def table_line(text, name):
    return next(line for line in text.splitlines() if line.startswith(f"| {name} |"))


def test_ratios_are_against_the_mean_of_the_two_ceilings():
    start, end = ceilings(3000, 5000)
    text = load.report(CONTEXT, [start, result("/", 2000, load.PUBLIC), end], [], 3000, 5000)
    assert "mean **4,000 req/s**" in text
    assert "| / | 2,000 | 0.50 |" in text
    assert table_line(text, "/").endswith("| pass |")


def test_a_page_below_half_the_ceiling_is_marked_miss_with_the_reason():
    start, end = ceilings(3000, 5000)
    slow = result("/learn/", 1600, load.PUBLIC, p99_ms=80.0)
    text = load.report(CONTEXT, [start, slow, end], [], 3000, 5000)
    line = table_line(text, "/learn/")
    assert "**MISS: ratio 0.40 < 0.5; p99 80.0 > 50 ms**" in line
    assert "**2 of 3 rows pass**, **1 MISS**" in text


def test_a_public_page_needs_a_thousand_requests_a_second_whatever_the_ceiling():
    # On a slow machine half the ceiling can be below 1,000 req/s: that is still a miss.
    page = result("/privacy/", 900, load.PUBLIC)
    assert load.misses(page, 1200) == ["900 < 1,000 req/s"]


@pytest.mark.parametrize(
    "figures, reason",
    [
        ({"errors": 3}, "3 errors"),
        ({"requests": 0}, "no request finished"),
    ],
)
def test_errors_or_no_finished_request_miss_even_when_fast(figures, reason):
    fast = result("POST /api/v1/triage/", 4000, load.TRIAGE, **figures)
    assert reason in load.misses(fast, 4000)
    start, end = ceilings(4000, 4000)
    text = load.report(CONTEXT, [start, fast, end], [], 4000, 4000)
    assert "MISS" in table_line(text, "POST /api/v1/triage/")


def test_a_row_whose_first_request_failed_is_a_miss_that_says_so():
    broken = result("/diary/ (1,000 episodes)", 0, load.DIARY, requests=0, errors=1)
    broken.failure = "not measured: its first request got a 500"
    start, end = ceilings(4000, 4000)
    text = load.report(CONTEXT, [start, broken, end], [], 4000, 4000)
    assert table_line(text, "/diary/ (1,000 episodes)").endswith(
        "| **MISS: not measured: its first request got a 500** |"
    )


def test_the_ceiling_itself_misses_when_it_had_errors():
    start, end = ceilings(4000, 4000)
    start.errors = 1
    text = load.report(CONTEXT, [start, end], [], 4000, 4000)
    assert "**MISS: 1 error**" in table_line(text, "static CSS (ceiling, start)")


@pytest.mark.parametrize("gzip_bytes, passes", [(29_999, True), (30_001, False), (None, False)])
def test_the_diary_must_stay_under_30_kb_of_gzip(gzip_bytes, passes):
    diary = result("/diary/ (1,000 episodes)", 400, load.DIARY, gzip_bytes=gzip_bytes)
    diary.html_bytes, diary.brotli_bytes = 148_000, 20_000
    start, end = ceilings(4000, 4000)
    text = load.report(CONTEXT, [start, diary, end], [], 4000, 4000)
    size_line = text.split("Compressed HTML")[1]
    assert ("| pass |" in size_line) is passes
    assert ("**MISS: gzip" in size_line) is not passes


def test_a_worker_over_100_mb_is_marked_miss():
    start, end = ceilings(4000, 4000)
    text = load.report(CONTEXT, [start, end], [(11, 99.0), (12, 101.5)], 4000, 4000)
    assert "| 1 (pid 11) | 99.0 | ≤ 100 MB | pass |" in text
    assert "| 2 (pid 12) | 101.5 | ≤ 100 MB | **MISS: worker 12: 101.5 MB > 100 MB** |" in text
    assert "memory: **MISS** (1 of 2 workers over 100 MB)" in text


def test_a_ceiling_that_moved_during_the_run_is_called_out():
    start, end = ceilings(3000, 4000)
    assert "the ceiling moved by 29% during the run" in load.report(
        CONTEXT, [start, end], [], 3000, 4000
    )
    start, end = ceilings(3900, 4000)
    assert "busy" not in load.report(CONTEXT, [start, end], [], 3900, 4000)


def test_a_machine_already_busy_before_the_run_is_called_out():
    start, end = ceilings(4000, 4000)
    busy = {**CONTEXT, "load_before": 7.8}
    text = load.report(busy, [start, end], [], 4000, 4000)
    assert "**The machine was busy with other work** (the load average was 7.8" in text


def test_wrk_result_line_counts_unexpected_statuses_and_socket_errors():
    output = (
        "Running 10s test @ http://127.0.0.1:8000/\n"
        'BENCH_RESULT {"requests": 20000, "duration_us": 10000000, "p50_us": 7500, '
        '"p99_us": 41000, "unexpected": 5, "connect": 0, "read": 2, "write": 0, '
        '"timeout": 1, "statuses": {"200": 19995, "302": 5}}\n'
    )
    figures = load.parse_wrk(output)
    assert figures["rps"] == 2000
    assert (figures["p50_ms"], figures["p99_ms"]) == (7.5, 41.0)
    assert figures["errors"] == 8
    assert figures["statuses"] == {200: 19995, 302: 5}


def test_the_document_keeps_what_is_outside_the_markers():
    document = (
        "# Benchmarks\n\nWritten by hand.\n\n"
        f"{load.BEGIN}\n\nold figures\n\n{load.END}\n\n## Diary pages\n\nOther bench.\n"
    )
    once = load.replace_section(document, "new figures")
    assert "old figures" not in once
    assert once.startswith("# Benchmarks\n\nWritten by hand.\n\n")
    assert once.endswith("## Diary pages\n\nOther bench.\n")
    assert f"{load.BEGIN}\n\nnew figures\n\n{load.END}" in once
    assert load.replace_section(once, "new figures") == once


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/bench/plain/", "/bench/empty-post/"])
def test_the_reference_rows_addresses_exist_only_in_the_benchmark(client, path, settings):
    """bench/settings.py adds them for the run; the site itself never serves them."""
    assert client.post(path, {}, content_type="application/json").status_code == 404
    settings.ROOT_URLCONF = "bench.urls"
    assert client.post(path, {}, content_type="application/json").status_code == 200
