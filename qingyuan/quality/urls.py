from django.urls import path

from qingyuan.quality import views

app_name = "quality"

urlpatterns = [
    path("enterprises/<int:pk>/", views.compliance, name="compliance"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/new/", views.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", views.declaration, name="declaration"),
    path("declarations/<int:pk>/act/<slug:name>/", views.declaration_act, name="declaration_act"),
    path("declarations/<int:pk>/evidence/<int:attachment>/", views.evidence, name="evidence"),
]
