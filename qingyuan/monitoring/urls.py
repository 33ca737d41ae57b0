from django.urls import path

from qingyuan.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.device_status, name="status"),
]
