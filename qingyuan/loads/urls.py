from django.urls import path

from qingyuan.loads import views

app_name = "loads"

urlpatterns = [
    path("", views.park, name="park"),
    path("enterprises/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprises/<int:pk>/baseline/", views.baseline, name="baseline"),
    path("capacity/", views.capacity, name="capacity"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/<slug:decision>/", views.project_decide, name="project_decide"),
    path("rebound/", views.rebound, name="rebound"),
    path("rebound/<int:pk>/", views.rebound_detail, name="rebound_detail"),
    path("rebound/<int:pk>/close/", views.rebound_close, name="rebound_close"),
]
