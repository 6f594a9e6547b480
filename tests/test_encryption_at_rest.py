"""Health data is encrypted at rest: a raw database file or dump shows none of it, keys
rotate without losing anything, and bad keys stop the app before it serves anyone."""

import io
import os
import shutil
import subprocess
import sys
import uuid

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from diary import services
from diary.models import Episode, Profile
from tests.helpers import REPO, episode_values

CANARY_NOTE = "Canary note: the lilac umbrella by the blue door"
# Chosen values that appear nowhere else in the database.
CHOSEN = [
    "dark_red", "itching_or_burning", "within_hours", "copper_iud", "a_few_hours",
    "cervix_treatment", "procedure_complication",
]  # fmt: skip

SAVE_DIARY = f"""
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from diary import services
from diary.models import Profile
user = get_user_model().objects.create_user("dump-test", password="a-long-pass-phrase-1")
Profile.objects.create(user=user, year_of_birth=1987, contraception="copper_iud",
                       menopause="no", anticoagulants="no")
services.log_episode(user, dict(
    occurred_at=timezone.now() - datetime.timedelta(hours=2), amount="moderate",
    colour="dark_red", onset="within_hours", duration="a_few_hours", pain_during_sex="severe",
    symptoms=["itching_or_burning"], clots="small", still_bleeding=False, pain_after="none",
    faint=False, pregnancy="no", recent_procedure="cervix_treatment", first_intercourse=False,
    partner_blood=False, non_consensual=False, notes={CANARY_NOTE!r}))
print("saved")
"""


def manage(*args, env, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def file_database(tmp_path):
    """A real SQLite file with the migrations applied, used by separate processes."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'diary.sqlite3'}",
        "CACHE_URL": "",
        "DIARY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    assert manage("migrate", "--noinput", env=env).returncode == 0
    return tmp_path / "diary.sqlite3", env


def test_sqlite_file_holds_no_note_or_chosen_value(file_database):
    path, env = file_database
    result = manage("shell", "--no-imports", "-c", SAVE_DIARY, env=env)
    assert "saved" in result.stdout, result.stderr
    raw = path.read_bytes()
    for wal in path.parent.glob("diary.sqlite3-*"):
        raw += wal.read_bytes()
    assert CANARY_NOTE.encode() not in raw
    assert b"lilac umbrella" not in raw
    for value in CHOSEN:
        assert value.encode() not in raw, value
    assert b"dump-test" in raw  # the file really holds the account: the search is meaningful


@pytest.mark.django_db(transaction=True)
def test_pg_dump_holds_no_note_or_chosen_value(member):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL run of .ci/run (DATABASE_URL=postgres://...)")
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is missing: install postgresql-client")
    Profile.objects.create(user=member, contraception="copper_iud", year_of_birth=1987)
    services.log_episode(
        member,
        episode_values(notes=CANARY_NOTE, colour="dark_red", symptoms=["itching_or_burning"]),
    )
    settings_dict = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "--host",
            settings_dict["HOST"] or "127.0.0.1",
            "--port",
            str(settings_dict["PORT"] or 5432),
            "--username",
            settings_dict["USER"],
            settings_dict["NAME"],
        ],
        capture_output=True,
        timeout=120,
        env={**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""},
    )
    assert dump.returncode == 0, dump.stderr
    assert b"robin" in dump.stdout
    assert b"lilac umbrella" not in dump.stdout
    for value in ("dark_red", "copper_iud", "itching_or_burning"):
        assert value.encode() not in dump.stdout, value


READABLE = (
    "notes", "amount", "colour", "symptoms", "recent_procedure", "assessment_level",
    "assessment_when_logged",
)  # fmt: skip


def readable(episode):
    return [getattr(episode, field) for field in READABLE]


@pytest.mark.django_db
def test_key_rotation_and_reencrypt_keep_every_episode_readable(member):
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(DIARY_ENCRYPTION_KEYS=[old]):
        Profile.objects.create(user=member, contraception="copper_iud", year_of_birth=1987)
        for number in range(7):
            services.log_episode(
                member,
                episode_values(
                    amount="moderate",
                    symptoms=["itching_or_burning"],
                    recent_procedure="coil_fitted",
                    notes=f"note {number} ✓ ünïcode",
                    colour="brown",
                ),
            )
        before = {e.pk: readable(e) for e in Episode.objects.all()}
    with override_settings(DIARY_ENCRYPTION_KEYS=[new, old]):
        call_command("reencrypt_diary", stdout=io.StringIO())
    with override_settings(DIARY_ENCRYPTION_KEYS=[new]):
        after = {e.pk: readable(e) for e in Episode.objects.all()}
        profile = Profile.objects.get(user=member)
    assert after == before
    assert (profile.contraception, profile.year_of_birth) == ("copper_iud", 1987)


@pytest.mark.django_db
def test_every_health_column_is_stored_as_a_token(member):
    services.log_episode(member, episode_values(notes="x", colour="pink"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT amount, colour, notes, symptoms, faint, recent_procedure, "
            "assessment_when_logged FROM diary_episode"
        )
        row = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in row), row


def start_wsgi(env):
    return subprocess.run(
        [sys.executable, "-c", "import pcb_site.wsgi"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_wrong_key_stops_the_app_before_it_serves(file_database):
    _, env = file_database
    manage("shell", "--no-imports", "-c", SAVE_DIARY, env=env)
    assert start_wsgi(env).returncode == 0
    wrong = start_wsgi({**env, "DIARY_ENCRYPTION_KEYS": Fernet.generate_key().decode()})
    assert wrong.returncode != 0
    assert "DIARY_ENCRYPTION_KEYS cannot decrypt" in wrong.stderr
    assert "Traceback" not in wrong.stderr


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "DIARY_ENCRYPTION_KEYS must be set"),
        ("not-a-key", "key number 1 is not a Fernet key"),
        (f"{Fernet.generate_key().decode()},short", "key number 2 is not a Fernet key"),
    ],
)
def test_a_missing_or_malformed_key_is_a_clear_start_up_error(value, message):
    env = {**os.environ, "DIARY_ENCRYPTION_KEYS": value}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_client_ids_stay_unique_per_owner_with_encryption(member):
    client_id = uuid.uuid4()
    services.log_episode(member, episode_values(), client_id=client_id)
    services.log_episode(member, episode_values(), client_id=client_id)
    assert Episode.objects.filter(owner=member).count() == 1
