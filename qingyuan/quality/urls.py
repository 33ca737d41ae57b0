from django.urls import path

from qingyuan.quality import calibration_views, views

app_name = "quality"

urlpatterns = [
    path("enterprises/<int:pk>/", views.compliance, name="compliance"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/new/", views.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path("declarations/<int:pk>/act/<slug:name>/", views.declaration_act, name="declaration_act"),
    path("declarations/<int:pk>/evidence/<int:attachment>/", views.evidence, name="evidence"),
    path("points/<int:pk>/checks/", calibration_views.point_checks, name="point_checks"),
    path("points/<int:pk>/checks/new/", calibration_views.record_check, name="record_check"),
]
