"""The production settings, with two more addresses (bench/urls.py) for the reference rows of
bench/load.py. gunicorn runs with these only in the benchmark; nothing else changes."""

from pcb_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
