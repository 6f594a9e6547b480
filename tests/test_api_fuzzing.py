"""The API fuzzed against its own schema with schemathesis: no 5xx; every answer as the schema
declares it (status code, content type, body, headers); data the schema calls invalid
refused and data it calls valid accepted; what needs a sign-in refused without one, and one
person's episode out of another's reach. Anonymously, and signed in with device tokens from
the token endpoint, as an app on a phone signs in.

The server is pytest-django's live_server, in this process: it serves the test database
(SQLite or PostgreSQL, whichever the run uses) with this test's settings, starts in no time,
and needs no migrations of its own, where a gunicorn subprocess would need a database made
and migrated for it. schemathesis runs as its command, in a process of its own, so that
the fuzzer and the server do not take turns on one interpreter lock.

The rules the schema can only state in words (a moment not in the future, filters in order)
are kept by tests/api_fuzzing_hooks.py.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.helpers import PASSWORD, REPO

pytestmark = pytest.mark.fuzz

SCHEMATHESIS = os.path.join(os.path.dirname(sys.executable), "schemathesis")
# Test cases per operation and phase. With the coverage phase's own cases and the stateful
# phase this is about 1,500 requests signed in, in about a minute on two busy cores.
MAX_EXAMPLES = 12
# A run that goes past this fails and says so, rather than holding CI up.
RUN_TIMEOUT = 240

# Operations whose valid-looking requests may get a 400 (positive_data_acceptance takes 400
# from them too), each with the reason: the rule that makes such a request wrong is one that
# the request's schema does not state. Switching the check off for one operation is ignored
# once the command names --checks all; what a check expects is not.
MAY_REFUSE_VALID_DATA = [
    (
        "POST",
        "/api/v1/auth/token/",
        "positive_data_acceptance",
        "whether a username and password are right is nothing a schema can say: a well-formed "
        "pair that is wrong is a 400",
    ),
    (
        "POST",
        "/api/v1/episodes/sealed/",
        "positive_data_acceptance",
        "an entry opens only when it was sealed to the server's key, which the fuzzer has "
        "not got: its entries are refused as unreadable (400)",
    ),
    (
        "PATCH",
        "/api/v1/episodes/{id}/",
        "positive_data_acceptance",
        "the rules hold for the episode as it will be, its stored fields included "
        "(still_bleeding true while it has a duration is refused)",
    ),
    (
        "PATCH",
        "/api/v1/profile/",
        "positive_data_acceptance",
        "the rules hold for the profile as it will be, its stored answers included "
        "(screening never while it has a date is refused)",
    ),
    (
        "POST",
        "/api/v1/import/",
        "positive_data_acceptance",
        "no two episodes of a file may share a client_id, which no schema can say (uniqueItems "
        "compares whole items), and each episode's moment must not be before the year of "
        "birth in the file's profile",
    ),
]
# What positive_data_acceptance takes from them: its own defaults and 400.
ACCEPTED = '["2xx", "3xx", "400", "401", "403", "404", "409", "429"]'


def config(tmp_path, extra=""):
    """schemathesis' configuration for one run, written where the run can read it."""
    operations = "\n".join(
        f'# {reason}.\n[[operations]]\ninclude-method = "{method}"\n'
        f'include-path = "{path}"\nchecks.{check}.expected-statuses = {ACCEPTED}\n'
        for method, path, check, reason in MAY_REFUSE_VALID_DATA
    )
    text = f"""
hooks = "tests.api_fuzzing_hooks"
# Every check schemathesis has: the command names them (--checks all).
# Deterministic: the same requests in every run, so that a failure in CI is the code's and
# not the luck of a draw, and the same command finds it again on a laptop.
[generation]
deterministic = true
max-examples = {MAX_EXAMPLES}
# A failing case is shown as found: shrinking it could take longer than the whole run.
no-shrink = true
{extra}
{operations}
"""
    path = tmp_path / "schemathesis.toml"
    path.write_text(text)
    return path


def run(live_server, tmp_path, *options, extra=""):
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(config(tmp_path, extra)),
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--checks",
        "all",
        # One worker: with more, Hypothesis' lambda descriptions race each other ("AST
        # constructor recursion depth mismatch") and the run ends in an error.
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path / "report"),
        *options,
    ]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    seconds = time.monotonic() - started
    print(result.stdout[-3000:], f"\n{seconds:.0f} s")
    assert result.returncode == 0, result.stdout + result.stderr
    # Tested, not merely loaded: an empty run would pass.
    assert " passed" in result.stdout and "Tested:" in result.stdout, result.stdout
    return result.stdout


def device_token(live_server, username, name):
    """A token from the token endpoint, as an app gets one."""
    body = json.dumps({"username": username, "password": PASSWORD, "name": name}).encode()
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/auth/token/",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


@pytest.fixture
def reachable_limits(settings, monkeypatch):
    """Limits high enough for the fuzzer's thousand requests: at 60 triage requests a minute
    (or 5 sign-in attempts) every later request would be a 429, and nothing behind the limit
    would be fuzzed. The limits themselves are tested in test_rate_limits.py and
    test_lockout.py."""
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"triage": "100000/min"})
    settings.LOGIN_FAILURE_LIMIT = 100_000


@pytest.fixture
def fuzzed_accounts(django_user_model):
    """Two people: the fuzzer works as robin, and checks that sam cannot reach robin's."""
    for username in ("robin", "sam"):
        django_user_model.objects.create_user(username=username, password=PASSWORD)


# What needs a sign-in answers 403 to anyone without one, whatever the request: the coverage
# phase's boundary cases (a thousand requests) would each get that same 403.
SIGNED_IN_ONLY = """
[[operations]]
include-tag = ["episodes", "export", "import", "offline-context", "profile"]
phases.coverage.enabled = false

[[operations]]
include-operation-id = "auth_token_destroy"
phases.coverage.enabled = false
"""


def test_anonymous_requests(live_server, tmp_path, reachable_limits):
    run(live_server, tmp_path, extra=SIGNED_IN_ONLY)


def test_signed_in_with_device_tokens(live_server, tmp_path, reachable_limits, fuzzed_accounts):
    identities = {
        "auth": [
            {
                "name": username,
                "fixedHeaders": [
                    {
                        "name": "Authorization",
                        "value": f"Token {device_token(live_server, username, 'fuzzer')}",
                    }
                ],
            }
            for username in ("robin", "sam")
        ]
    }
    (tmp_path / "identities.json").write_text(json.dumps(identities))
    auth = (
        f'[auth.wfc]\npath = "{tmp_path / "identities.json"}"\n'
        'user = "robin"\npeers = ["robin", "sam"]\n'
    )
    # The coverage phase's boundary cases of an episode's twenty fields (and of the import)
    # alone took three minutes on two busy cores: for these, random and stateful cases only.
    auth += (
        '[[operations]]\ninclude-tag = ["episodes", "import"]\nphases.coverage.enabled = false\n'
    )

    # Revoking the token it is sent with would sign the fuzzer out for the rest of the run:
    # that one operation runs last, on its own, with a token of its own.
    run(live_server, tmp_path, "--exclude-operation-id", "auth_token_destroy", extra=auth)
    last = device_token(live_server, "robin", "fuzzer, to revoke")
    run(
        live_server,
        tmp_path,
        "--include-operation-id",
        "auth_token_destroy",
        "--header",
        f"Authorization: Token {last}",
    )
