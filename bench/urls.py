"""The site's addresses, and two that only the benchmark serves: what the framework costs
before any work of the app's own. A target is a share of the static ceiling, and these say
how much of that share the stack itself takes (bench/load.py, "reference" rows)."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pcb_site.urls import urlpatterns as site


def plain(request):
    """A Django view that does nothing, behind every middleware of the site."""
    return HttpResponse("ok", content_type="text/plain")


class EmptyPost(APIView):
    """A Django REST framework POST that reads a JSON body and answers it, as the triage
    API does, with no authentication, rate limit, validation or rules."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        return Response({"read": len(request.data)})


urlpatterns = [
    *site,
    path("bench/plain/", plain),
    path("bench/empty-post/", EmptyPost.as_view()),
]
