"""ASGI entry point, for an ASGI server (`uvicorn pcb_site.asgi:application`). Production
runs gunicorn on pcb_site.wsgi; both run the system checks before serving."""

import os

from django.core.asgi import get_asgi_application

from pcb_site.startup import checked_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcb_site.settings")

application = checked_application(get_asgi_application)
