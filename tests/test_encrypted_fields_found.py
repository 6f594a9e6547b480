"""Key rotation and the start-up key check find every encrypted field through the app
registry, so diary/encryption.py never imports the models that use it."""

import ast
from pathlib import Path

from diary.encryption import EncryptedField, encrypted_models
from diary.models import Episode, EpisodePoints, Profile


def test_every_encrypted_field_of_the_diary_is_found():
    found = {model: {field.name for field in fields} for model, fields in encrypted_models()}
    assert set(found) == {Profile, Episode, EpisodePoints}
    for model in (Profile, Episode, EpisodePoints):
        expected = {f.name for f in model._meta.fields if isinstance(f, EncryptedField)}
        assert found[model] == expected
    assert {"notes", "amount", "assessment_when_logged"} <= found[Episode]


def test_encryption_imports_no_models():
    source = Path(__file__).resolve().parent.parent / "diary" / "encryption.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {name for name in imported if name.startswith(("diary", "knowledge"))}
