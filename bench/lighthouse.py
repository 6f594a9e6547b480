"""Lighthouse (mobile) on the pages the PWA issue names, served as in production.

Run:  .venv/bin/python bench/lighthouse.py [--lighthouse PATH] [--out DIR] [--runs N]

Needs Lighthouse from npm in a folder of its own (`npm install lighthouse@12.8`; the
default path is where docs/lighthouse.md installs it) and Debian's Chromium. Starts
gunicorn with production settings (DEBUG off, collected static files, WhiteNoise) on a
throwaway SQLite database with one person and a few episodes, signs that person in for the
diary pages (a session cookie sent as a header), runs Lighthouse five times on each page
and prints one line per page with the median of each category score and the lowest
performance score; the JSON reports go to test-artifacts/bench/lighthouse/.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("home", "/", False),
    ("knowledge page", "/learn/cervical-polyps/", False),
    ("self-check", "/check/", False),
    ("log form", "/diary/new/", True),
    ("diary home", "/diary/", True),
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
KEY = "PeVCyXv6Knm1Yzra_lRmVg3my7Bmmf-InSEdoEItVY0="
SECRET = "bench-only-" + "k8#v2Lq!x9Zr@4tWm7Nf$3hYp6Bd*1Gs%5Jc&0Ru^8Ea(2Ki)9Ho-Vy"

PREPARE = """
import datetime
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from diary import services
user = get_user_model().objects.create_user("lighthouse", password="bench-pass-123456")
profile = services.get_or_create_profile(user)
services.update_profile(profile, {"year_of_birth": 1990, "country": "GB", "menopause": "no"})
for days in (3, 40, 90):
    services.log_episode(user, {
        "occurred_at": timezone.now() - datetime.timedelta(days=days),
        "amount": "light", "clots": "none", "still_bleeding": False,
        "pain_during_sex": "none", "pain_after": "none", "faint": False, "symptoms": [],
        "pregnancy": "no", "first_intercourse": False, "partner_blood": False,
        "non_consensual": False, "notes": "",
    })
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "diary.accounts.backends.AccountBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default="/work/tools/lh/node_modules/.bin/lighthouse")
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "bench" / "lighthouse"))
    # Lighthouse's own advice on variance: report the median of five runs.
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'lighthouse.sqlite3'}",
        "DIARY_ENCRYPTION_KEYS": KEY,
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
    }
    env.pop("DJANGO_DEBUG", None)
    env.pop("CACHE_URL", None)
    manage = [sys.executable, "manage.py"]
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], **run)
    prepare = [*manage, "shell", "--no-imports", "-c", PREPARE]
    session_key = subprocess.run(prepare, capture_output=True, text=True, **run).stdout.strip()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "pcb_site.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        print(f"Median of {args.runs} runs (lowest performance in brackets).")
        print(f"| page | {' | '.join(CATEGORIES)} |")
        print(f"|---|{'---|' * len(CATEGORIES)}")
        for name, path, signed_in in PAGES:
            runs = [
                run_lighthouse(args.lighthouse, base + path, signed_in and session_key, report)
                for report in (
                    out / f"{name.replace(' ', '-')}-{n}.json" for n in range(1, args.runs + 1)
                )
            ]
            scores = [statistics.median(run[c] for run in runs) for c in CATEGORIES]
            cells = [f"{score:g}" for score in scores]
            cells[0] += f" ({min(run['performance'] for run in runs)})"
            print(f"| {name} (`{path}`) | {' | '.join(cells)} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)


def run_lighthouse(lighthouse, url, session_key, report):
    """One Lighthouse run: the four category scores out of 100."""
    command = [
        lighthouse, url, "--quiet", "--form-factor=mobile",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--output=json", f"--output-path={report}",
    ]  # fmt: skip
    if session_key:
        command += ["--extra-headers", json.dumps({"Cookie": f"sessionid={session_key}"})]
    # Now and then Lighthouse fails to record its trace (NO_NAVSTART) and scores nothing:
    # that run is repeated, up to three times.
    for _ in range(3):
        env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
        subprocess.run(command, env=env, check=False)
        categories = json.loads(report.read_text())["categories"]
        if all(categories[c]["score"] is not None for c in CATEGORIES):
            return {c: round(categories[c]["score"] * 100) for c in CATEGORIES}
    raise SystemExit(f"Lighthouse scored nothing three times: {url}")


if __name__ == "__main__":
    main()
