"""The one place that writes diary data: log, edit and delete episodes, update the profile,
and the validation the web forms and the API share. Every write that can move an answer
keeps every episode's assessment current (diary.assessment.reassess), in one transaction."""

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diary import assessment
from diary.assessment import EPISODE_FIELDS, Values
from diary.models import Episode, Profile
from knowledge import triage
from knowledge.triage import Answers, Result

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)


# Validation shared by the web forms and the API serializers, so that both say the same
# thing about the same mistake. Each raises Django's ValidationError, which DRF turns into
# a 400 naming the field.


def validate_occurred_at(
    moment: datetime.datetime, year_of_birth: int | None = None
) -> datetime.datetime:
    if moment > timezone.now() + CLOCK_SKEW:
        raise ValidationError(_("This is in the future. Enter when it happened."))
    if moment.year < 1900:
        raise ValidationError(_("Check the year."))
    if year_of_birth and moment.year < year_of_birth:
        raise ValidationError(
            _("This is before the year of birth in your profile. Check the date.")
        )
    return moment


def validate_year_of_birth(year: int | None) -> int | None:
    if year is None:
        return None
    this_year = timezone.now().year
    if not this_year - 120 <= year <= this_year - 10:
        raise ValidationError(
            _("Enter a year between %(first)s and %(last)s."),
            params={"first": this_year - 120, "last": this_year - 10},
        )
    return year


def validate_screening_last_date(date: datetime.date | None) -> datetime.date | None:
    if date and date > timezone.localdate():
        raise ValidationError(_("This is in the future. Enter the date it happened."))
    return date


def validate_screening(
    screening: str | None, last_date: datetime.date | None, last_result: str | None
) -> None:
    """The profile's screening answers as a whole: "never" excludes a date or a result."""
    if screening == "never" and (last_date or last_result):
        raise ValidationError(
            {
                "screening": _(
                    "You chose 'never', but also gave a date or result. Choose one or the other."
                )
            }
        )


def _set_values(episode: Episode, values: Values) -> Values:
    """Copy the given fields onto the episode; all its fields, as the rules will read them.
    A field left out keeps its current value, or the model's default on a new episode."""
    for field in EPISODE_FIELDS:
        if field in values:
            setattr(episode, field, values[field])
    return {field: getattr(episode, field) for field in EPISODE_FIELDS}


def log_episode(
    owner: Any,
    values: Values,
    client_id: uuid.UUID | None = None,
    told: Result | None = None,
    profile: Profile | None = None,
) -> tuple[Episode, bool]:
    """Save a new episode, and assess it and every episode its time touches (a backdated
    one changes the history of those after it). Returns (episode, created).

    `told` is a triage.evaluate result the person has already seen, when they save a
    self-check to the diary: the episode keeps it as what they were told, and its current
    assessment never goes below it (assessment.more_urgent_result). `profile`: the owner's,
    when the caller has it already.

    With a client_id already used by this owner, returns the first episode unchanged: the
    offline queue may send the same episode twice.
    """
    episode = Episode(owner=owner, client_id=client_id or uuid.uuid4())
    _set_values(episode, values)
    if told:
        episode.assessment_when_logged = {**assessment.as_stored(told), "floor": True}
    try:
        with transaction.atomic():
            # Assessed before it is saved, so that one INSERT writes it whole.
            assessment.reassess(
                owner, around=[episode.occurred_at], profile=profile, adding=episode
            )
            if not told:
                # What the person is told now, and will see as "when you logged this" later.
                episode.assessment_when_logged = assessment.current_of(episode)
            episode.save(force_insert=True)
    except IntegrityError:
        # This client_id was used before (the unique constraint says so, also when two
        # copies race): nothing of this one was saved; return the first.
        return Episode.objects.get(owner=owner, client_id=episode.client_id), False
    return episode, True


def update_episode(episode: Episode, values: Values) -> Episode:
    """Change an episode: only the fields given are written, so two people (or two devices)
    changing different fields at once do not undo each other. Then every episode whose
    history the old or the new time touches is assessed again. What the person was told
    when they logged it stays as it was."""
    moved_from = episode.occurred_at
    changed = [field for field in EPISODE_FIELDS if field in values]
    _set_values(episode, values)
    update_fields = [*changed, "updated_at"]
    if episode.assessment_when_logged is None:
        # Logged before this was kept, so it reads as the stored assessment: keep that one
        # before it is replaced.
        episode.assessment_when_logged = assessment.current_of(episode)
        update_fields.append("assessment_when_logged")
    elif episode.assessment_when_logged.get("floor"):
        # The self-check's answer held while its answers stood; the person has now changed
        # them, so the diary decides from what they say (what they were told is kept).
        episode.assessment_when_logged = {**episode.assessment_when_logged, "floor": False}
        update_fields.append("assessment_when_logged")
    with transaction.atomic():
        episode.save(update_fields=update_fields)
        assessment.reassess(
            episode.owner,
            around=[moved_from, episode.occurred_at],
            removed=[moved_from],
            edited=episode,
        )
    episode.refresh_from_db()
    return episode


def delete_episode(episode: Episode) -> None:
    with transaction.atomic():
        episode.delete()
        assessment.reassess(
            episode.owner, around=[episode.occurred_at], removed=[episode.occurred_at]
        )


