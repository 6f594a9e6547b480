"""WSGI entry point for gunicorn: `gunicorn pcb_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from pcb_site.startup import checked_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcb_site.settings")

application = checked_application(get_wsgi_application)
