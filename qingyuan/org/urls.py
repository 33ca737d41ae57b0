from django.urls import path

from qingyuan.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("export.xlsx", views.unit_export, name="unit_export"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
]
