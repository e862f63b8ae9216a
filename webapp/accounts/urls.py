"""Page URLs of accounts."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from webapp.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.StudioLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("setup/", views.first_run_view, name="first_run"),
    path("teams/switch/", views.team_switch_view, name="team_switch"),
]
