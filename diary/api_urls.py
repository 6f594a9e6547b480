from django.urls import path

from diary import api
from diary.your_data import export_views

urlpatterns = [
    path("episodes/", api.EpisodeList.as_view(), name="api_episodes"),
    path("episodes/sealed/", api.SealedEpisodeView.as_view(), name="api_sealed_episode"),
    path("episodes/<uuid:pk>/", api.EpisodeDetail.as_view(), name="api_episode"),
    path("profile/", api.ProfileDetail.as_view(), name="api_profile"),
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
    path("csrf/", api.CsrfView.as_view(), name="api_csrf"),
    path("offline-context/", api.OfflineContextView.as_view(), name="api_offline_context"),
    path("offline-key/", api.OfflineKeyView.as_view(), name="api_offline_key"),
    path("export/", export_views.ExportView.as_view(), name="api_export"),
    path("import/", export_views.ImportView.as_view(), name="api_import"),
]
