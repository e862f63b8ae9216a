"""Page URLs of the reviews app."""

from django.urls import path

from webapp.reviews import views

app_name = "reviews"

urlpatterns = [
    path("review/", views.review_index_view, name="index"),
    path("review/versions/<id:pk>/", views.reviewer_view, name="reviewer"),
]