def save_self_check(
    owner: Any, answers: Answers, checked_at: datetime.datetime, client_id: uuid.UUID
) -> tuple[Episode, dict[str, Any]]:
    """A self-check result saved as a diary episode, with nothing to type again. What the
    check said is kept as what the person was told, and the diary does not go below it
    (log_episode's `told`). Answers that belong to the profile fill its gaps first, so the
    diary's own assessment knows them too. Returns the episode and the facts filled in."""
    values = {field: answers[field] for field in assessment.TRIAGE_FIELDS}
    values["occurred_at"] = checked_at
    with transaction.atomic():
        profile = get_or_create_profile(owner)
        filled = profile_gaps_from_check(profile, answers, checked_at)
        if filled:
            update_profile(profile, filled)
        episode, _created = log_episode(
            owner, values, client_id=client_id, told=triage.evaluate(answers), profile=profile
        )
    return episode, filled


def profile_gaps_from_check(
    profile: Profile, answers: Answers, moment: datetime.datetime
) -> dict[str, Any]:
    """What a self-check being saved to the diary can add to an empty profile field, so
    that nothing is typed twice: an age typed in, and a menopause or blood-thinner answer
    the person chose. The check's starting answers ("no") may never have been read, so they
    fill nothing, and nothing already in the profile is overwritten."""
    gaps = {}
    if profile.year_of_birth is None and answers.get("age") is not None:
        gaps["year_of_birth"] = moment.year - answers["age"]  # the same age as age_at gives
    if not profile.menopause and answers.get("menopause") in ("yes", "unsure"):
        gaps["menopause"] = answers["menopause"]
    if not profile.anticoagulants and answers.get("anticoagulants"):
        gaps["anticoagulants"] = "yes"
    return gaps


def update_profile(profile: Profile, values: dict[str, Any]) -> Profile:
    """Change only the fields given (a concurrent change to another field stands), then
    assess every episode again: age, menopause, screening and blood thinners all count."""
    for field, value in values.items():
        setattr(profile, field, value)
    with transaction.atomic():
        profile.save(update_fields=[*values, "updated_at"])
        assessment.reassess(profile.user)
    return profile


def remember_language(user: Any, language: str) -> None:
    """Keep the language the person chose, for their next sign-in on any device."""
    Profile.objects.get_or_create(user=user)
    Profile.objects.filter(user=user).exclude(language=language).update(
        language=language, updated_at=timezone.now()
    )


def saved_language(user: Any) -> str:
    """The language the person last chose, or ""."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""


def get_or_create_profile(user: Any) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def delete_episodes_before(owner: Any, cutoff: datetime.datetime) -> int:
    """Delete the owner's episodes that happened before `cutoff` (automatic deletion,
    diary/your_data/retention.py), then assess again those whose history counted them.
    Returns how many were deleted; sends no DELETE when there are none."""
    with transaction.atomic():
        old = Episode.objects.filter(owner=owner, occurred_at__lt=cutoff)
        times = list(old.values_list("occurred_at", flat=True))
        if not times:
            return 0
        old.delete()
        assessment.reassess(owner, around=[min(times), max(times)])
    return len(times)


# Import ---------------------------------------------------------------------------------

# The profile's answers: a profile with none of them has nothing an import could overwrite.
PROFILE_ANSWERS = (
    "year_of_birth", "country", "menopause", "contraception", "anticoagulants", "screening",
    "screening_last_date", "screening_last_result",
)  # fmt: skip


def profile_has_answers(profile: Profile) -> bool:
    return any(getattr(profile, field) not in (None, "") for field in PROFILE_ANSWERS)


def import_diary(
    owner: Any, profile_values: dict[str, Any], episodes: list[dict[str, Any]]
) -> dict[str, Any]:
    """Add a validated export (diary.your_data.importing) to the owner's diary, all of it or
    nothing. Episodes whose client_id the owner already has are left as they are, so the
    same file imported twice adds nothing. The profile is filled in only when the owner's
    has no answers yet; otherwise the owner's own answers stand.

    Each episode keeps what the person was told when they logged it, its follow-up and its
    current assessment; then the whole diary is assessed again, so that the current
    assessments account for the profile and the history they now sit in.

    Returns {"created", "skipped", "profile": "filled" | "kept" | "none"}.
    """
    with transaction.atomic():
        profile = get_or_create_profile(owner)
        # As the profile API validates them: "" or None for "prefer not to say".
        given = {field: profile_values[field] for field in PROFILE_ANSWERS}
        if not any(value not in (None, "") for value in given.values()):
            profile_outcome = "none"
        elif profile_has_answers(profile):
            profile_outcome = "kept"
        else:
            for field, value in given.items():
                setattr(profile, field, value)
            profile.basics_offered = profile.basics_offered or bool(
                profile_values.get("basics_offered")
            )
            profile.save()
            profile_outcome = "filled"
        known = set(Episode.objects.filter(owner=owner).values_list("client_id", flat=True))
        created = 0
        for item in episodes:
            if item["client_id"] in known:
                continue
            episode = Episode(owner=owner, client_id=item["client_id"])
            _set_values(episode, item["values"])
            current = item["assessment"]
            episode.assessment_level = current["level"]
            episode.assessment_reasons = current["reasons"]
            episode.assessment_rules_version = current["rules_version"]
            episode.assessment_assumptions = current.get("assumptions")
            episode.assessment_when_logged = item["assessment_when_logged"]
            episode.follow_up = item["follow_up"]
            episode.save()
            known.add(episode.client_id)
            created += 1
        if created or profile_outcome == "filled":
            assessment.reassess(owner)
    return {"created": created, "skipped": len(episodes) - created, "profile": profile_outcome}
