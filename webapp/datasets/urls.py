"""Page URLs of the datasets app."""

from django.urls import path

from webapp.datasets import views

app_name = "datasets"

urlpatterns = [
    path("", views.dataset_list_view, name="list"),
    path("upload/", views.dataset_upload_view, name="upload"),
    path("<id:pk>/", views.dataset_detail_view, name="detail"),
    path("<id:pk>/upload/", views.dataset_version_upload_view, name="version_upload"),
    path("<id:pk>/delete/", views.dataset_delete_view, name="delete"),
    path("<id:pk>/versions/<id:number>/", views.dataset_version_view, name="version"),
    path("<id:pk>/versions/<id:number>/delete/", views.dataset_version_delete_view, name="version_delete"),
    path("imports/<id:pk>/retry/", views.dataset_import_retry_view, name="import_retry"),
]
