"""WSGI entry point for gunicorn: `gunicorn pcb_site.wsgi`."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcb_site.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    # Refuse to serve with keys that cannot read the stored diary (diary/encryption.py).
    from diary.encryption import verify_keys_read_stored_data

    verify_keys_read_stored_data()
except ImproperlyConfigured as error:
    # A setting is wrong: say which and how to fix it, without a stack trace, and stop.
    print(f"Configuration error: {error}", file=sys.stderr)
    raise SystemExit(1) from None
