"""Values and small builders shared by test files.

Test files import these from here, not from conftest.py: pytest loads conftest.py as a
plugin of its own, and importing it a second time as a module gives two copies of it.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# Without the networking flags Chromium keeps trying to reach outside hosts (updates, safe
# browsing, metrics), which build machines with no internet refuse, slowly.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "quiet-harbour-lantern-42"


def episode_values(moment=None, **changes):
    """A light episode with nothing else, as diary.services.log_episode takes it."""
    from django.utils import timezone

    return {
        "occurred_at": moment or timezone.now() - datetime.timedelta(hours=1),
        "amount": "light",
        "clots": "none",
        "still_bleeding": False,
        "pain_during_sex": "none",
        "pain_after": "none",
        "faint": False,
        "symptoms": [],
        "pregnancy": "no",
        "first_intercourse": False,
        "partner_blood": False,
        "non_consensual": False,
        **changes,
    }


def stored_episode(owner, days_ago=0, level="routine", **fields):
    """An episode written straight to the database with a given level (no assessment)."""
    from django.utils import timezone

    from diary.models import Episode

    fields.setdefault("amount", "light")
    return Episode.objects.create(
        owner=owner,
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago, hours=1),
        assessment_level=level,
        assessment_reasons=["unexplained_bleeding"],
        assessment_rules_version="1",
        **fields,
    )


def source_allowed(url):
    """Whether a source's host is on knowledge/source_hosts.yaml, or a subdomain of one."""
    hosts = yaml.safe_load((REPO / "knowledge" / "source_hosts.yaml").read_text())["hosts"]
    host = urlsplit(url).hostname or ""
    return any(host == known or host.endswith("." + known) for known in hosts)
