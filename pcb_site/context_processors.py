from django.conf import settings
from django.utils.crypto import salted_hmac


def site(request):
    """Site-wide template values: the neutral name, the quick-exit address, the current section."""
    # "brand_name", not "site_name": Django's auth views put the host name under that key.
    return {
        "brand_name": settings.SITE_NAME,
        "discreet_titles": settings.DISCREET_TITLES,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "nav_section": request.path.strip("/").split("/", 1)[0],
        "session_mark": session_mark(request),
        # The language switch names each language in itself, untranslated: someone who
        # cannot read the page's language still finds their own.
        "site_languages": settings.LANGUAGES,
    }


def session_mark(request):
    """Names the signed-in session to static/js/left-quickly.js, so that a page of a session
    left with "Leave quickly" does not show again. Derived from the session key, which stays
    in its HttpOnly cookie: the mark cannot be turned back into it. Signing in gives a new
    key (Django cycles it), so a new mark."""
    user = getattr(request, "user", None)
    key = request.session.session_key if hasattr(request, "session") else None
    if user is None or not user.is_authenticated or not key:
        return ""
    return salted_hmac("pcb_site.left-quickly", key).hexdigest()[:24]
