from django.urls import path

from qingyuan.closures import views

app_name = "closures"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.xlsx", views.case_export, name="export"),
    path("new/<int:enterprise_pk>/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/cancel/", views.case_cancel, name="cancel"),
    path("<int:pk>/steps/<str:kind>/", views.step_record, name="record"),
    path("<int:pk>/steps/<str:kind>/verify/", views.step_verify, name="verify"),
    path("<int:pk>/photos/<int:attachment_pk>/", views.step_photo, name="photo"),
]
