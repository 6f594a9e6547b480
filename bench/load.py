"""The load benchmark of issue 17: every figure beside the static ceiling, in one run.

Run: make bench   (= .venv/bin/python bench/load.py)
     --quick          3 s a row instead of 10, for a quick look
     --only PATTERN   only the rows whose name matches PATTERN, a regular expression
                      (`--only 'api|diary'`); the ceiling is always measured

It starts what it needs and takes it down again, Ctrl-C included: a throwaway PostgreSQL
database, a private Redis server on a free port, and gunicorn with deploy/gunicorn.conf.py
(2 sync workers) under production settings. It seeds a diary of 1,000 episodes through the
app's own models and assessment, signs in through the real sign-in page and token endpoint,
and measures every row with wrk (-t2 -c32) and bench/wrk.lua. A full run writes its figures
into docs/benchmarks.md, between the markers there; that page says what the ceiling is and
why each figure is compared with it. A miss is marked MISS; the command still exits 0.
"""

import argparse
import datetime
import gzip
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# The app servers run from a virtual environment with requirements.txt alone, as in
# production (`make bench` makes .venv-production): the development one also holds the test
# tools, and Django REST framework imports some of them when it finds them (requests, about
# 7 MB a worker), which would count against the memory target.
APP_BIN = Path(os.environ.get("BENCH_APP_VENV", str(VENV_BIN.parent))).resolve() / "bin"
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- bench/load.py writes from here to the end marker: edit the text above it -->"
END = "<!-- end of what bench/load.py writes -->"

# The issue's figures were measured with 2 sync workers and `wrk -t2 -c32`.
WORKERS, THREADS, CONNECTIONS = 2, 2, 32
DURATION, QUICK_DURATION, WARMUP = 10, 3, 1
# wrk gives up on a response after 2 s by default and calls it an error; gunicorn's own
# worker timeout (deploy/gunicorn.conf.py) is 30 s, so only a request the server itself
# would abandon counts as one.
WRK_TIMEOUT = "30s"
KB = 1000
EPISODES, WRITERS = 1000, CONNECTIONS
PASSWORD = "bench-harbour-lantern-17"
DIARY_USER = "bench-diary"
HTTPS_HEADERS = {"X-Forwarded-Proto": "https"}
SIGNED_IN_PAGE = "/learn/cervical-cancer/"
TRIAGE_BODY = {
    "age": 34,
    "amount": "light",
    "clots": "none",
    "pain_during_sex": "mild",
    "pregnancy": "no",
    "menopause": "no",
    "symptoms": ["unusual_discharge"],
    "cervical_screening": "up_to_date",
}
EPISODE_BODY = (
    '{"client_id": "{client_id}", "occurred_at": "{occurred_at}", "amount": "light", '
    '"pain_during_sex": "mild", "symptoms": ["vaginal_dryness"], "lubricant_used": true, '
    '"notes": "after a long day, a little spotting"}'
)


# Targets and verdicts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    min_rps: float | None = None
    min_ratio: float | None = None
    max_p99_ms: float | None = None
    max_gzip_kb: float | None = None

    def describe(self):
        parts = []
        if self.min_rps is not None:
            parts.append(f"≥ {self.min_rps:,.0f} req/s")
        if self.min_ratio is not None:
            parts.append(f"≥ {self.min_ratio:g} of ceiling")
        if self.max_p99_ms is not None:
            parts.append(f"p99 ≤ {self.max_p99_ms:g} ms")
        if self.max_gzip_kb is not None:
            parts.append(f"≤ {self.max_gzip_kb:g} KB gzip")
        return ", ".join(parts + ["0 errors"])


# The issue's targets. The episode list has none there: it is measured for the record.
PUBLIC = Target(min_rps=1000, min_ratio=0.5, max_p99_ms=50)
SIGNED_IN = Target(min_ratio=0.25)
TRIAGE = Target(min_ratio=0.5)
EPISODE_WRITE = Target(min_ratio=0.1)
DIARY = Target(min_ratio=0.05, max_gzip_kb=30)
NONE = Target()
MAX_RSS_MB = 100
# Ceilings further apart than this at the start and the end of a run: the machine was busy.
MAX_DRIFT = 0.15


