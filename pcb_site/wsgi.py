"""WSGI entry point for gunicorn: `gunicorn pcb_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcb_site.settings")

application = get_wsgi_application()

# Refuse to serve with keys that cannot read the stored diary (see diary/encryption.py).
from diary.encryption import verify_keys_read_stored_data  # noqa: E402

verify_keys_read_stored_data()
