"""Site-wide pages: home, the health probe and the error pages."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static


def home(request):
    return render(request, "home.html")


def health(request):
    """For the load balancer: answers only when this server can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def privacy(request):
    return render(request, "privacy.html", {"idle_minutes": settings.SESSION_IDLE_MINUTES})


def manifest(request):
    """The web app manifest, with the neutral name and icon, as a home screen shows them."""
    data = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f5f2",
        "theme_color": "#15425f",
        "icons": [
            {
                "src": static(f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


def csrf_failure(request, reason=""):
    """A calm 403 for a form that was open too long or did not come from our own page."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception):
    # The exception text can echo the path, which may hold health words: never show it.
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a context so that a broken context processor cannot cause a second error.
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:
        return HttpResponse("Something went wrong on our side. Please try again.", status=500)
