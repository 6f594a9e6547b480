"""Export the diary as JSON and import it again: into a new account it gives back the same
diary, twice it adds nothing, and a broken or foreign file changes nothing."""

import datetime
import io
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from diary import assessment, follow_up, services
from diary.models import Episode, Profile
from diary.your_data import importing
from knowledge import triage
from tests.helpers import PASSWORD, episode_values

pytestmark = pytest.mark.django_db
PROFILE = {
    "year_of_birth": 1980,
    "country": "GB",
    "menopause": "no",
    "contraception": "copper_iud",
    "anticoagulants": "no",
    "screening": "had",
    "screening_last_date": datetime.date(2024, 5, 1),
    "screening_last_result": "normal",
}
# Differ between two accounts holding the same diary, and only these.
OWN = ("id", "created_at", "updated_at")


def api_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def new_person(name):
    return get_user_model().objects.create_user(username=name, password=PASSWORD)


def fill_diary(owner):
    """A diary with something in every corner: a full profile, a heavy bleed with every
    detail, a self-check saved to the diary, a follow-up, and an episode logged before
    "when logged" was kept."""
    now = timezone.now()
    services.update_profile(services.get_or_create_profile(owner), PROFILE)
    heavy, _ = services.log_episode(
        owner,
        episode_values(
            now - datetime.timedelta(days=40),
            amount="heavy",
            onset="during",
            colour="bright_red",
            clots="large",
            duration="a_few_hours",
            pain_during_sex="mild",
            pain_after="severe",
            symptoms=["fever", "unusual_discharge"],
            new_partner=True,
            condom_used=True,
            notes="=cmd|' /C calc'!A0 and a note with “quotes”, commas, and ünïcödé",
        ),
    )
    follow_up.record_follow_up(heavy, "seen", finding="infection_treated")
    light, _ = services.log_episode(owner, episode_values(now - datetime.timedelta(days=9)))
    follow_up.record_follow_up(light, "booked", booked_for=datetime.date(2026, 12, 3))
    # A self-check saved to the diary: the diary does not go below what it said.
    answers = {**triage.DEFAULTS, "age": 46, "amount": "spotting"}
    answers["symptoms"] = ["pelvic_pain"]
    services.save_self_check(owner, answers, now - datetime.timedelta(days=2), uuid.uuid4())
    legacy, _ = services.log_episode(owner, episode_values(now - datetime.timedelta(days=100)))
    Episode.objects.filter(pk=legacy.pk).update(assessment_when_logged=None)
    return owner


def without_own(document):
    document = json.loads(json.dumps(document))
    document.pop("exported_at")
    for episode in document["episodes"]:
        for field in OWN:
            episode.pop(field)
    return document


def test_export_then_import_into_a_new_account_gives_the_same_diary():
    first, second = fill_diary(new_person("robin")), new_person("sam")
    exported = api_for(first).get("/api/v1/export/")
    assert exported.status_code == 200
    document = exported.json()
    assert document["format"] == "harbour-diary" and document["version"] == 1
    assert len(document["episodes"]) == Episode.objects.filter(owner=first).count() >= 3

    imported = api_for(second).post("/api/v1/import/", document, format="json")
    assert imported.status_code == 200, imported.json()
    assert imported.json()["created"] == len(document["episodes"])
    assert imported.json()["profile"] == "filled"

    again = api_for(second).get("/api/v1/export/").json()
    assert without_own(again) == without_own(document)
    # The new account's own rows: new ids and times, the same client_ids.
    for before, after in zip(document["episodes"], again["episodes"], strict=True):
        assert before["client_id"] == after["client_id"]
        for field in OWN:
            assert before[field] != after[field]
    assert again["exported_at"] != document["exported_at"]


def test_the_export_holds_every_field_decrypted():
    owner = fill_diary(new_person("robin"))
    document = api_for(owner).get("/api/v1/export/").json()
    assert document["profile"]["screening_last_date"] == "2024-05-01"
    heavy = next(e for e in document["episodes"] if e["amount"] == "heavy")
    assert set(assessment.EPISODE_FIELDS) <= set(heavy)
    assert heavy["notes"].startswith("=cmd")
    assert heavy["symptoms"] == ["fever", "unusual_discharge"]
    assert heavy["follow_up"]["finding"] == "infection_treated"
    assert heavy["assessment"]["rules_version"] == triage.load_rules()["version"]
    assert set(heavy["assessment"]["assumptions"]) >= {"reasons", "refine"}
    assert heavy["assessment_when_logged"]["level"] in triage.LEVELS
    datetime.datetime.fromisoformat(heavy["occurred_at"])
    legacy = document["episodes"][0]
    assert legacy["assessment_when_logged"]["level"] == legacy["assessment"]["level"]


