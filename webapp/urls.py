"""Top-level URLs: pages, /api/, /healthz and the admin. Every page needs login unless marked otherwise."""

from django.contrib import admin
from django.urls import include, path, register_converter

from webapp.dashboard.views import dashboard_view
from webapp.ids import IdConverter
from webapp.system.views import healthz_view

# The admin speaks as the Studio (its icon comes with templates/admin/base_site.html).
admin.site.site_header = "Mini-ResEmoteNet Studio administration"
admin.site.site_title = "Mini-ResEmoteNet Studio"
admin.site.index_title = "People, teams and records"

handler404 = "webapp.system.views.not_found_view"
register_converter(IdConverter, "id")  # before the includes below, whose paths use <id:...>

urlpatterns = [
    path("healthz", healthz_view, name="healthz"),
    path("", dashboard_view, name="dashboard"),
    path("api/", include("webapp.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("webapp.accounts.urls")),
    path("datasets/", include("webapp.datasets.urls")),
    path("", include("webapp.runs.urls")),
    path("", include("webapp.recordings.urls")),
    path("", include("webapp.reviews.urls")),
    path("", include("webapp.system.urls")),
]
