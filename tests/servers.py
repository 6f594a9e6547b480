"""Real servers for tests that need processes of their own: gunicorn as in production, and a
PostgreSQL and a Redis private to the test, which it may stop, kill and start again without
touching the shared ones other test runs use.

Without PostgreSQL's server programs or redis-server a test that needs them is skipped,
saying what to install; .ci/run installs both and sets FAULT_SERVERS_REQUIRED=1, which turns
that skip into a failure, so CI cannot pass without running them.
"""

import glob
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
import redis

from tests.helpers import REPO


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, seconds=120):
    """Until /health/ answers 200. Generous: workers load Django and run the system checks
    as they start, slowly on a busy 2-core machine."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health/", timeout=2)
            return
        except OSError:  # refused while it starts, or a read that timed out on a busy machine
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


def program_or_skip(pattern, package):
    """The path of a server program (a glob), or skip the test saying what to install."""
    found = sorted(glob.glob(pattern)) or ([shutil.which(pattern)] if shutil.which(pattern) else [])
    if found:
        return found[-1]  # the newest version where there are several
    reason = f"{pattern} not found: apt-get install -y {package}"
    if os.environ.get("FAULT_SERVERS_REQUIRED") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class PrivateRedis:
    """A redis-server of the test's own on a free port, keeping nothing on disk; started
    as it is made."""

    def __init__(self):
        self.program = program_or_skip("redis-server", "redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = tempfile.mkdtemp(prefix="pcb-redis-")
        self.process = self._launch()

    def _launch(self):
        command = [self.program, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", self.folder]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return process
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    process.kill()
                    raise
                time.sleep(0.05)

    def start(self):
        """Start it again after kill(), on the same port, empty."""
        self.process = self._launch()

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=5)

    def kill(self):
        """Gone at once, as a crashed server or a lost machine is."""
        self.process.kill()
        self.process.wait(timeout=10)

    def pause(self):
        """Still there with its data, but answering nothing, as when cut off by the network."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def close(self):
        if self.process.poll() is None:
            self.resume()
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: initdb in a temporary folder, a free port on
    loopback, trust for the postgres role. PostgreSQL refuses to run as root; as root, its
    programs run as the postgres OS user (runuser), which owns the folder."""

    def __init__(self):
        initdb = program_or_skip("/usr/lib/postgresql/*/bin/initdb", "postgresql")
        self.bin = Path(initdb).parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="pcb-postgres-"))
        self.data = self.folder / "data"
        self.as_owner = []
        if os.geteuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres")
        self._run(
            "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync", "--no-instructions",
        )  # fmt: skip

    def _run(self, program, *args):
        command = [*self.as_owner, str(self.bin / program), *map(str, args)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=120)

    def start(self):
        # fsync stays on: an acknowledged write must survive the restart as in production.
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        log = self.folder / "log"
        self._run("pg_ctl", "-D", self.data, "-l", log, "-o", options, "-w", "start")
        return self

    def stop(self):
        """A fast shutdown, as `systemctl restart postgresql` does: open transactions are
        rolled back and every connection is cut."""
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self):
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def production_environment(database_url, cache_url, **values):
    """Environment for the app as production runs it: DEBUG off, the test session's secret
    and encryption keys (tests/environment.py), collected static files, a real host."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        **values,
    }
    env.pop("DJANGO_DEBUG", None)
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)


class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py, as production starts it; its access log and
    the app's log in one file."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="pcb-gunicorn-", suffix=".log")[1])
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers)}
        command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [*command, "pcb_site.wsgi"], cwd=REPO, env=env, stdout=log, stderr=log
            )
        wait_until_up(self.url)

    def workers(self):
        """The worker processes' ids: a worker that crashed or timed out has a new one."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def log(self):
        return self.log_path.read_text(errors="replace")

    def close(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            self.process.wait(timeout=30)
        self.log_path.unlink(missing_ok=True)


class Phone:
    """One client: its own cookies and its own address (in X-Forwarded-For, which the
    servers believe when started with DJANGO_NUM_PROXIES=1)."""

    def __init__(self, base, address="198.51.100.1"):
        self.base, self.address = base, address
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def open(self, path, data=None, headers=None):
        """(status, final path, body) of a request, redirects followed."""
        return self.answer(path, data, headers)[:3]

    def answer(self, path, data=None, headers=None):
        """(status, final path, body, headers) of a request, redirects followed."""
        headers = {"X-Forwarded-For": self.address, **(headers or {})}
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                final = urllib.parse.urlsplit(response.url).path
                return response.status, final, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode(), error.headers

    def form(self, path):
        """Fetch a form as a browser does (cookie and token); a function that posts it."""
        page = self.open(path)[2]
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, f"no form at {path}"
        token = found.group(1)

        def post(fields):
            data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
            return self.open(path, data)

        return post

    def post_json(self, path, body, headers=None):
        data = json.dumps(body).encode()
        return self.open(path, data, {"Content-Type": "application/json", **(headers or {})})
