from django.urls import path

from qingyuan.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.scheme, name="scheme"),
    path("<int:pk>/act/<slug:name>/", views.act, name="act"),
    path("<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("<int:pk>/indicators/<int:indicator_id>/remove/", views.indicator_remove, name="indicator_remove"),
    path("<int:pk>/vetoes/", views.veto_add, name="veto_add"),
    path("<int:pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("<int:pk>/compute/", views.compute, name="compute"),
    path("<int:pk>/scores.xlsx", views.export_scores, name="export"),
    path("<int:pk>/notice.docx", views.notice, name="notice"),
    path("<int:pk>/units/<int:unit_id>/", views.unit, name="unit"),
    path("<int:pk>/units/<int:unit_id>/self/", views.self_assess, name="self_assess"),
    path("<int:pk>/units/<int:unit_id>/score/", views.score_manual, name="score"),
    path("<int:pk>/units/<int:unit_id>/appeal/", views.appeal, name="appeal"),
    path("<int:pk>/appeals/<int:appeal_id>/answer/", views.answer, name="answer"),
    path("<int:pk>/scores/<int:score_id>/evidence/", views.evidence, name="evidence"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]
