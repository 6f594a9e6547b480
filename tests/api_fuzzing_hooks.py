"""schemathesis hooks for tests/test_api_fuzzing.py: the rules that the schema states in
words only, because OpenAPI cannot state them, kept by the data the fuzzer calls valid.

The schemathesis command loads this module (its config's `hooks`). Only what the fuzzer
sends as valid ("positive") changes here: invalid data is drawn as schemathesis draws it.
"""

import datetime

import schemathesis
from hypothesis import strategies as st

# A moment is not in the future, not before 1900 and not before the profile's year of birth,
# which is at least 10 years ago (diary.services): from 9 years ago until yesterday, any
# offset a clock can show, keeps all three whatever the profile says.
TODAY = datetime.date.today()
FIRST_DAY = datetime.date(TODAY.year - 9, 1, 1)
LAST_DAY = TODAY - datetime.timedelta(days=1)

days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)
moments = st.builds(
    lambda day, seconds, offset: (
        datetime.datetime.combine(day, datetime.time(), offset)
        + datetime.timedelta(seconds=seconds)
    ),
    days,
    st.integers(min_value=0, max_value=24 * 60 * 60 - 1),
    offsets,
)

schemathesis.openapi.format("date", days.map(datetime.date.isoformat))
schemathesis.openapi.format("date-time", moments.map(datetime.datetime.isoformat))


@schemathesis.hook
def map_case(context, case):
    """The episode list refuses occurred_before before occurred_after: a valid request with
    both asks for one day or moment."""
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    query = case.query or {}
    if (
        positive
        and case.operation.path == "/api/v1/episodes/"
        and "occurred_after" in query
        and "occurred_before" in query
    ):
        query["occurred_before"] = query["occurred_after"]
    return case
