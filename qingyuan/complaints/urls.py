from django.urls import path

from qingyuan.complaints import restdays_office, views

app_name = "complaints"
urlpatterns = [
    path("", views.board, name="board"),
    path("export.xlsx", views.board_export, name="export"),
    path("new/", views.register, name="register"),
    path("statistics/", views.statistics, name="stats"),
    path("settings/", views.policy, name="policy"),
    path("rest-days/", restdays_office.page, name="rest_days"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:name>/", views.act, name="act"),
    path("<int:pk>/photos/<int:attachment_id>/", views.photo, name="photo"),
    path("<int:pk>/photos/<int:attachment_id>/public/", views.photo_public, name="photo_public"),
]
