"""Every URL under /api/: endpoints, the OpenAPI schema and its docs page (served from local files)."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from webapp.accounts import apis as account_apis
from webapp.dashboard import apis as dashboard_apis
from webapp.system import apis as system_apis

app_name = "api"

urlpatterns = [
    path("schema/", system_apis.SchemaApi.as_view(), name="schema"),
    # A page for people: anonymous visitors go to the login page rather than get a 401.
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("me/", account_apis.MeApi.as_view(), name="me"),
    path("auth/token/", account_apis.TokenCreateApi.as_view(), name="token_create"),
    path("auth/tokens/", account_apis.TokenListApi.as_view(), name="token_list"),
    path("auth/tokens/<str:key>/revoke/", account_apis.TokenRevokeApi.as_view(), name="token_revoke"),
    path("pings/", system_apis.PingListApi.as_view(), name="ping_list"),
    path("pings/create/", system_apis.PingCreateApi.as_view(), name="ping_create"),
    path("pings/<id:pk>/", system_apis.PingDetailApi.as_view(), name="ping_detail"),
    path("system/health/", system_apis.HealthApi.as_view(), name="health"),
    path("dashboard/", dashboard_apis.DashboardApi.as_view(), name="dashboard"),
    path("datasets/", include("webapp.datasets.api_urls")),
    path("recordings/", include("webapp.recordings.api_urls")),
    path("reviews/", include("webapp.reviews.api_urls")),
    path("", include("webapp.runs.api_urls")),
]