@dataclass
class Row:
    name: str
    path: str
    target: Target
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    body: str = ""
    tokens: tuple = ()
    expect: tuple = (200,)
    # A signed-in page must say no-store: that is how the pre-flight knows the session works.
    signed_in: bool = False
    ceiling: bool = False


@dataclass
class Result:
    name: str
    path: str
    target: Target
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    statuses: dict
    cpu_ms: float | None = None
    html_bytes: int | None = None
    gzip_bytes: int | None = None
    brotli_bytes: int | None = None
    ceiling: bool = False
    # Why the row was not measured (its first request failed), or "".
    failure: str = ""


def mean_ceiling(start, end):
    """The ceiling a run compares with: the mean of the static file's rate at its start and
    at its end, so a machine that slowed down (or sped up) during the run shows in both."""
    return (start + end) / 2


def ceiling_drift(start, end):
    """How far the two ceilings are apart, as a share of their mean."""
    return abs(start - end) / mean_ceiling(start, end) if start + end else 0.0


def ratio(rps, ceiling):
    return rps / ceiling if ceiling else 0.0


def misses(result, ceiling):
    """What a result falls short of, in words; an empty list is a pass."""
    if result.failure:
        return [result.failure]
    target, found = result.target, []
    if not result.requests:
        found.append("no request finished")
    if result.errors:
        found.append(f"{result.errors:,} error{'s' if result.errors != 1 else ''}")
    if target.min_rps is not None and result.rps < target.min_rps:
        found.append(f"{result.rps:,.0f} < {target.min_rps:,.0f} req/s")
    if target.min_ratio is not None and ratio(result.rps, ceiling) < target.min_ratio:
        found.append(f"ratio {ratio(result.rps, ceiling):.2f} < {target.min_ratio:g}")
    if target.max_p99_ms is not None and result.p99_ms > target.max_p99_ms:
        found.append(f"p99 {result.p99_ms:.1f} > {target.max_p99_ms:g} ms")
    return found + size_misses(result)


def size_misses(result):
    limit = result.target.max_gzip_kb
    if limit is None or (result.gzip_bytes is not None and result.gzip_bytes <= limit * KB):
        return []
    size = "not measured" if result.gzip_bytes is None else f"{result.gzip_bytes / KB:.1f}"
    return [f"gzip {size} > {limit:g} KB"]


def verdict(found):
    return "MISS: " + "; ".join(found) if found else "pass"


def results_table(results, ceiling):
    lines = [
        "| row | req/s | ratio | p50 ms | p99 ms | errors | worker CPU ms/req | target | result |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for result in results:
        cpu = "—" if result.cpu_ms is None else f"{result.cpu_ms:.2f}"
        target = "(the ceiling)" if result.ceiling else result.target.describe()
        outcome = verdict(misses(result, ceiling))
        lines.append(
            f"| {result.name} | {result.rps:,.0f} | {ratio(result.rps, ceiling):.2f} | "
            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors:,} | {cpu} | "
            f"{target} | {bold_miss(outcome)} |"
        )
    return "\n".join(lines)


def bold_miss(outcome):
    return f"**{outcome}**" if outcome.startswith("MISS") else outcome


def size_table(result):
    def kb(size):
        return "—" if size is None else f"{size / KB:.1f}"

    outcome = verdict(size_misses(result))
    return "\n".join(
        [
            "| page | HTML KB | gzip -6 KB | brotli KB | target | result |",
            "|---|---:|---:|---:|---|---|",
            f"| {result.name} | {kb(result.html_bytes)} | {kb(result.gzip_bytes)} | "
            f"{kb(result.brotli_bytes)} | ≤ {result.target.max_gzip_kb:g} KB gzip | "
            f"{bold_miss(outcome)} |",
        ]
    )


def memory_misses(rss_mb):
    return [f"worker {pid}: {mb:.1f} MB > {MAX_RSS_MB} MB" for pid, mb in rss_mb if mb > MAX_RSS_MB]


def memory_table(rss_mb):
    lines = ["| gunicorn worker | RSS MB | target | result |", "|---|---:|---|---|"]
    for number, (pid, mb) in enumerate(rss_mb, 1):
        outcome = verdict(memory_misses([(pid, mb)]))
        lines.append(
            f"| {number} (pid {pid}) | {mb:.1f} | ≤ {MAX_RSS_MB} MB | {bold_miss(outcome)} |"
        )
    return "\n".join(lines)


