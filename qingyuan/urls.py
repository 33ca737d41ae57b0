from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from qingyuan.cockpit import views as cockpit
from qingyuan.api import api

admin.site.site_header = _("Qingyuan administration")
admin.site.site_title = _("Qingyuan")

urlpatterns = [
    path("", cockpit.home, name="home"),
    path("cockpit/", include("qingyuan.cockpit.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enterprises/", include("qingyuan.enterprises.urls")),
    path("units/", include("qingyuan.org.urls")),
    path("monitoring/", include("qingyuan.monitoring.urls")),
    path("plans/", include("qingyuan.plans.urls")),
    path("tasks/", include("qingyuan.tasks.urls")),
    path("inspections/", include("qingyuan.inspections.urls")),
    path("complaints/", include("qingyuan.complaints.urls")),
    path("alarms/", include("qingyuan.alarms.urls")),
    path("quality/", include("qingyuan.quality.urls")),
    path("loads/", include("qingyuan.loads.urls")), path("sections/", include("qingyuan.sections.urls")),
    path("assessment/", include("qingyuan.assessment.urls")),
    path("public/complaints/", include("qingyuan.complaints.public_urls")),
    path("", include("qingyuan.core.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

