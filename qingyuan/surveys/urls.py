from django.urls import path

from qingyuan.surveys.views import frame, paper, results, rounds

app_name = "surveys"

urlpatterns = [
    path("", rounds.index, name="index"),
    path("results/", results.results, name="results"),
    path("results/export.xlsx", results.results_export, name="results_export"),
    path("villages/", frame.villages, name="villages"),
    path("villages/export.xlsx", frame.villages_export, name="villages_export"),
    path("villages/import/", frame.villages_import, name="villages_import"),
    path("villages/<int:pk>/", frame.village_edit, name="village_edit"),
    path("<int:pk>/", rounds.detail, name="round"),
    path("<int:pk>/edit/", rounds.edit, name="edit"),
    path("<int:pk>/questions/", rounds.add_question, name="add_question"),
    path("<int:pk>/questions/<int:question_pk>/delete/", rounds.delete_question, name="delete_question"),
    path("<int:pk>/act/<slug:name>/", rounds.fire, name="fire"),
    path("<int:pk>/villages/<int:village_pk>/qr.<str:fmt>", rounds.qr, name="qr"),
    path("<int:pk>/villages/<int:village_pk>/notice/", rounds.notice, name="notice"),
    path("<int:pk>/paper.xlsx", paper.paper_template, name="paper_template"),
    path("<int:pk>/batches/", paper.new_batch, name="new_batch"),
    path("<int:pk>/batches/<int:batch_pk>/", paper.batch, name="batch"),
    path("<int:pk>/batches/<int:batch_pk>/upload/", paper.batch_upload, name="batch_upload"),
]
