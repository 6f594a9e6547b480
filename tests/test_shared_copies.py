"""The repository's copies of the shared clinical brief, triage contract and vignettes match
their originals.

The originals live in ../shared/, outside the repository, beside main/. The tests read the
copies, so a fresh clone tests the same contract anywhere; this test notices when the
originals move on and the copies need refreshing (copy the file over, then run the suite).
"""

import pytest

from tests.helpers import REPO

SHARED = REPO.parent / "shared"
COPIES = {
    "content/clinical-brief.md": REPO / "docs" / "clinical-brief.md",
    "spec/triage-api.md": REPO / "docs" / "triage-api.md",
    "triage/vignettes.json": REPO / "tests" / "data" / "vignettes.json",
}


@pytest.mark.parametrize("original", COPIES)
def test_copy_matches_the_shared_original(original):
    if not SHARED.is_dir():
        pytest.skip(f"no {SHARED} beside the repository: nothing to compare the copies with")
    source, copy = SHARED / original, COPIES[original]
    assert source.exists(), f"{source} is gone: where is the original of {copy.relative_to(REPO)}?"
    assert copy.read_bytes() == source.read_bytes(), (
        f"{copy.relative_to(REPO)} differs from {source}: copy it over (cp {source} {copy})"
    )
