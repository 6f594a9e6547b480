from django.urls import path

from diary import api

urlpatterns = [
    path("episodes/", api.EpisodeList.as_view(), name="api_episodes"),
    path("episodes/<uuid:pk>/", api.EpisodeDetail.as_view(), name="api_episode"),
    path("profile/", api.ProfileDetail.as_view(), name="api_profile"),
    path("auth/token/", api.TokenView.as_view(), name="api_token"),
]
