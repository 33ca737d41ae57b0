from django.urls import path

from qingyuan.monitoring import storage_views, views

app_name = "monitoring"
urlpatterns = [
    path("", views.device_status, name="status"),
    path("export.xlsx", views.status_export, name="status_export"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/chart.json", views.point_chart, name="chart"),
    path("points/<int:pk>/packets/", views.point_packets, name="packets"),
    path("points/<int:pk>/commands/", views.point_commands, name="commands"),
    path("points/<int:pk>/setup/", views.point_setup, name="setup"),
    path("packets/<int:pk>/", views.packet_detail, name="packet"),
    path("points/<int:pk>/evidence/<int:block>/<int:packet>/", views.compacted_packet_detail, name="evidence"),
    path("quarantine/", views.quarantine_list, name="quarantine"),
    path("quarantine/export.xlsx", views.quarantine_export, name="quarantine_export"),
    path("quarantine/<int:pk>/register/", views.quarantine_register, name="quarantine_register"),
    path("quarantine/<int:pk>/password/", views.quarantine_password, name="quarantine_password"),
    path("quarantine/<int:pk>/dismiss/", views.quarantine_dismiss, name="quarantine_dismiss"),
    path("storage/", storage_views.storage, name="storage"),
    path("storage/expire/", storage_views.storage_expire, name="storage_expire"),
]
