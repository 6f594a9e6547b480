"""No health value, note or free text ever reaches a log line."""

import contextlib
import datetime
import logging

import pytest
from django.utils import timezone

from pcb_site.logging import RedactQueryStrings

pytestmark = pytest.mark.django_db

NOTE = "Canary: the heron on the quiet canal"
EDITED = "Canary edit: seven paper lanterns"
SECRETS = [NOTE, EDITED, "heron", "lanterns", "dark_red", "itching_or_burning", "copper_iud"]


def test_a_whole_diary_session_logs_nothing_that_was_entered(client, caplog, settings):
    settings.DEBUG = True  # the most talkative setting: SQL and all
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    now = timezone.localtime()
    client.post(
        "/accounts/signup/",
        {"username": "willowtree", "password1": "quiet-canal-99x", "password2": "quiet-canal-99x"},
    )
    client.post("/diary/profile/", {"year_of_birth": "1991", "contraception": "copper_iud"})
    for hours in (30, 2):
        client.post(
            "/diary/new/",
            {
                "occurred_at": (now - datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"),
                "amount": "moderate",
                "pain_during_sex": "mild",
                "pain_after": "none",
                "faint": "no",
                "pregnancy": "no",
                "recent_procedure": "none",
                "clots": "none",
                "colour": "dark_red",
                "symptoms": ["itching_or_burning"],
                "notes": NOTE,
            },
        )
    from diary.models import Episode

    episode = Episode.objects.first()
    client.get("/diary/")
    client.get(f"/diary/{episode.pk}/")
    client.get("/diary/", {"date_from": "2020-01-01"})
    client.post(
        f"/diary/{episode.pk}/edit/",
        {
            "occurred_at": timezone.localtime(episode.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "amount": "heavy",
            "pain_during_sex": "none",
            "pain_after": "none",
            "faint": "no",
            "pregnancy": "no",
            "recent_procedure": "none",
            "clots": "none",
            "notes": EDITED,
        },
    )
    client.post("/diary/new/", {"amount": "lots", "notes": NOTE})  # bad input is logged too
    client.post("/learn/search/", {"q": "heron lanterns"}, follow=True)
    client.post("/check/", {"amount": "heavy", "age": "30", "notes": NOTE}, follow=True)
    client.post(
        "/api/v1/episodes/",
        {"occurred_at": "not a date", "amount": "heavy", "notes": NOTE},
        content_type="application/json",
    )

    assert Episode.objects.count() == 2
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "INSERT INTO" in logged and "diary_episode" in logged, "expected SQL at DEBUG"
    for secret in SECRETS:
        assert secret not in logged, secret


def test_request_log_lines_lose_their_query_strings():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /diary/?date_from=2026-01-01&q=heron HTTP/1.1", "200", "512"),
        None,
    )
    RedactQueryStrings().filter(record)
    assert record.getMessage() == '"GET /diary/?[query removed] HTTP/1.1" 200 512'


def test_production_cannot_show_debug_pages():
    import os
    import subprocess
    import sys

    from tests.helpers import REPO

    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_HTTPS": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG cannot be on together with DJANGO_HTTPS" in result.stderr


def test_error_reports_hide_every_posted_diary_and_self_check_value(rf, member):
    from django.views.debug import SafeExceptionReporterFilter

    from diary.views import log
    from knowledge.views import check

    for view, path in ((log, "/diary/new/"), (check, "/check/")):
        request = rf.post(path, {"notes": NOTE, "amount": "heavy"})
        request.user = member
        request._messages = None
        # Only the marking the decorator leaves on the request matters here.
        with contextlib.suppress(Exception):
            view(request)
        posted = SafeExceptionReporterFilter().get_post_parameters(request)
        assert NOTE not in str(posted) and "heavy" not in str(posted), path
