"""URLs under /api/recordings/, included into the `api` namespace by webapp/api_urls.py."""

from django.urls import path

from webapp.recordings.apis import analyses, recordings, uploads

urlpatterns = [
    path("", recordings.RecordingListApi.as_view(), name="recording_list"),
    path("upload/", uploads.RecordingUploadApi.as_view(), name="recording_upload"),
    path("uploads/", uploads.RecordingUploadStartApi.as_view(), name="recording_upload_start"),
    path("uploads/<uuid:pk>/", uploads.RecordingUploadDetailApi.as_view(), name="recording_upload_detail"),
    path("uploads/<uuid:pk>/chunk/", uploads.RecordingUploadChunkApi.as_view(), name="recording_upload_chunk"),
    path("<id:pk>/", recordings.RecordingDetailApi.as_view(), name="recording_detail"),
    path("<id:pk>/analyses/", analyses.AnalysisCreateApi.as_view(), name="analysis_create"),
    path("<id:pk>/tasks/", recordings.TaskCreateApi.as_view(), name="task_create"),
    path("<id:pk>/tasks/import/", recordings.TaskImportApi.as_view(), name="task_import"),
    path("tasks/<id:pk>/", recordings.TaskDetailApi.as_view(), name="task_detail"),
    path("analyses/<id:pk>/", analyses.AnalysisDetailApi.as_view(), name="analysis_detail"),
    path("analyses/<id:pk>/cancel/", analyses.AnalysisCancelApi.as_view(), name="analysis_cancel"),
    path("analyses/<id:pk>/retry/", analyses.AnalysisRetryApi.as_view(), name="analysis_retry"),
    path("analyses/<id:pk>/participant/", analyses.AnalysisParticipantApi.as_view(), name="analysis_participant"),
    path("analyses/<id:pk>/report/", analyses.AnalysisReportApi.as_view(), name="analysis_report"),
    path("analyses/<id:pk>/timeline/", analyses.AnalysisTimelineApi.as_view(), name="analysis_timeline"),
    path("analyses/<id:pk>/live/", analyses.AnalysisLiveApi.as_view(), name="analysis_live"),
    path("analyses/<id:pk>/export/<str:kind>", analyses.AnalysisExportApi.as_view(), name="analysis_export"),
    path("analyses/<id:pk>/share-links/", analyses.ShareLinkListApi.as_view(), name="share_link_list"),
    path(
        "analyses/<id:pk>/share-links/<id:link_id>/revoke/",
        analyses.ShareLinkRevokeApi.as_view(),
        name="share_link_revoke",
    ),
]
