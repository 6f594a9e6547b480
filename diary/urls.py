from django.urls import path

from diary import views

urlpatterns = [
    path("", views.history, name="diary"),
    path("new/", views.log, name="diary_log"),
    path("profile/", views.profile, name="diary_profile"),
    path("<uuid:pk>/", views.detail, name="episode"),
    path("<uuid:pk>/edit/", views.edit, name="episode_edit"),
    path("<uuid:pk>/delete/", views.delete, name="episode_delete"),
]
