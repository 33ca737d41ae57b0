from django.urls import path

from qingyuan.surveys import public_views

app_name = "surveys_public"

urlpatterns = [
    path("<slug:code>/<int:village_pk>/", public_views.answer, name="answer"),
    path("<slug:code>/<int:village_pk>/code/", public_views.request_code, name="request_code"),
    path("<slug:code>/<int:village_pk>/phone/", public_views.change_phone, name="change_phone"),
    path("<slug:code>/<int:village_pk>/thanks/", public_views.thanks, name="thanks"),
]
