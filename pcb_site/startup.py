"""Start the WSGI or ASGI application, or stop with the reason.

manage.py commands run Django's system checks themselves; an application server does not.
Running them here, the database checks included, means a missing or wrong diary key
(diary/encryption.py) stops gunicorn at start-up with the message, instead of failing later
on a person's diary. A wrong setting stops it the same way, without a stack trace.
"""

import io
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import SystemCheckError


def checked_application(get_application):
    """get_application() (Django's get_wsgi_application or get_asgi_application), once the
    settings load and every check passes; otherwise print what is wrong and exit."""
    try:
        application = get_application()
        from django.core.management import call_command

        call_command("check", databases=["default"], fail_level="ERROR", stdout=io.StringIO())
    except (SystemCheckError, ImproperlyConfigured) as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    return application
