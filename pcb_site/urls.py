from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from knowledge import api as knowledge_api
from knowledge import views as knowledge_views
from pcb_site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("privacy/", views.privacy, name="privacy"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("accounts/", include("diary.accounts.urls")),
    path("learn/", include("knowledge.urls")),
    path("check/", knowledge_views.check, name="check"),
    path("diary/", include("diary.urls")),
    path("api/v1/triage/", knowledge_api.TriageView.as_view(), name="api_triage"),
    path("api/v1/rules/", knowledge_api.RulesView.as_view(), name="api_rules"),
    path("api/v1/", include("diary.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema"),
        name="api_docs",
    ),
]

handler404 = "pcb_site.views.page_not_found"
handler500 = "pcb_site.views.server_error"
