import logging
import re

# "GET /diary/?date_from=2026-01-01 HTTP/1.1" -> "GET /diary/?[query removed] HTTP/1.1"
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


class RedactQueryStrings(logging.Filter):
    """Remove query strings from every logged address.

    A diary filter, a search or a self-check address could say something about someone's
    health; the path alone is enough to run the site.
    """

    def filter(self, record):
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = _QUERY.sub(r"\1?[query removed]", message), ()
        return True
