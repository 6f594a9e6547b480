from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from pcb_site import language, views

# The app as a phone installs it: the manifest, the service worker and the page it shows
# without a connection.
app_urls = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]

api_urls = [
    path("", include("knowledge.api_urls")),
    path("", include("diary.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", language.choose_language, name="language"),
    path("", include(app_urls)),
    path("accounts/", include("diary.accounts.urls")),
    path("", include("knowledge.urls")),
    path("diary/", include("diary.urls")),
    path("api/v1/", include(api_urls)),
]

handler404 = "pcb_site.views.page_not_found"
handler500 = "pcb_site.views.server_error"
