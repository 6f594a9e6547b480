"""Static files are named by the hash of their content, and the name a page gives is the one
in the manifest of the files as collected, every time it is asked for."""

import json

import pytest

from pcb_site.static_storage import ManifestStorage


@pytest.fixture
def collected(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.abc123def456.css").write_text("body{}")
    manifest = {"paths": {"css/site.css": "css/site.abc123def456.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return tmp_path


def test_a_file_is_named_by_its_hash_each_time(collected):
    storage = ManifestStorage(location=collected, base_url="/static/")
    assert storage.url("css/site.css") == "/static/css/site.abc123def456.css"
    assert storage.url("css/site.css") == "/static/css/site.abc123def456.css"


def test_a_file_not_collected_is_an_error_each_time(collected):
    """Not remembered as some address: a template naming a missing file fails loudly."""
    storage = ManifestStorage(location=collected, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/missing.js")


def test_a_new_deploy_names_the_new_files(collected):
    """A deploy collects again and starts new processes: a new storage reads the new
    manifest."""
    ManifestStorage(location=collected, base_url="/static/").url("css/site.css")
    manifest = {"paths": {"css/site.css": "css/site.0987654321ab.css"}, "version": "1.1"}
    (collected / "staticfiles.json").write_text(json.dumps(manifest))
    storage = ManifestStorage(location=collected, base_url="/static/")
    assert storage.url("css/site.css") == "/static/css/site.0987654321ab.css"
