from django.urls import path

from qingyuan.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("export.xlsx", views.assignment_export, name="export"),
    path("new/", views.assignment_create, name="create"),
    path("listed/", views.listed_board, name="listed"),
    path("policy/", views.policy_edit, name="policy"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.assignment_detail, name="detail"),
    path("<int:pk>/do/<slug:name>/", views.assignment_action, name="action"),
    path("checks/", views.check_list, name="check_list"),
    path("checks/export.xlsx", views.check_export, name="check_export"),
    path("checks/new/", views.check_create, name="check_create"),
    path("checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("checks/<int:pk>/findings/", views.finding_create, name="finding_create"),
    path("checks/<int:pk>/complete/", views.check_complete, name="check_complete"),
    path("checks/<int:pk>/cancel/", views.check_cancel, name="check_cancel"),
    path("findings/<int:pk>/spawn/", views.finding_spawn, name="finding_spawn"),
]
