from django.urls import path

from qingyuan.meetings import views, views_agenda

app_name = "meetings"

urlpatterns = [
    path("", views.calendar, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.respond, name="respond"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="docx"),
    path("<int:pk>/meeting.ics", views.calendar_file, name="ics"),
    path("<int:pk>/qr/", views.qr, name="qr"),
    path("<int:pk>/sign-in/", views.sign_in, name="sign_in"),
    path("<int:pk>/signed-in/", views.sign_in_done, name="sign_in_done"),
    path("<int:pk>/materials/<int:attachment_id>/", views.material, name="material"),
    path("<int:pk>/items/", views_agenda.add_item, name="add_item"),
    path("<int:pk>/items/minutes/", views_agenda.item_minutes, name="item_minutes"),
    path("<int:pk>/items/material/", views_agenda.add_material, name="add_material"),
    path("<int:pk>/items/report/", views_agenda.attach_report, name="attach_report"),
    path("<int:pk>/decisions/", views_agenda.add_decision, name="add_decision"),
    path("<int:pk>/decisions/remove/", views_agenda.remove_decision, name="remove_decision"),
    path("<int:pk>/carry-over/", views_agenda.carry_over, name="carry_over"),
    path("<int:pk>/presence/", views_agenda.presence, name="presence"),
    path("<int:pk>/correct/", views_agenda.correct, name="correct"),
]