def test_importing_twice_adds_nothing_the_second_time():
    first, second = fill_diary(new_person("robin")), new_person("sam")
    document = api_for(first).get("/api/v1/export/").json()
    api = api_for(second)
    assert api.post("/api/v1/import/", document, format="json").status_code == 200
    count = Episode.objects.filter(owner=second).count()
    response = api.post("/api/v1/import/", document, format="json")
    assert response.status_code == 200
    assert response.json()["created"] == 0
    assert response.json()["skipped"] == count
    assert Episode.objects.filter(owner=second).count() == count
    # Into the account it came from, too.
    assert api_for(first).post("/api/v1/import/", document, format="json").json()["created"] == 0


def test_a_profile_with_answers_is_kept_and_the_message_says_so():
    first, second = fill_diary(new_person("robin")), new_person("sam")
    services.update_profile(services.get_or_create_profile(second), {"country": "IE"})
    document = api_for(first).get("/api/v1/export/").json()
    response = api_for(second).post("/api/v1/import/", document, format="json")
    assert response.json()["profile"] == "kept"
    assert "kept" in response.json()["detail"]
    profile = Profile.objects.get(user=second)
    assert (profile.country, profile.year_of_birth) == ("IE", None)


def test_no_one_elses_data_is_in_an_export():
    fill_diary(new_person("robin"))
    sam = new_person("sam")
    services.log_episode(sam, episode_values(notes="sam's own"))
    document = api_for(sam).get("/api/v1/export/").json()
    assert [e["notes"] for e in document["episodes"]] == ["sam's own"]
    assert document["profile"]["year_of_birth"] is None
    download = api_for(sam).get("/diary/export.json")
    assert json.loads(download.content)["episodes"][0]["notes"] == "sam's own"


def test_the_download_is_a_file_that_no_cache_keeps():
    owner = fill_diary(new_person("robin"))
    response = api_for(owner).get("/diary/export.json")
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="diary-{today}.json"'
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["format"] == "harbour-diary"


def test_export_and_import_need_a_signed_in_person():
    client = APIClient()
    assert client.get("/api/v1/export/").status_code == 403
    assert client.post("/api/v1/import/", {}, format="json").status_code == 403
    assert client.get("/diary/export.json").status_code == 302
    assert client.post("/diary/import/").status_code == 302


# Broken and foreign files ---------------------------------------------------------------


def a_valid_document():
    owner = fill_diary(new_person("robin"))
    return api_for(owner).get("/api/v1/export/").json()


def with_bad_episode(document):
    document["episodes"][1]["amount"] = "lots"
    document["episodes"][2]["occurred_at"] = "yesterday"
    return json.dumps(document).encode()


def with_an_answer_from_the_future(document):
    # An "ask again" date past what the diary can count to made the diary home a 500.
    document["episodes"][1]["follow_up"]["answered_at"] = "9999-12-31T00:00:00+00:00"
    return json.dumps(document).encode()


