from django.urls import path

from qingyuan.alarms import views

app_name = "alarms"

urlpatterns = [
    path("", views.board, name="board"),
    path("export.xlsx", views.board_export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:name>/", views.act, name="act"),
    path("<int:pk>/evidence/<int:attachment>/", views.evidence, name="evidence"),
]
