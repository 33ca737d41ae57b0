from django.urls import path

from qingyuan.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.enterprise_template, name="import_template"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/transition/", views.enterprise_transition, name="transition"),
    path("<int:pk>/outlets/new/", views.outlet_create, name="outlet_create"),
    path("<int:pk>/outlets/<int:outlet_pk>/edit/", views.outlet_edit, name="outlet_edit"),
    path("<int:pk>/points/new/", views.point_create, name="point_create"),
    path("<int:pk>/permits/new/", views.permit_create, name="permit_create"),
]
