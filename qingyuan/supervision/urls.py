from django.urls import path

from qingyuan.supervision import participation_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.opinion_list, name="list"),
    path("new/", views.opinion_create, name="create"),
    path("<int:pk>/", views.opinion_detail, name="detail"),
    path("<int:pk>/answer/", views.opinion_answer, name="answer"),
    path("<int:pk>/rate/", views.opinion_rate, name="rate"),
    path("<int:pk>/withdraw/", views.opinion_withdraw, name="withdraw"),
    path("<int:pk>/files/<int:attachment_id>/", views.opinion_file, name="file"),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("record/", views.record, name="record"),
    path("report.docx", views.annual_report, name="report"),
    path("participation/invite/", participation_views.invite, name="invite"),
    path("participation/ask/", participation_views.ask, name="ask"),
    path("participation/<int:pk>/sign/", participation_views.sign, name="sign"),
    path("participation/<int:pk>/<slug:name>/", participation_views.decide, name="decide"),
]