BROKEN = {
    "corrupt JSON": lambda doc: json.dumps(doc).encode()[:-40],
    "another app's JSON": lambda doc: json.dumps({"entries": [{"date": "2026-01-01"}]}).encode(),
    "a CSV": lambda doc: b"\xef\xbb\xbfDate and time,Amount\n2026-01-01 10:00,Light\n",
    "a binary file": lambda doc: b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe",
    "a newer version": lambda doc: json.dumps({**doc, "version": 7}).encode(),
    "20 MB": lambda doc: b" " * (20 * 1024 * 1024) + json.dumps(doc).encode(),
    "a bad episode": with_bad_episode,
    "an answer from the future": with_an_answer_from_the_future,
    # Read as one of ours by the error list once, which made the form a 500.
    "a key like ours": lambda doc: json.dumps({**doc, "episodes[": 1}).encode(),
}
EXPECTED = {
    "corrupt JSON": "could not be read as JSON",
    "another app's JSON": "not a diary export from this app",
    "a CSV": "spreadsheet (CSV)",
    "a binary file": "not a text file",
    "a newer version": "newer version",
    "20 MB": "too large",
    "a bad episode": "Episode 2, amount:",
    "an answer from the future": "This is in the future.",
    "a key like ours": "episodes[: Unknown field.",
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_file_changes_nothing_and_says_why_next_to_the_field(kind):
    document = a_valid_document()
    sam = new_person("sam")
    upload = io.BytesIO(BROKEN[kind](document))
    upload.name = "diary.json"
    client = api_for(sam)
    response = client.post("/diary/import/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert EXPECTED[kind] in html
    assert 'class="error-summary"' in html and "field--error" in html
    assert 'href="#id_file"' in html
    assert Episode.objects.filter(owner=sam).count() == 0
    assert not services.profile_has_answers(services.get_or_create_profile(sam))


def test_the_form_lists_every_bad_field_with_its_episode():
    sam = new_person("sam")
    upload = io.BytesIO(with_bad_episode(a_valid_document()))
    upload.name = "diary.json"
    html = api_for(sam).post("/diary/import/", {"file": upload}).content.decode()
    assert "Episode 2, amount:" in html and "Episode 3, occurred_at:" in html


def test_an_upload_without_a_file_asks_for_one():
    response = api_for(new_person("sam")).post("/diary/import/", {})
    assert response.status_code == 400
    assert "Choose the file to import." in response.content.decode()


def test_the_api_names_each_bad_field_and_imports_nothing():
    document = a_valid_document()
    document["episodes"][0]["symptoms"] = ["fever", "fever"]
    document["episodes"][1]["amount"] = "lots"
    document["episodes"][2]["assessment"]["level"] = "panic"
    document["episodes"][2]["follow_up"] = {"status": "seen", "finding": "elves"}
    document["profile"]["year_of_birth"] = "1980"
    document["surprise"] = 1
    sam = new_person("sam")
    response = api_for(sam).post("/api/v1/import/", document, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {
        "episodes[0].symptoms",
        "episodes[1].amount",
        "episodes[2].assessment.level",
        "episodes[2].follow_up.finding",
        "episodes[2].follow_up.answered_at",
        "profile.year_of_birth",
        "surprise",
    } <= set(errors)
    assert Episode.objects.filter(owner=sam).count() == 0


def test_the_same_client_id_twice_in_one_file_is_an_error():
    document = a_valid_document()
    document["episodes"][1]["client_id"] = document["episodes"][0]["client_id"]
    response = api_for(new_person("sam")).post("/api/v1/import/", document, format="json")
    assert response.status_code == 400
    assert "episodes[1].client_id" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"format": "harbour-diary", "versi', "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b"Date and time,Amount\n2026-01-01,Light\n", "text/csv", 415),
        (b"{" + b" " * (20 * 1024 * 1024) + b"}", "application/json", 413),
    ],
    ids=["corrupt", "a list", "csv", "20 MB"],
)
def test_the_api_refuses_what_is_not_an_export_without_a_500(body, content_type, status):
    sam = new_person("sam")
    response = api_for(sam).generic("POST", "/api/v1/import/", body, content_type=content_type)
    assert response.status_code == status
    assert "detail" in response.json()
    assert Episode.objects.filter(owner=sam).count() == 0


def test_nothing_is_half_imported_when_a_write_fails(monkeypatch):
    document = a_valid_document()
    sam = new_person("sam")
    _profile, episodes = importing.validate(document, sam)

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(assessment, "reassess", fail)
    with pytest.raises(RuntimeError):
        services.import_diary(sam, _profile, episodes)
    assert Episode.objects.filter(owner=sam).count() == 0
    assert not services.profile_has_answers(services.get_or_create_profile(sam))


def test_an_import_is_assessed_again_but_keeps_what_each_episode_was_told():
    """Into an account whose profile stands (no year of birth, so age unknown), the current
    assessment is worked out again; what the person was told when they logged it is not."""
    document = a_valid_document()
    for episode in document["episodes"]:
        episode["assessment"] = {**episode["assessment"], "level": "self_care", "reasons": []}
        episode["assessment_when_logged"] = {
            "level": "emergency",
            "reasons": ["heavy_bleeding"],
            "rules_version": "1",
        }
    sam = new_person("sam")
    assert api_for(sam).post("/api/v1/import/", document, format="json").status_code == 200
    for episode in Episode.objects.filter(owner=sam):
        assert episode.assessment_level != "self_care"
        assert episode.assessment_when_logged["rules_version"] == "1"
        assert episode.assessment_when_logged["level"] == "emergency"


def test_a_successful_upload_says_what_it_did(client):
    document = a_valid_document()
    sam = new_person("sam")
    client.force_login(sam)
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "diary.json"
    response = client.post("/diary/import/", {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/accounts/#your-data")
    html = response.content.decode()
    count = len(document["episodes"])
    assert f"{count} episodes were added to your diary." in html
    assert "Your profile was filled in from the file." in html
    assert Episode.objects.filter(owner=sam).count() == count


def test_the_api_schema_documents_export_and_import(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "get" in paths["/api/v1/export/"]
    assert "post" in paths["/api/v1/import/"]
