"""Site-wide pages: home, the health probe and the error pages."""

from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader


def home(request):
    return render(request, "home.html")


def health(request):
    """For the load balancer: answers only when this server can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    # The exception text can echo the path, which may hold health words: never show it.
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a context so that a broken context processor cannot cause a second error.
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:
        return HttpResponse("Something went wrong on our side. Please try again.", status=500)
