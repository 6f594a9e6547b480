"""The public pages: the knowledge pages under /learn/ and the self-check at /check/."""

from django.urls import path

from knowledge import views

urlpatterns = [
    path("learn/", views.index, name="learn"),
    path("learn/search/", views.search, name="learn_search"),
    path("learn/<slug:slug>/", views.page, name="learn_page"),
    path("check/", views.check, name="check"),
]
