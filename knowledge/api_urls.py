"""The public API under /api/v1/: the triage answer and the rule table it comes from."""

from django.urls import path

from knowledge import api

urlpatterns = [
    path("triage/", api.TriageView.as_view(), name="api_triage"),
    path("rules/", api.RulesView.as_view(), name="api_rules"),
]
