"""The byte budget of the progressive web app, compressed as it travels.

The log form must open fast on a bad connection: its page, stylesheet, scripts and icons
together at most 40 KB compressed on a cold load, and the service worker with the offline
evaluator at most 15 KB. Sizes are gzip level 9 of the files as served (WhiteNoise also
serves Brotli, which is smaller), so the budget holds for the slowest encoding a phone
accepts.
"""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db
KB = 1024


def compressed(data):
    return len(gzip.compress(data, compresslevel=9))


def static_file(url):
    """The bytes of a /static/ address, from the collected files (hashed names) or the
    finders."""
    name = url.split("?")[0].removeprefix(settings.STATIC_URL).lstrip("/")
    name = name.removeprefix(settings.STATIC_URL.strip("/") + "/")
    collected = Path(settings.STATIC_ROOT) / name
    if collected.exists():
        return collected.read_bytes()
    found = finders.find(re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", name))
    return Path(found).read_bytes()


def page_weight(html):
    """The page and what it loads from /static/ (stylesheets, scripts, icons)."""
    urls = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    parts = {"page": compressed(html.encode())}
    parts.update({url: compressed(static_file(url)) for url in urls})
    return parts


def test_the_log_form_loads_within_40_kb(client, member):
    client.force_login(member)
    parts = page_weight(client.get("/diary/new/").content.decode())
    assert sum(parts.values()) <= 40 * KB, parts


def test_the_service_worker_and_the_offline_evaluator_within_15_kb(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    body = b"".join(worker.streaming_content) if worker.streaming else worker.content
    total = compressed(body) + compressed(static_file(settings.STATIC_URL + "js/triage.js"))
    assert total <= 15 * KB, total
