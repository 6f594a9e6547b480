"""Choosing the site's language: a switch at the foot of every page, remembered on this
device by a cookie and, for someone signed in, in their profile, so that signing in on
another device answers in it too.

Without a choice, Django's LocaleMiddleware goes by the browser's Accept-Language. The same
addresses serve every language (no /ru/ prefix), so no address says which language someone
reads; LocaleMiddleware sets Content-Language and Vary: Accept-Language, and each answer here
varies on the cookie too (pcb_site/page_cache.py keys its copies by language).
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from diary import services
from knowledge.api import LANGUAGE_CODES


def set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def restore_saved_language(response, user):
    """On signing in: answer from now on in the language the person chose before, if any."""
    language = services.saved_language(user)
    if language in LANGUAGE_CODES:
        set_language_cookie(response, language)
    return response


def _refused_by_csrf(request):
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})


# The switch sits on public pages that are kept finished for everyone (pcb_site/page_cache.py),
# so it carries no CSRF token there: a forged switch would only change the language of the
# browser it is sent from. Someone signed in has their profile changed as well, so for them
# the token is required, as for any other change to their account. (The session cookie is
# SameSite=Lax: another site's form does not even arrive signed in.)
@csrf_exempt
@require_POST
def choose_language(request):
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        return HttpResponseBadRequest(gettext("Choose one of the languages offered."))
    if request.user.is_authenticated:
        refused = _refused_by_csrf(request)
        if refused is not None:
            return refused
        services.remember_language(request.user, language)
    wanted = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # 303: the page is fetched again with GET, in the new language.
    response = HttpResponseRedirect(wanted if safe and wanted.startswith("/") else "/")
    response.status_code = 303
    set_language_cookie(response, language)
    return response
