"""How the API reads a request body, and what it answers when it will not.

Every JSON endpoint reads through DepthLimitedJSONParser (REST_FRAMEWORK's
DEFAULT_PARSER_CLASSES; the triage API's any-content-type parser is one too), and a body
larger than Django reads is answered by exception_handler. Both answer in DRF's usual
{"detail": "..."} shape, never with a 500 or an HTML page.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status

# Our deepest request (an episode's follow_up) nests two levels. The cap leaves room to grow
# and keeps anything that walks the data later (DRF's fields, str() in an error message) far
# below Python's recursion limit.
MAX_DEPTH = 32


class DepthLimitedJSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing JSON nested more than MAX_DEPTH lists and objects deep.

    A few kilobytes of brackets overflow Python's recursive JSON parser, and the
    RecursionError is no ValueError, so DRF's parser lets it through as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if _deeper_than(data, MAX_DEPTH):
            raise _too_deep()
        return data


def _too_deep():
    return exceptions.ParseError(
        _(
            "The request body is nested too deeply: at most {limit} levels of lists and "
            "objects are read."
        ).format(limit=MAX_DEPTH)
    )


def _deeper_than(data, limit):
    # A loop with its own stack, not recursion: the depth is what is in question.
    pending = [(data, 1)] if isinstance(data, dict | list) else []
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def exception_handler(exc, context):
    """DRF's handler, which also answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE.

    Django raises RequestDataTooBig when DRF first reads the body (in the view, or in the
    CSRF check of a session's POST). It is a SuspiciousOperation, not an APIException, so
    without this Django would answer with its HTML 400 page.
    """
    # Imported here: rest_framework.views reads DEFAULT_PARSER_CLASSES, this module, as it loads.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, RequestDataTooBig):
        size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        exc = RequestTooLarge(
            _("The request body is too large: at most {size} is read.").format(size=size)
        )
    return drf_exception_handler(exc, context)
