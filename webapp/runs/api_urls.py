"""API URLs of the runs app, included by `webapp/api_urls.py` (names live in its `api` namespace)."""

from django.urls import path

from webapp.runs import apis

urlpatterns = [
    path("runs/", apis.RunListApi.as_view(), name="run_list"),
    path("runs/create/", apis.RunCreateApi.as_view(), name="run_create"),
    path("runs/queue/", apis.RunQueueApi.as_view(), name="run_queue"),
    path("runs/compare/", apis.RunCompareApi.as_view(), name="run_compare"),
    path("runs/<id:pk>/", apis.RunDetailApi.as_view(), name="run_detail"),
    path("runs/<id:pk>/cancel/", apis.RunCancelApi.as_view(), name="run_cancel"),
    path("runs/<id:pk>/retry/", apis.RunRetryApi.as_view(), name="run_retry"),
    path("runs/<id:pk>/latency/", apis.RunLatencyApi.as_view(), name="run_latency"),
    path("runs/<id:pk>/retrain/", apis.RunRetrainApi.as_view(), name="run_retrain"),
    path("runs/<id:pk>/checkpoint/", apis.RunArtifactApi.as_view(kind="checkpoint"), name="run_checkpoint"),
    path("runs/<id:pk>/onnx/", apis.RunArtifactApi.as_view(kind="onnx"), name="run_onnx"),
    path("models/", apis.ModelListApi.as_view(), name="model_list"),
]
