from django.urls import path

from knowledge import views

urlpatterns = [
    path("", views.index, name="learn"),
    path("search/", views.search, name="learn_search"),
    path("<slug:slug>/", views.page, name="learn_page"),
]
