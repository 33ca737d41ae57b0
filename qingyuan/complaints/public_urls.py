from django.urls import path

from qingyuan.complaints import public_views

app_name = "complaints_public"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("track/", public_views.track_lookup, name="lookup"),
    path("track/<str:code>/", public_views.track, name="track"),
    path("track/<str:code>/rate/", public_views.rate, name="rate"),
    path("track/<str:code>/review/", public_views.review, name="review"),
    path("track/<str:code>/photos/<int:attachment_id>/", public_views.photo, name="photo"),
    path("<slug:park_code>/", public_views.submit, name="submit"),
]
