"""The diary as the person takes it away: a JSON document that this app (or a later version
of it) can import again, and a CSV of the episodes for a spreadsheet.

Both hold the decrypted answers: the export is for the person, not for a backup of the
database. Dates and times are ISO 8601; codes are the spec's codes (`heavy_bleeding`,
`soon`), so that the document reads the same in any language.
"""

import csv
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from diary import assessment, follow_up
from diary.choices import LABELS
from diary.models import Episode, Profile
from diary.timeline import LEVEL_NAMES

FORMAT = "harbour-diary"
VERSION = 1

PROFILE_FIELDS = (
    "year_of_birth", "country", "menopause", "contraception", "anticoagulants", "screening",
    "screening_last_date", "screening_last_result",
)  # fmt: skip


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def profile_data(profile: Profile) -> dict[str, Any]:
    data = {field: _iso(getattr(profile, field)) for field in PROFILE_FIELDS}
    data["basics_offered"] = profile.basics_offered
    return data


def episode_data(episode: Episode) -> dict[str, Any]:
    """Every field of one episode, its assessments then and now, and its follow-up."""
    data: dict[str, Any] = {"id": str(episode.pk), "client_id": str(episode.client_id)}
    data.update({field: _iso(getattr(episode, field)) for field in assessment.EPISODE_FIELDS})
    data["assessment"] = {
        **assessment.current_of(episode),
        "assumptions": episode.assessment_assumptions,
    }
    # Episodes logged before "when logged" was kept read as their stored assessment, as
    # the episode page and the API show them.
    data["assessment_when_logged"] = dict(
        episode.assessment_when_logged or assessment.current_of(episode)
    )
    data["follow_up"] = episode.follow_up
    data["created_at"] = _iso(episode.created_at)
    data["updated_at"] = _iso(episode.updated_at)
    return data


def own_episodes(user: Any):
    return Episode.objects.filter(owner=user).order_by("occurred_at", "created_at")


def build_document(user: Any) -> dict[str, Any]:
    """The whole diary of `user`, oldest episode first."""
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "profile": profile_data(profile),
        "episodes": [episode_data(episode) for episode in own_episodes(user)],
    }


def filename(extension: str) -> str:
    return f"diary-{timezone.localdate().isoformat()}.{extension}"


# CSV ------------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CIRCUMSTANCES = list(LABELS["circumstances"])


def neutralise(cell: Any) -> str:
    """The cell as text a spreadsheet shows and never runs."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _label(field: str, value: str) -> str:
    return str(LABELS[field].get(value, value)) if value else ""


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _level(code: str) -> str:
    return str(LEVEL_NAMES.get(code, code))


def csv_columns() -> list[tuple[str, Any]]:
    """(header, function of an episode) for each column, in the order shown."""
    return [
        (
            _("Date and time"),
            lambda e: timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M"),
        ),
        (_("When it started"), lambda e: _label("onset", e.onset)),
        (_("Amount"), lambda e: _label("amount", e.amount)),
        (_("Colour"), lambda e: _label("colour", e.colour)),
        (_("Clots"), lambda e: _label("clots", e.clots)),
        (_("How long it lasted"), lambda e: _label("duration", e.duration)),
        (_("Still bleeding"), lambda e: _yes_no(e.still_bleeding)),
        (_("Pain during sex"), lambda e: _label("pain_during_sex", e.pain_during_sex)),
        (_("Pain after sex"), lambda e: _label("pain_after", e.pain_after)),
        (_("Felt faint"), lambda e: _yes_no(e.faint)),
        (_("Symptoms"), lambda e: "; ".join(_label("symptoms", s) for s in e.symptoms)),
        (_("Pregnancy"), lambda e: _label("pregnancy", e.pregnancy)),
        (_("Recent procedure"), lambda e: _label("recent_procedure", e.recent_procedure)),
        (
            _("Circumstances"),
            lambda e: "; ".join(_label("circumstances", c) for c in CIRCUMSTANCES if getattr(e, c)),
        ),
        (_("Notes"), lambda e: e.notes),
        (_("Advice now"), lambda e: _level(e.assessment_level)),
        (_("Advice when logged"), lambda e: _level(_when_logged(e)["level"])),
        (_("Rules version"), lambda e: e.assessment_rules_version),
        (_("Got it checked?"), lambda e: follow_up.outcome(e.follow_up)),
    ]


def _when_logged(episode: Episode) -> dict[str, Any]:
    return episode.assessment_when_logged or assessment.current_of(episode)


def build_csv(user: Any) -> str:
    """One row per episode, oldest first, under a header row; with a byte order mark so
    that spreadsheets read it as UTF-8."""
    columns = csv_columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(header) for header, _value in columns])
    for episode in own_episodes(user):
        writer.writerow([neutralise(value(episode)) for _header, value in columns])
    return "\ufeff" + out.getvalue()
