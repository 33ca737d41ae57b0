from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from qingyuan.api import api
from qingyuan.cockpit import views as cockpit

admin.site.site_header = _("Qingyuan administration")
admin.site.site_title = _("Qingyuan")

urlpatterns = [
    path("", cockpit.home, name="home"),
    path("cockpit/", include("qingyuan.cockpit.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Where people and tools look by habit: Django's default login address and the browser's favicon.
    path("accounts/login/", login_not_required(RedirectView.as_view(pattern_name="login", query_string=True))),
    path("favicon.ico", login_not_required(RedirectView.as_view(url=static("qingyuan/favicon.svg")))),
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
    path("briefings/", include("qingyuan.briefings.urls")),
    path("closures/", include("qingyuan.closures.urls")),
    path("compensation/", include("qingyuan.compensation.urls")),
    path("meetings/", include("qingyuan.meetings.urls")),
    path("supervision/", include("qingyuan.supervision.urls")),
    path("surveys/", include("qingyuan.surveys.urls")),
    path("public/complaints/", include("qingyuan.complaints.public_urls")),
    path("public/surveys/", include("qingyuan.surveys.public_urls")),
    path("public/", include("qingyuan.portal.urls")),
    path("", include("qingyuan.core.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