def parse_wrk(output):
    """The BENCH_RESULT line bench/wrk.lua prints, as a dict with the figures we report."""
    match = re.search(r"^BENCH_RESULT (\{.*\})$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk printed no BENCH_RESULT line:\n{output}")
    raw = json.loads(match.group(1))
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6) if raw["duration_us"] else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["unexpected"] + socket_errors,
        "statuses": {int(code): count for code, count in raw["statuses"].items()},
    }


def replace_section(text, section):
    """The document with what is between BEGIN and END replaced by `section`; everything
    else (the text that explains it, other benchmarks) is kept as it is. Without the
    markers, the section goes right after the first heading."""
    block = f"{BEGIN}\n\n{section.strip()}\n\n{END}"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        return before + block + rest.split(END, 1)[1]
    lines = text.splitlines(keepends=True)
    heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if heading is None:
        return f"# Benchmarks\n\n{block}\n\n{text}"
    head, tail = "".join(lines[: heading + 1]), "".join(lines[heading + 1 :])
    return f"{head}\n{block}\n{tail}"


# Machine and tools ------------------------------------------------------------------------


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)


def apt_install(package):
    """Debian's package; the package lists are refreshed only when the first try fails."""
    print(f"== installing {package} (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env).returncode:
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", package], env=env)


def ensure_tools():
    if not shutil.which("wrk"):
        apt_install("wrk")
    if not shutil.which("redis-server"):
        apt_install("redis-server")
    if not shutil.which("psql"):
        apt_install("postgresql-client")


def postgres_ready():
    command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]
    return shutil.which("pg_isready") and subprocess.run(command).returncode == 0


def ensure_postgres():
    """PostgreSQL on 127.0.0.1:5432 with trust for the postgres user, started as .ci/run
    starts it where it is not running. It is left running: it is the machine's."""
    if postgres_ready():
        return
    print("== starting PostgreSQL (as .ci/run does)", flush=True)
    if not shutil.which("pg_ctlcluster"):
        apt_install("postgresql")
    version = max(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    hba = Path(f"/etc/postgresql/{version}/main/pg_hba.conf")
    if "pcb-ci trust" not in hba.read_text():
        trust = "host all postgres 127.0.0.1/32 trust # pcb-ci trust\n"
        hba.write_text(trust + hba.read_text())
    run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    for _ in range(30):
        if postgres_ready():
            return
        time.sleep(1)
    raise RuntimeError("PostgreSQL did not start on 127.0.0.1:5432")


def psql(sql):
    run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port, folder):
    """A Redis server of our own, so nothing here can touch a Redis someone else uses."""
    log = open(folder / "redis.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer on port {port}: see {folder}/redis.log")


def stop(process, seconds=30):
    """SIGTERM (gunicorn and Redis stop gracefully on it), then SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def machine():
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor() or "unknown",
        "memory_gib": round(memory_kb / 1024 / 1024),
        "system": f"{platform.system()} {platform.release()}",
    }


def git_commit():
    try:
        commit = run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT).stdout.strip()
        dirty = run(["git", "status", "--porcelain"], cwd=ROOT).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "unknown (not a git checkout)"
    return f"{commit} (with uncommitted changes)" if dirty else commit


# The server's processes -------------------------------------------------------------------


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return [int(child) for child in listing.read().split()]
    except FileNotFoundError:
        return []


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids):
    """User + system CPU time of these processes so far (clock ticks in /proc/<pid>/stat)."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                # Fields after the command name, which is in parentheses and may hold spaces.
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


# HTTP -------------------------------------------------------------------------------------


