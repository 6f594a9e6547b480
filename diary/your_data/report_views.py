"""The doctor report: the form with a preview of the report under it, and the same report
as a PDF. Both render one template (report_document.html), so what the person checks on
screen is what the doctor gets."""

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from diary.your_data import report
from diary.your_data.report import ReportForm

STYLESHEET = "css/report.css"


def _chosen(request):
    """(form, report data, or None when a choice is wrong). No query at all means the
    defaults: the last 12 months, every section but the notes and the circumstances."""
    data = request.GET
    if not data:
        data = QueryDict(mutable=True)
        data["period"] = report.DEFAULT_PERIOD
        data.setlist("sections", report.DEFAULT_SECTIONS)
    form = ReportForm(data)
    if not form.is_valid():
        return form, None
    start, end = form.period_bounds()
    return form, report.build(request.user, start, end, form.cleaned_data["sections"])


@login_required
@require_GET
def report_page(request):
    form, data = _chosen(request)
    status = 200 if data is not None else 400
    return render(
        request,
        "diary/your_data/report.html",
        {"form": form, "report": data, "query": form.data.urlencode()},
        status=status,
    )


def render_pdf(html):
    """The report as PDF bytes: A4, DejaVu, and nothing fetched. Its CSS is given here from
    the disk and its chart is inline SVG, so the fetcher refuses every URL (one slipped
    into a note, say): no network, no other file. A refused URL is skipped, not an error."""
    from weasyprint import CSS, HTML  # heavy to import; only this view needs it
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"the report fetches nothing: {url[:80]}")

    fetcher = NoFetch()
    with open(finders.find(STYLESHEET), encoding="utf-8") as stylesheet:
        css = CSS(string=stylesheet.read(), url_fetcher=fetcher)
    return HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf(
        stylesheets=[css]
    )


@login_required
@require_GET
def report_pdf(request):
    form, data = _chosen(request)
    if data is None:
        # The same page as the form, with the message beside the field: never a 500.
        return render(
            request,
            "diary/your_data/report.html",
            {"form": form, "report": None, "query": ""},
            status=400,
        )
    html = render_to_string(
        "diary/your_data/report_document.html",
        {"report": data, "standalone": True},
        request=request,
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    made_on = data["made_on"].date().isoformat()
    # A neutral name: a file list or a download bar says nothing about what is inside.
    response["Content-Disposition"] = f'attachment; filename="report-{made_on}.pdf"'
    add_never_cache_headers(response)
    return response
