"""URLs under /api/reviews/, included into the `api` namespace by webapp/api_urls.py."""

from django.urls import path

from webapp.reviews.apis import faces, scorings, versions

urlpatterns = [
    path("scorings/", scorings.ScoringListApi.as_view(), name="scoring_list"),
    path("scorings/<id:pk>/", scorings.ScoringDetailApi.as_view(), name="scoring_detail"),
    path("scorings/<id:pk>/cancel/", scorings.ScoringCancelApi.as_view(), name="scoring_cancel"),
    path("scorings/<id:pk>/retry/", scorings.ScoringRetryApi.as_view(), name="scoring_retry"),
    path("versions/<id:pk>/", versions.ReviewStateApi.as_view(), name="review_state"),
    path("versions/<id:pk>/faces/", faces.FaceListApi.as_view(), name="review_faces"),
    path("versions/<id:pk>/decisions/", faces.DecisionApi.as_view(), name="review_decide"),
    path("versions/<id:pk>/decisions/bulk/", faces.DecisionBulkApi.as_view(), name="review_decide_bulk"),
    path("versions/<id:pk>/undo/", faces.UndoApi.as_view(), name="review_undo"),
    path("versions/<id:pk>/audit/", faces.AuditApi.as_view(), name="review_audit"),
    path("versions/<id:pk>/audit.csv", versions.AuditCsvApi.as_view(), name="review_audit_csv"),
    path("versions/<id:pk>/commit/", versions.CommitApi.as_view(), name="review_commit"),
]