def fetch(port, method, path, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers={**HTTPS_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def cookies_from(headers):
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port, username, password):
    """Sign in through the real sign-in page, as a browser does: its form and CSRF cookie,
    then the post. Returns the Cookie header of the signed-in session."""
    status, headers, body = fetch(port, "GET", "/accounts/login/")
    cookies = cookies_from(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not token or "csrftoken" not in cookies:
        raise RuntimeError(f"the sign-in page answered {status} without its CSRF token")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    status, headers, _ = fetch(
        port,
        "POST",
        "/accounts/login/",
        {
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Origin": f"https://127.0.0.1:{port}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        form,
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"signing in answered {status}, not a redirect with a session")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def api_token(port, username, password):
    body = json.dumps({"username": username, "password": password, "name": "bench"})
    status, _, answer = fetch(
        port, "POST", "/api/v1/auth/token/", {"Content-Type": "application/json"}, body
    )
    if status != 200:
        raise RuntimeError(f"the token endpoint answered {status}: {answer[:200]!r}")
    return json.loads(answer)["token"]


def wait_until_serving(port, process, log_path):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up:\n{log_path.read_text()[-3000:]}")
        try:
            if fetch(port, "GET", "/health/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /health/ in 90 s:\n{log_path.read_text()[-3000:]}")


# Django, in this process: migrate, collect static files, seed -----------------------------


def prepare_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def static_css_url():
    from django.contrib.staticfiles.storage import staticfiles_storage

    return "/" + staticfiles_storage.url("css/site.css").lstrip("/")


def knowledge_paths():
    from knowledge.pages import all_pages

    return [page.url for page in all_pages().values()]


def seed(rng):
    """One person with EPISODES episodes over about three years, assessed against the rule
    table with their history as the app does it; WRITERS people with two episodes each,
    logged through the service the API uses, each with an API token. Bulk where the app's
    own functions allow, so a run does not spend minutes here. Returns the writers' tokens."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from diary import assessment, services
    from diary.accounts.tokens import issue_token
    from diary.models import Episode, Profile
    from knowledge import triage

    users = get_user_model()
    person = users.objects.create_user(DIARY_USER, password=PASSWORD)
    Profile.objects.create(user=person, year_of_birth=1989, country="GB", menopause="no")
    now = timezone.now()
    span = datetime.timedelta(days=3 * 365)
    episodes = [
        Episode(
            owner=person,
            occurred_at=now - span * (i + rng.random()) / EPISODES - datetime.timedelta(hours=1),
            amount=rng.choice(("spotting", "spotting", "light", "light", "moderate")),
            clots=rng.choice(("none", "none", "none", "small")),
            pain_during_sex=rng.choice(triage.PAIN[:3]),
            pain_after=rng.choice(("none", "none", "mild")),
            symptoms=rng.sample(("vaginal_dryness", "itching_or_burning", "pelvic_pain"), 1)
            if rng.random() < 0.3
            else [],
            lubricant_used=rng.random() < 0.5,
            condom_used=rng.random() < 0.3,
            notes="a note of ordinary length, about forty characters" if i % 3 == 0 else "",
            assessment_level="routine",
            assessment_reasons=[],
            assessment_rules_version="",
        )
        for i in range(EPISODES)
    ]
    Episode.objects.bulk_create(episodes, batch_size=500)
    assessment.reassess(person)
    stored = list(Episode.objects.filter(owner=person))
    for episode in stored:
        episode.assessment_when_logged = assessment.current_of(episode)
    Episode.objects.bulk_update(stored, ["assessment_when_logged"], batch_size=500)

    tokens = []
    for number in range(WRITERS):
        writer = users(username=f"bench-writer-{number}")
        writer.set_unusable_password()
        writer.save()
        for days in (40, 3):
            services.log_episode(
                writer, {"occurred_at": now - datetime.timedelta(days=days), "amount": "light"}
            )
        tokens.append(issue_token(writer, "bench")[1])
    return tokens


def versions():
    import django
    import gunicorn
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "PostgreSQL": postgres,
        "Redis": run(["redis-server", "--version"]).stdout.split()[2].removeprefix("v="),
        "wrk": wrk[1] if len(wrk) > 1 else "?",
    }


def compressed_sizes(body):
    sizes = {"html_bytes": len(body), "gzip_bytes": len(gzip.compress(body, compresslevel=6))}
    try:
        import brotli
    except ImportError:
        sizes["brotli_bytes"] = None
    else:
        sizes["brotli_bytes"] = len(brotli.compress(body))
    return sizes


# Measuring --------------------------------------------------------------------------------


def rows(css, knowledge, session, diary_token, writer_tokens):
    json_headers = {"Content-Type": "application/json"}
    return [
        Row("static CSS (ceiling, start)", css, NONE, ceiling=True),
        # What the framework costs before the app does anything (bench/urls.py).
        Row("reference: a view that does nothing, all middleware", "/bench/plain/", NONE),
        Row(
            "reference: an empty JSON POST to Django REST framework",
            "/bench/empty-post/",
            NONE,
            method="POST",
            headers=json_headers,
            body="{}",
        ),
        Row("/", "/", PUBLIC),
        Row("/learn/", "/learn/", PUBLIC),
        *(Row(path, path, PUBLIC) for path in knowledge),
        Row("/check/ (GET)", "/check/", PUBLIC),
        Row("/privacy/", "/privacy/", PUBLIC),
        Row(
            f"{SIGNED_IN_PAGE}, signed in",
            SIGNED_IN_PAGE,
            SIGNED_IN,
            headers={"Cookie": session},
            signed_in=True,
        ),
        Row(
            "POST /api/v1/triage/",
            "/api/v1/triage/",
            TRIAGE,
            method="POST",
            headers=json_headers,
            body=json.dumps(TRIAGE_BODY),
        ),
        Row(
            "POST /api/v1/episodes/ (PostgreSQL)",
            "/api/v1/episodes/",
            EPISODE_WRITE,
            method="POST",
            headers=json_headers,
            body=EPISODE_BODY,
            tokens=tuple(writer_tokens),
            expect=(201,),
        ),
        Row(
            f"GET /api/v1/episodes/ (first page of {EPISODES:,})",
            "/api/v1/episodes/",
            NONE,
            headers={"Authorization": f"Token {diary_token}"},
        ),
        Row(
            f"/diary/ ({EPISODES:,} episodes)",
            "/diary/",
            DIARY,
            headers={"Cookie": session},
            signed_in=True,
        ),
        Row("static CSS (ceiling, end)", css, NONE, ceiling=True),
    ]


def preflight(port, row):
    """One request as wrk will send it, checked, before any load: a row that cannot succeed
    once must not be measured as fast. Returns the body."""
    headers = dict(row.headers)
    if row.tokens:
        headers["Authorization"] = f"Token {row.tokens[0]}"
    body = row.body.replace("{client_id}", str(uuid.uuid4())).replace(
        "{occurred_at}", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    status, answer_headers, answer = fetch(port, row.method, row.path, headers, body or None)
    if status not in row.expect:
        raise NotServed(status, f"not measured: its first request got a {status}")
    if row.signed_in and "no-store" not in (answer_headers.get("Cache-Control") or ""):
        raise NotServed(status, "not measured: not signed in (the page is not no-store)")
    return answer


class NotServed(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


def wrk_command(port, row, seconds):
    return [
        "wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", WRK_TIMEOUT,
        "--latency", "-s", str(WRK_SCRIPT.relative_to(ROOT)), f"http://127.0.0.1:{port}{row.path}",
    ]  # fmt: skip


def wrk_env(row):
    headers = {**HTTPS_HEADERS, **row.headers}
    return {
        **os.environ,
        "BENCH_METHOD": row.method,
        "BENCH_HEADERS": "\n".join(f"{name}: {value}" for name, value in headers.items()),
        "BENCH_BODY": row.body,
        "BENCH_TOKENS": ",".join(row.tokens),
        "BENCH_EXPECT": ",".join(str(code) for code in row.expect),
    }


def settle(workers, limit=120):
    """Wait until the workers are idle. When wrk stops, the requests still queued in the
    listen backlog are served anyway (to a closed connection): without waiting, that work
    would be counted against the next row."""
    deadline = time.monotonic() + limit
    before = cpu_seconds(workers)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_seconds(workers)
        if now - before < 0.02:
            return
        before = now


def measure(port, row, seconds, workers):
    try:
        answer = preflight(port, row)
    except NotServed as refusal:
        # The other rows are still worth measuring: this one is reported as failed.
        return Result(
            name=row.name,
            path=row.path,
            target=row.target,
            ceiling=row.ceiling,
            rps=0.0,
            p50_ms=0.0,
            p99_ms=0.0,
            errors=1,
            requests=0,
            statuses={refusal.status: 1},
            failure=refusal.reason,
        )
    env = wrk_env(row)
    subprocess.run(wrk_command(port, row, WARMUP), cwd=ROOT, env=env, capture_output=True)
    settle(workers)
    command = wrk_command(port, row, seconds)
    print(f"   {' '.join(command)}", flush=True)
    cpu_before = cpu_seconds(workers)
    output = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    cpu_after = cpu_seconds(workers)
    settle(workers)
    figures = parse_wrk(output.stdout)
    result = Result(
        name=row.name,
        path=row.path,
        target=row.target,
        ceiling=row.ceiling,
        cpu_ms=(cpu_after - cpu_before) * 1000 / figures["requests"]
        if figures["requests"]
        else None,
        **figures,
    )
    if row.target.max_gzip_kb is not None:
        for name, size in compressed_sizes(answer).items():
            setattr(result, name, size)
    return result


# The report -------------------------------------------------------------------------------


def report(context, results, rss, ceiling_start, ceiling_end):
    ceiling = mean_ceiling(ceiling_start, ceiling_end)
    missed = [r for r in results if misses(r, ceiling)]
    memory_missed = memory_misses(rss)
    info = context["machine"]
    tools = ", ".join(f"{name} {version}" for name, version in context["versions"].items())
    diary = next((r for r in results if r.target.max_gzip_kb is not None), None)
    lines = [
        f"Measured {context['date']} at commit `{context['commit']}` with "
        f"`{context['command']}` ({context['elapsed']:.0f} s in all).",
        "",
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory_gib']} GiB, "
        f"{info['system']}; {tools}. Load average (1 min) {context['load_before']:.1f} "
        f"before the run, {context['load_after']:.1f} after it.",
        "",
        f"**Ceiling** (static CSS from WhiteNoise, same server, same wrk): "
        f"{ceiling_start:,.0f} req/s at the start, {ceiling_end:,.0f} at the end, "
        f"mean **{ceiling:,.0f} req/s**; every ratio below is req/s ÷ {ceiling:,.0f}.",
        "",
    ]
    drift = ceiling_drift(ceiling_start, ceiling_end)
    busy = context["load_before"] > info["cores"] / 2
    if drift > MAX_DRIFT or busy:
        why = [f"the ceiling moved by {drift:.0%} during the run"] if drift > MAX_DRIFT else []
        if busy:
            why.append(f"the load average was {context['load_before']:.1f} before it started")
        lines += [
            f"**The machine was busy with other work** ({' and '.join(why)}): every figure "
            "moved with it, and ratios near their targets are not to be trusted. Rerun on a "
            "quiet machine.",
            "",
        ]
    lines += [
        f"**{len(results) - len(missed)} of {len(results)} rows pass**"
        + (f", **{len(missed)} MISS**" if missed else "")
        + (
            f"; memory: **MISS** ({len(memory_missed)} of {len(rss)} workers over {MAX_RSS_MB} MB)"
            if memory_missed
            else ""
        )
        + ".",
        "",
        results_table(results, ceiling),
    ]
    if diary is not None:
        lines += ["", "Compressed HTML of `/diary/` (1 KB = 1,000 bytes):", "", size_table(diary)]
    if rss:
        lines += [
            "",
            "Memory of each gunicorn worker after the whole run (VmRSS):",
            "",
            memory_table(rss),
        ]
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DURATION} s a row")
    parser.add_argument(
        "--only", metavar="PATTERN", help="rows whose name matches this regular expression"
    )
    return parser.parse_args(argv)


def production_env(folder, database, redis_port, app_port):
    from cryptography.fernet import Fernet

    return {
        # pcb_site.settings and two addresses of its own (bench/urls.py): the reference rows.
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        # As the README's production example: behind a TLS proxy that sets
        # X-Forwarded-Proto. Every request of the benchmark sends it, as the proxy would.
        "DJANGO_HTTPS": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DIARY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_KEY_PREFIX": "bench",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        # wrk asks for no compression, so WhiteNoise would serve the uncompressed file even
        # with its gzip and Brotli copies; making them costs about 30 s of CPU a run.
        "STATIC_COMPRESS": "0",
        # The limit stays on (each request is counted in Redis) but cannot refuse the run.
        "TRIAGE_RATE_LIMIT": "1000000/min",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
    }


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    given = sys.argv[1:] if argv is None else argv
    args = parse_args(given)
    seconds = QUICK_DURATION if args.quick else DURATION
    started, load_before = time.monotonic(), os.getloadavg()[0]
    ensure_tools()
    ensure_postgres()

    folder = Path(tempfile.mkdtemp(prefix="pcb-load-bench-"))
    database = f"bench_{os.getpid()}_{int(time.time())}"
    redis = gunicorn = None
    created = False
    # A TERM (`kill`, a cancelled job) takes the same way out as Ctrl-C; and Ctrl-C works
    # even where the shell started this with SIGINT ignored (a background job).
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        redis_port, app_port = free_port(), free_port()
        print(f"== Redis on port {redis_port}, database {database}", flush=True)
        redis = start_redis(redis_port, folder)
        psql(f'CREATE DATABASE "{database}"')
        created = True
        env = production_env(folder, database, redis_port, app_port)
        print("== migrate, collectstatic, seed", flush=True)
        prepare_django(env)
        writer_tokens = seed(random.Random(17))
        css, knowledge = static_css_url(), knowledge_paths()
        context = {
            "machine": machine(),
            "versions": versions(),
            "commit": git_commit(),
            "date": datetime.date.today().isoformat(),
            "command": "make bench" + (f" BENCH_ARGS='{' '.join(given)}'" if given else ""),
        }
        from django.db import connections

        connections.close_all()

        print(f"== gunicorn, {WORKERS} sync workers, on port {app_port}", flush=True)
        log_path = folder / "gunicorn.log"
        with open(log_path, "w") as log:
            gunicorn = subprocess.Popen(
                [str(APP_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "pcb_site.wsgi"],
                cwd=ROOT,
                env={**os.environ, **env},
                # The access log (stdout) is written as in production, and thrown away here:
                # a run makes hundreds of thousands of lines. Errors go to the log file.
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        wait_until_serving(app_port, gunicorn, log_path)
        workers = children(gunicorn.pid)
        session = sign_in(app_port, DIARY_USER, PASSWORD)
        diary_token = api_token(app_port, DIARY_USER, PASSWORD)

        table = rows(css, knowledge, session, diary_token, writer_tokens)
        if args.only:
            only = re.compile(args.only, re.IGNORECASE)
            table = [row for row in table if row.ceiling or only.search(row.name)]
        results = []
        for row in table:
            print(f"== {row.name}", flush=True)
            result = measure(app_port, row, seconds, workers)
            results.append(result)
            print(
                f"   {result.failure}"
                if result.failure
                else f"   {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
                f"p99 {result.p99_ms:.1f} ms, {result.errors} errors, statuses {result.statuses}",
                flush=True,
            )
            # Which row makes the workers grow, when the memory target is missed.
            sizes = ", ".join(f"{rss_mb(pid):.1f}" for pid in children(gunicorn.pid))
            print(f"   workers' RSS after it: {sizes} MB", flush=True)
        if any(code >= 500 for result in results for code in result.statuses):
            print(f"!! server errors; the end of gunicorn's log:\n{log_path.read_text()[-5000:]}")
        rss = [(pid, rss_mb(pid)) for pid in children(gunicorn.pid)]
        if set(workers) != {pid for pid, _ in rss}:
            print("!! a worker was replaced during the run (crashed or timed out)", flush=True)
        ceilings = [r.rps for r in results if r.ceiling]
        context["elapsed"] = time.monotonic() - started
        context["load_before"], context["load_after"] = load_before, os.getloadavg()[0]
        section = report(context, results, rss, ceilings[0], ceilings[-1])
        print()
        print(section)
        if args.quick or args.only:
            print(f"\n(a partial run: {DOC.relative_to(ROOT)} is left as it was)")
        else:
            DOC.write_text(replace_section(DOC.read_text() if DOC.exists() else "", section))
            print(f"\nwritten to {DOC.relative_to(ROOT)}")
    finally:
        # Cleaning up must not be cut short by a second Ctrl-C.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop(gunicorn)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if created:
            psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        stop(redis)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: the server, Redis and the database it made are gone", flush=True)
        sys.exit(130)
