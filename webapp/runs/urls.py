"""Page URLs of the runs app: jobs and the models they made."""

from django.urls import path

from webapp.runs import views

app_name = "runs"

urlpatterns = [
    path("jobs/", views.run_list_view, name="index"),
    path("jobs/<id:pk>/", views.run_detail_view, name="detail"),
    path("jobs/<id:pk>/cancel/", views.run_cancel_view, name="cancel"),
    path("jobs/<id:pk>/retry/", views.run_retry_view, name="retry"),
    path("jobs/<id:pk>/delete/", views.run_delete_view, name="delete"),
    path("jobs/<id:pk>/latency/", views.run_measure_latency_view, name="measure_latency"),
    path("models/", views.model_list_view, name="models"),
    path("models/compare/", views.run_compare_view, name="compare"),
]
