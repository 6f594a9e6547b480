"""The site's URLs plus one that fails, to see the 500 page a person would get."""

from django.urls import path

from pcb_site.urls import handler404, handler500, urlpatterns  # noqa: F401


def broken(request):
    raise RuntimeError("secret detail that must never reach the page")


urlpatterns = [*urlpatterns, path("broken/", broken)]
