from django.contrib.auth import views as auth_views
from django.urls import path

from diary.accounts import views
from diary.accounts.forms import PasswordChangeForm
from diary.your_data import deletion_views

urlpatterns = [
    path("", views.account, name="account"),
    path("devices/<str:digest>/revoke/", views.revoke_device, name="revoke_device"),
    path("devices/revoke-all/", views.revoke_all_devices, name="revoke_all_devices"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # "Lock now" and the quick exit: end the session at once, then ask for the password.
    path("lock/", auth_views.LogoutView.as_view(next_page="login"), name="lock"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("recovery-code/", views.recovery_code, name="recovery_code"),
    path("recovery-code/new/", views.new_recovery_code, name="new_recovery_code"),
    path("recover/", views.recover, name="recover"),
    path("delete/", views.delete_account, name="delete_account"),
    path("auto-delete/", deletion_views.auto_delete, name="auto_delete"),
]
