from django.urls import path

from qingyuan.compensation import views

app_name = "compensation"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/inventory/", views.inventory, name="inventory"),
    path("<int:pk>/appraisals/", views.appraisal, name="appraisal"),
    path("<int:pk>/negotiations/", views.negotiation, name="negotiation"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/instalments/<int:instalment_pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/disputes/", views.dispute, name="dispute"),
    path("<int:pk>/disputes/<int:dispute_pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/agreement.docx", views.agreement_docx, name="agreement_docx"),
    path("<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
]
