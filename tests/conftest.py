import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
# From shared/notes/toolchain.md: without the networking flags Chromium keeps trying to reach
# outside hosts, which this machine refuses.
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


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_db_blocker):
    """Collect static files once, so pages are served by the same hashed-name storage as in
    production and a missing file fails here rather than there."""
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", "--clear", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no lockout or throttle left by another test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def live_server(request, collected_static):
    """pytest-django's live server, but with static files served by WhiteNoise from the
    collected files, as in production (its default handler cannot find hashed names)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda handler: handler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/ for a person to look at."""

    def take(name, full_page=True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def member(django_user_model):
    """A signed-up person with a recovery code; `member.plain_recovery_code` is the plain code."""
    from diary.accounts.recovery import issue_recovery_code

    user = django_user_model.objects.create_user(username="robin", password=PASSWORD)
    user.plain_recovery_code = issue_recovery_code(user)
    return user


def episode_values(moment=None, **changes):
    """A light episode with nothing else, as diary.services.log_episode takes it."""
    import datetime

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
    import datetime

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
