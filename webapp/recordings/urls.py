"""Page URLs of the recordings app (and of shared reports, which need no account)."""

from django.urls import path

from webapp.recordings import views

app_name = "recordings"

urlpatterns = [
    path("recordings/", views.recording_list_view, name="list"),
    path("recordings/<id:pk>/", views.recording_detail_view, name="detail"),
    path("recordings/<id:pk>/delete/", views.recording_delete_view, name="delete"),
    path("recordings/<id:pk>/video/", views.recording_video_view, name="video"),
    path("recordings/<id:pk>/poster.jpg", views.recording_poster_view, name="poster"),
    path("recordings/analyses/<id:pk>/moments/<str:name>", views.analysis_moment_view, name="moment"),
    path("share/<str:token>/", views.share_view, name="share"),
    path("share/<str:token>/<path:name>", views.share_file_view, name="share_file"),
]
