from django.urls import path

from qingyuan.briefings import views

app_name = "briefings"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("export.xlsx", views.archive_export, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sections/<int:section_pk>/", views.section_edit, name="section_edit"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/recipients/", views.recipients, name="recipients"),
    path("<int:pk>/render/", views.render_file, name="render"),
]
