from django.urls import path

from qingyuan.core import job_views, views

app_name = "core"
urlpatterns = [
    path("work/", views.my_work, name="my_work"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/settings/", views.preferences, name="preferences"),
    path("jobs/<int:pk>/", job_views.job, name="job"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
    path("account/", views.account, name="account"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
]
