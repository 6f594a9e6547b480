"""deploy/gunicorn.conf.py as a client meets it: a real gunicorn started with that file."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.helpers import REPO


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # The config file's own settings for where to listen and how many workers.
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    env.pop("DJANGO_DEBUG", None)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "pcb_site.wsgi"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_until_up(url, process, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn stopped:\n{log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url + "/health/", timeout=2).close()
            return
        except OSError:  # refused while it starts, or a read that timed out on a busy machine
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start:\n{log.read_text()[-2000:]}")


def test_responses_do_not_name_the_server_software(server):
    with urllib.request.urlopen(server + "/health/", timeout=10) as response:
        assert response.status == 200
        headers = response.headers
    assert headers.get("Server", "") == ""
    assert not any("gunicorn" in value.lower() for value in headers.values()), headers.items()
