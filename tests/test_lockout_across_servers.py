"""With the cache in Redis, a lockout made on one app server holds on another.

Starts two real gunicorn servers on loopback that share a database file and Redis, as two
app servers behind a load balancer would.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import redis

from tests.conftest import PASSWORD, REPO

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_or_skip():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}: .ci/run starts one (apt-get install redis-server)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_servers(tmp_path):
    redis_or_skip()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"lockout-test-{uuid.uuid4().hex}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DJANGO_DEBUG", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=REPO, env=env, check=True, timeout=120)
    create = (
        "from django.contrib.auth import get_user_model as m; "
        f"m().objects.create_user('robin', password={PASSWORD!r})"
    )
    subprocess.run([*manage, "shell", "--no-imports", "-c", create], cwd=REPO, env=env, check=True)
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "pcb_site.wsgi", "-b", f"127.0.0.1:{port}"],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_until_up(url)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def wait_until_up(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


def log_in(base, password):
    """A browser's login: fetch the form (cookie and token), post it; the status code."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"username": "robin", "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=data)
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_lockout_on_one_server_holds_on_the_other(two_servers):
    first, second = two_servers
    assert log_in(second, PASSWORD) == 200  # works, then logs in and lands on home
    for _ in range(5):
        log_in(first, "wrong-password")
    assert log_in(second, PASSWORD) == 429
