from django.urls import path

from qingyuan.sections import views

app_name = "sections"

urlpatterns = [
    path("", views.section_list, name="list"),
    path("export.xlsx", views.section_export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/samples/new/", views.sample_new, name="sample_new"),
]
