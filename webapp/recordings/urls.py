"""Page URLs of the recordings app (and of shared reports, which need no account)."""

from django.urls import path

from webapp.recordings import views

app_name = "recordings"

urlpatterns = [
    path("recordings/", views.recording_list_view, name="list"),
    path("recordings/<int:pk>/", views.recording_detail_view, name="detail"),
    path("recordings/<int:pk>/delete/", views.recording_delete_view, name="delete"),
    path("recordings/<int:pk>/video/", views.recording_video_view, name="video"),
    path("recordings/<int:pk>/poster.jpg", views.recording_poster_view, name="poster"),
    path("recordings/analyses/<int:pk>/moments/<str:name>", views.analysis_moment_view, name="moment"),
    path("share/<str:token>/", views.share_view, name="share"),
    path("share/<str:token>/<path:name>", views.share_file_view, name="share_file"),
]
