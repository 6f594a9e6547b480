"""The Russian catalogue: complete, compiled, and used for every string a page shows.

A string added to a template or to Python without its translation fails here twice: the
catalogue no longer holds every string of the sources (when GNU gettext is installed, as in
CI), and a page that shows it asks the catalogue for a string it does not have.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from knowledge.pages import all_pages

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")


def test_every_string_of_the_catalogue_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()]
    assert not catalogue.fuzzy_entries(), [e.msgid for e in catalogue.fuzzy_entries()]
    assert not catalogue.obsolete_entries(), [e.msgid for e in catalogue.obsolete_entries()]


def test_every_translation_keeps_the_placeholders_of_its_original():
    for entry in polib.pofile(str(PO)).translated_entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            found = sorted(PLACEHOLDER.findall(text))
            # A plural's first form may say "one" in words instead of the number.
            assert set(found) <= set(wanted) and (found or not wanted or entry.msgid_plural), (
                entry.msgid,
                text,
            )


def test_the_compiled_catalogue_is_the_catalogue():
    """The .mo is committed, so that set-up needs no gettext: it must say what the .po says."""
    source = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(PO)).translated_entries()}
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(MO))}
    compiled.pop((None, ""), None)  # the header
    assert compiled.keys() == source.keys(), "run `make messages`"
    for key, entry in source.items():
        assert compiled[key].msgstr == entry.msgstr, key
        assert compiled[key].msgstr_plural == entry.msgstr_plural, key


SOURCES = ["diary", "knowledge", "pcb_site", "templates", "manage.py", "locale"]


@pytest.mark.skipif(
    not shutil.which("xgettext"), reason="needs GNU gettext (apt-get install gettext)"
)
def test_the_catalogue_holds_every_string_of_the_sources(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--add-location=file"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / PO.relative_to(ROOT)))}
    kept = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert fresh == kept, {"new, run `make messages`": fresh - kept, "gone": kept - fresh}


@pytest.fixture
def missing_strings(monkeypatch):
    """Every msgid a page asks the Russian catalogue for that it does not have."""
    missing = set()
    translation.activate("ru")
    catalogue = trans_real.translation("ru")
    translation.deactivate()
    real_gettext, real_ngettext = catalogue.gettext, catalogue.ngettext

    def gettext(message):
        if message and message not in catalogue._catalog:
            missing.add(message)
        return real_gettext(message)

    def ngettext(singular, plural, number):
        if (singular, 0) not in catalogue._catalog:
            missing.add(singular)
        return real_ngettext(singular, plural, number)

    monkeypatch.setattr(catalogue, "gettext", gettext)
    monkeypatch.setattr(catalogue, "ngettext", ngettext)
    return missing


PUBLIC = ["/", "/learn/", "/check/", "/privacy/", "/learn/search/?q=blood", "/offline/"]


@pytest.mark.django_db
def test_every_public_page_in_russian_shows_only_translated_strings(client, missing_strings):
    paths = [*PUBLIC, *(page.url for page in all_pages("ru").values())]
    for path in paths:
        # The search answers on a page of its own (its words travel in a cookie).
        response = client.get(path, follow=True, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200, path
        assert response["Content-Language"] == "ru", path
    assert not missing_strings


@pytest.mark.django_db
def test_the_self_check_result_in_russian_shows_only_translated_strings(client, missing_strings):
    from tests.test_triage_vignettes import _vignettes, form_data

    for param in _vignettes():
        answers = param.values[0]["input"]
        client.post("/check/", form_data(answers), follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    assert not missing_strings


SIGNED_IN = [
    "/diary/",
    "/diary/new/",
    "/diary/profile/",
    "/diary/import/",
    "/diary/report/",
    "/accounts/",
    "/accounts/delete/",
]


@pytest.mark.django_db
def test_the_diary_in_russian_shows_only_translated_strings(signed_in, member, missing_strings):
    from diary import services
    from tests.helpers import episode_values

    services.log_episode(member, episode_values(amount="moderate", clots="large"))
    services.log_episode(member, episode_values())
    episode = member.episodes.first()
    pages = ["edit/", "follow-up/", "delete/"]
    for path in [*SIGNED_IN, f"/diary/{episode.pk}/", *(f"/diary/{episode.pk}/{p}" for p in pages)]:
        response = signed_in.get(path, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200, path
    assert not missing_strings
