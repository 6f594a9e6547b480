"""The deployment examples in deploy/: what an administrator copies must keep the app's
promises (nothing personal in a log, no request sent twice)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
UNIT = (ROOT / "deploy" / "pcb.service").read_text()


def directives(text, name):
    """Each value of an nginx directive, comments left out."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return [m.group(1) for m in re.finditer(rf"(?m)^\s*{name}\s+([^;]+);", code)]


def test_the_proxy_logs_no_query_referrer_or_user_agent():
    (log_format,) = directives(NGINX, "log_format")
    logged = set(re.findall(r"\$\w+", log_format))
    assert "$uri" in logged  # the path alone
    assert not logged & {
        "$request",
        "$request_uri",
        "$args",
        "$query_string",
        "$is_args",
        "$http_referer",
        "$http_user_agent",
        "$request_body",
        "$http_cookie",
    }
    logs = directives(NGINX, "access_log")
    assert logs and all(line.endswith(" pcb") for line in logs), logs


def test_the_proxy_never_sends_a_post_twice():
    (retry,) = directives(NGINX, "proxy_next_upstream")
    assert "non_idempotent" not in retry


def test_the_proxy_tells_the_app_the_client_and_the_scheme():
    headers = directives(NGINX, "proxy_set_header")
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in headers
    assert "X-Forwarded-Proto $scheme" in headers


def test_the_unit_runs_gunicorn_with_the_config_in_this_folder():
    (start,) = re.findall(r"(?m)^ExecStart=(.+)$", UNIT)
    config = re.search(r"-c (\S+)", start).group(1)
    assert (ROOT / config).is_file()
    assert re.search(r"(?m)^EnvironmentFile=", UNIT)
