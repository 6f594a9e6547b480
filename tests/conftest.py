import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, PASSWORD, SCREENSHOTS


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# A Fernet key: 32 random bytes in URL-safe base64.
FERNET_KEY = re.compile(r"[A-Za-z0-9_-]{43}=")


def pytest_make_parametrize_id(config, val, argname):
    """A parameter holding a key made at random (Fernet.generate_key()) would get another
    test id in each pytest-xdist worker, and xdist refuses to run when workers disagree:
    such ids show the key's place, not the key."""
    if isinstance(val, str) and FERNET_KEY.search(val):
        return FERNET_KEY.sub("KEY", val)
    return None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite tests use a file, as the app does, not Django's default shared in-memory
    database: with that, the live server's threads and the test share one connection, and
    two requests at once (a page and its service worker) break each other's transactions
    ("cannot start a transaction within a transaction"). With a file each thread has its
    own connection, and SQLite's locks make them take turns, as in production. In memory
    (/dev/shm) where there is one, so the suite is as fast; one file per checkout and
    xdist worker."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    shm = Path("/dev/shm")
    root = Path(__file__).resolve().parent.parent
    checkout = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    folder = shm if shm.is_dir() else root / "test-artifacts"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database["TEST"]["NAME"] = str(folder / f"pcb-test-{checkout}-{worker}.sqlite3")
    # Wait for a lock rather than fail at once; take the write lock when a transaction
    # starts, so two never both read and then both try to write.
    database["OPTIONS"] = {**database.get("OPTIONS", {}), "timeout": 20}
    database["OPTIONS"]["transaction_mode"] = "IMMEDIATE"


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_db_blocker):
    """Collect static files once, so pages are served by the same hashed-name storage as in
    production and a missing file fails here rather than there. Into a folder of this
    process's own (tests/environment.py): parallel workers would clear each other's files."""
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", "--clear", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hasher(request, settings):
    """Argon2 is slow on purpose, and most tests make a member. Tests about hashing itself
    (marked `argon2`) keep the production hashers."""
    if request.node.get_closest_marker("argon2"):
        return
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no lockout or throttle left by another test, no
    public page or page content kept from another test (pcb_site/page_cache.py,
    knowledge/views.py)."""
    from django.core.cache import cache

    from knowledge.views import forget_rendered
    from pcb_site import page_cache

    cache.clear()
    page_cache.clear()
    forget_rendered()
    yield
    cache.clear()
    page_cache.clear()
    forget_rendered()


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

    def take(name, full_page=True, of=None):
        """`of`: another page than the test's own (a second phone, say)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        (of or page).screenshot(path=str(path), full_page=full_page)
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


@pytest.fixture
def signed_in(client, member):
    """The test client, signed in as `member`."""
    client.force_login(member)
    return client
