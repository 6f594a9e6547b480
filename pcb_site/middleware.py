import zoneinfo

from django.utils import timezone

COOKIE = "tz"


class TimezoneMiddleware:
    """Show and read times in the person's own time zone.

    static/js/timezone.js stores the browser's IANA zone name in a cookie; without it (no
    JavaScript yet) times are in UTC. Only a known zone name is accepted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.COOKIES.get(COOKIE, "")
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
