from django.contrib.auth.decorators import login_not_required
from django.urls import path

from qingyuan.portal import data_views, feeds, manage_views, subscribe_views, views
from qingyuan.portal.throttle import rate_limited

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("park/<slug:park_code>/", views.overview, name="overview"),
    path("park/<slug:park_code>/map/", views.park_map, name="map"),
    path("park/<slug:park_code>/notices/", views.notices, name="notices"),
    path("park/<slug:park_code>/notices.atom", login_not_required(rate_limited(feeds.NoticeFeed())),
         name="notices_feed"),
    path("park/<slug:park_code>/replies/", views.replies, name="replies"),
    path("park/<slug:park_code>/data/", views.open_data, name="data"),
    path("park/<slug:park_code>/data/daily.<str:fmt>", data_views.daily, name="daily"),
    path("park/<slug:park_code>/data/compliance.<str:fmt>", data_views.compliance, name="compliance"),
    path("park/<slug:park_code>/subscribe/", subscribe_views.subscribe, name="subscribe"),
    path("enterprise/<int:pk>/", views.enterprise, name="enterprise"),
    path("enterprise/<int:pk>/feed.atom", login_not_required(rate_limited(feeds.EnterpriseFeed())),
         name="enterprise_feed"),
    path("notice/<int:pk>/", views.notice, name="notice"),
    path("subscription/confirm/<str:token>/", subscribe_views.confirm, name="confirm"),
    path("subscription/leave/<str:token>/", subscribe_views.unsubscribe, name="unsubscribe"),
    path("manage/", manage_views.notice_list, name="manage"),
    path("manage/new/", manage_views.notice_new, name="manage_new"),
    path("manage/<int:pk>/", manage_views.notice_detail, name="manage_notice"),
    path("manage/<int:pk>/edit/", manage_views.notice_edit, name="manage_edit"),
    path("manage/<int:pk>/transition/", manage_views.notice_transition, name="manage_transition"),
]
