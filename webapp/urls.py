"""Top-level URLs: pages, /api/, /healthz and the admin. Every page needs login unless marked otherwise."""

from django.contrib import admin
from django.urls import include, path

from webapp.system.views import healthz_view

urlpatterns = [
    path("healthz", healthz_view, name="healthz"),
    path("api/", include("webapp.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("webapp.accounts.urls")),
    path("datasets/", include("webapp.datasets.urls")),
    path("", include("webapp.runs.urls")),
    path("", include("webapp.recordings.urls")),
    path("", include("webapp.system.urls")),
]
