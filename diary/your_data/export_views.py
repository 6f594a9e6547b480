"""Export and import: the account page's buttons and upload form, and the same in the API.

Views are thin: diary.your_data.export builds the documents, diary.your_data.importing reads
and checks them, diary.services.import_diary writes. Every query is the signed-in person's.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from diary import services
from diary.your_data import export, importing
from pcb_site.api_schema import NOT_SIGNED_IN, ErrorSerializer, bad_request, with_body

# Two imports of the same file at once: the second finds the first's episodes only when
# it is written, and the unique client_id refuses it, as a whole.
RACED = gettext_lazy(
    "Another import was saved at the same moment. Nothing was imported from this file: try again."
)


def _download(content: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename(extension)}"'
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def export_json(request):
    document = export.build_document(request.user)
    content = json.dumps(document, indent=2, ensure_ascii=False)
    return _download(content, "application/json; charset=utf-8", "json")


@login_required
@require_GET
def export_csv(request):
    return _download(export.build_csv(request.user), "text/csv; charset=utf-8", "csv")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """The account page's upload form posts here; this page shows it again with what is
    wrong, next to the file field."""
    form = importing.ImportForm(owner=request.user)
    if request.method == "POST":
        form = importing.ImportForm(request.POST, request.FILES, owner=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = services.import_diary(request.user, data["profile"], data["episodes"])
            except IntegrityError:
                form.add_error("file", str(RACED))
            else:
                messages.success(request, importing.summary(outcome))
                return redirect(reverse("account") + "#your-data")
    status_code = 400 if form.errors else 200
    return render(request, "diary/your_data/import.html", {"form": form}, status=status_code)


# API -----------------------------------------------------------------------------------


class ExportView(APIView):
    """The whole diary as one JSON document, which POST /api/v1/import/ reads back."""

    @extend_schema(
        summary="Your whole diary as one document, to keep or to import elsewhere",
        description='{"format": "harbour-diary", "version": 1, "exported_at", "profile", '
        '"episodes": [every field, client_id, assessment (with rules_version and '
        "assumptions), assessment_when_logged, follow_up]}, oldest episode first, the "
        "answers decrypted.",
        responses={200: OpenApiResponse(description="The document."), 403: NOT_SIGNED_IN},
    )
    def get(self, request):
        response = Response(export.build_document(request.user))
        add_never_cache_headers(response)
        return response


class ImportView(APIView):
    """An export added to your diary: all of it, or nothing when anything is wrong."""

    @extend_schema(
        summary="Import an export: episodes you do not have yet, and the profile if yours is empty",
        request={"application/json": importing.ImportDocumentSerializer},
        responses=with_body(
            {
                200: OpenApiResponse(
                    description='{"created", "skipped" (already in your diary, matched by '
                    'client_id), "profile": "filled" | "kept" | "none", "detail"}.'
                ),
                400: bad_request(
                    '{"detail", "errors": {"episodes[2].amount": [...], ...}}: nothing was '
                    "imported."
                ),
                403: NOT_SIGNED_IN,
                409: OpenApiResponse(
                    ErrorSerializer, description="Another import was saved at the same moment."
                ),
            }
        ),
    )
    def post(self, request):
        try:
            profile, episodes = importing.validate(request.data, request.user)
        except importing.InvalidDocument as invalid:
            return Response(
                {
                    "detail": _("Nothing was imported: the document has mistakes."),
                    "errors": invalid.errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            outcome = services.import_diary(request.user, profile, episodes)
        except IntegrityError:
            return Response({"detail": str(RACED)}, status=status.HTTP_409_CONFLICT)
        return Response({**outcome, "detail": importing.summary(outcome)})
