from django.urls import path

from qingyuan.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.patrol_list, name="list"),
    path("export.xlsx", views.patrol_export, name="export"),
    path("new/", views.patrol_create, name="create"),
    path("<int:pk>/", views.patrol_detail, name="detail"),
    path("<int:pk>/photos/<int:photo>/", views.patrol_photo, name="photo"),
    path("findings/<int:pk>/assign/", views.finding_assign, name="finding_assign"),
    path("findings/<int:pk>/<str:name>/", views.finding_decide, name="finding_decide"),
    path("plans/", views.plan_calendar, name="calendar"),
    path("plans/<int:pk>/override/", views.plan_override, name="plan_override"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/export.xlsx", views.draw_export, name="draws_export"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("map/", views.patrol_map, name="map"),
    path("map/patrols.geojson", views.patrol_layer, name="map_layer"),
    path("enterprise/<int:pk>/", views.enterprise_history, name="enterprise_history"),
    path("enterprise/<int:pk>/live/", views.live_data, name="live"),
]
