from django.urls import path

from qingyuan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("export.xlsx", views.plan_export, name="export"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/return/", views.plan_return, name="return"),
    path("<int:pk>/measures/new/", views.measure_form, name="measure_add"),
    path("<int:pk>/measures/<int:measure_id>/edit/", views.measure_form, name="measure_edit"),
    path("<int:pk>/measures/<int:measure_id>/delete/", views.measure_delete, name="measure_delete"),
    path("<int:pk>/measures/<int:measure_id>/transition/", views.measure_transition, name="measure_transition"),
    path("<int:pk>/measures/<int:measure_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/evidence/<int:attachment_id>/", views.evidence_download, name="evidence"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/assign/", views.review_assign, name="review_assign"),
    path("<int:pk>/review/opinion/", views.review_opinion, name="review_opinion"),
    path("<int:pk>/review/conclude/", views.review_conclude, name="review_conclude"),
    path("<int:pk>/acceptance/", views.acceptance, name="acceptance"),
    path("<int:pk>/acceptance/request/", views.acceptance_request, name="acceptance_request"),
    path("<int:pk>/acceptance/<int:acceptance_id>/schedule/", views.acceptance_schedule, name="acceptance_schedule"),
    path("<int:pk>/acceptance/<int:acceptance_id>/findings/", views.acceptance_findings, name="acceptance_findings"),
    path("<int:pk>/acceptance/<int:acceptance_id>/verdict/", views.acceptance_verdict, name="acceptance_verdict"),
    path("<int:pk>/acceptance/<int:acceptance_id>/record.docx", views.acceptance_record, name="acceptance_record"),
    path("park/", views.park_plan_list, name="park_list"),
    path("park/new/", views.park_plan_form, name="park_create"),
    path("park/<int:pk>/", views.park_plan_detail, name="park_detail"),
    path("park/<int:pk>/edit/", views.park_plan_form, name="park_edit"),
    path("park/<int:pk>/approve/", views.park_plan_approve, name="park_approve"),
    path("park/<int:pk>/targets/", views.target_add, name="target_add"),
    path("park/<int:pk>/loads/", views.load_add, name="load_add"),
    path("park/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("park/<int:pk>/<str:kind>/<int:row_id>/remove/", views.row_remove, name="row_remove"),
]
