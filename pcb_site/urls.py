from django.urls import include, path

from pcb_site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/", include("diary.accounts.urls")),
]

handler404 = "pcb_site.views.page_not_found"
handler500 = "pcb_site.views.server_error"
