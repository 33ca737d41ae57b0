from django.urls import path

from qingyuan.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("map/", views.park_map, name="map"),
    path("map/data.json", views.map_data, name="map_data"),
]
