"""Page URLs of the system app, and the sections that later features fill."""

from django.urls import path

from webapp.system import views

app_name = "system"

# Each section shows an honest empty state until its feature replaces this route with its own app (Review did:
# webapp/reviews/urls.py).
SECTIONS: dict[str, str] = {}

urlpatterns = [
    path("status/", views.status_view, name="status"),
    path("status/pings/<id:pk>/", views.ping_detail_view, name="ping_detail"),
    *(
        path(f"{slug}/", views.section_view, {"template_name": template}, name=slug)
        for slug, template in SECTIONS.items()
    ),
]
