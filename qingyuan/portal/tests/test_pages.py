"""The portal's pages: overview, map, card and feeds render for anyone; bad filters are refused; the
rate limit answers 429; the office's notice workflow is audited; subscriptions confirm by mail."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.utils import timezone

from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.portal import digest
from qingyuan.portal.models import Notice, Subscription


def test_it_shows_the_park_overview_and_map_to_anonymous_visitors(world, county):
    client = Client()
    assert client.get("/public/").status_code in (200, 302)
    page = client.get(f"/public/park/{world.park.code}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "第一批关停企业名单公示" in body and 'id="complaints"' in body and 'id="portal-charts"' in body
    assert "<script>" not in body.replace('<script id="portal-charts" type="application/json">', "")
    map_page = client.get(f"/public/park/{world.park.code}/map/").content.decode()
    assert f"/public/enterprise/{world.enterprise_a.pk}/" in map_page and "甲化工有限公司" in map_page


def test_it_refuses_a_bad_download_filter_with_the_reason(world, county):
    client = Client()
    base = f"/public/park/{world.park.code}/data/daily"
    r = client.get(f"{base}.json?enterprise=abc")
    assert r.status_code == 400 and r.json()["error"]
    r = client.get(f"{base}.json?enterprise={world.enterprise_a.pk}&start=2026-03-10&end=2026-03-01")
    assert r.status_code == 400 and r.json()["error"]
    other = client.get(f"/public/park/{world.other_park.code}/data/daily.csv?enterprise={world.enterprise_a.pk}")
    assert other.status_code == 400  # enterprise A is not the other park's


def test_it_answers_429_when_an_address_asks_too_often(world, settings):
    settings.QINGYUAN_PORTAL_RATE_LIMIT = 3
    client = Client()
    codes = [client.get(f"/public/enterprise/{world.enterprise_a.pk}/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 200]  # one computation, then the cached card costs no query
    settings.QINGYUAN_PORTAL_CACHE_SECONDS = 0  # every request computes: a crawler of uncached pages
    codes = [client.get(f"/public/enterprise/{world.enterprise_b.pk}/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = client.get(f"/public/park/{world.park.code}/notices.atom")
    assert r.status_code == 429 and r["Retry-After"] == "60"
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(f"/public/enterprise/{world.enterprise_a.pk}/").status_code == 200


def test_it_serves_atom_feeds_with_withdrawn_notices_marked(world, county):
    client = Client()
    feed = client.get(f"/public/park/{world.park.code}/notices.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert body.count("<entry>") == 2 and "名单有误，更正后重新公示" in body
    ent = client.get(f"/public/enterprise/{world.enterprise_a.pk}/feed.atom").content.decode()
    assert ent.count("<entry>") == 3  # the published notice about it and two public exceedances


def test_it_runs_the_notice_workflow_for_office_and_leader_with_audit(world, as_user):
    office, leader = as_user(world.regulator), as_user(world.leader)
    r = office.post("/public/manage/new/", {"kind": "assessment", "title": "2026年度考核结果公示", "body": "正文",
                                           "issuer": "县整治办"})
    notice = Notice.objects.get()
    assert r.status_code == 302 and notice.status == "draft"
    assert Client().get(f"/public/notice/{notice.pk}/").status_code == 404
    assert office.post(f"/public/manage/{notice.pk}/transition/", {"transition": "publish"}).status_code == 400
    assert leader.post(f"/public/manage/{notice.pk}/transition/", {"transition": "approve"}).status_code == 302
    assert office.post(f"/public/manage/{notice.pk}/transition/", {"transition": "publish"}).status_code == 302
    assert Client().get(f"/public/notice/{notice.pk}/").status_code == 200
    refused = office.post(f"/public/manage/{notice.pk}/transition/", {"transition": "withdraw", "reason": " "})
    assert refused.status_code == 400
    assert office.post(f"/public/manage/{notice.pk}/transition/",
                       {"transition": "withdraw", "reason": "数据有误"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == "withdrawn" and notice.withdraw_reason == "数据有误"
    actions = list(AuditEntry.objects.filter(object_id=str(notice.pk), action__startswith="notice")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["notice.create", "notice.approve", "notice.publish", "notice.withdraw"]
    assert TransitionRecord.objects.filter(workflow="notice", object_id=str(notice.pk)).count() == 3


def test_it_keeps_the_manage_pages_to_staff(world, as_user, county):
    assert Client().get("/public/manage/").status_code == 302  # to the login page
    assert as_user(world.ent_a).get("/public/manage/").status_code == 404
    assert as_user(world.outsider).get(f"/public/manage/{county.draft.pk}/").status_code == 404
    assert as_user(world.leader).post("/public/manage/new/", {"title": "x"}).status_code == 404  # leaders approve
    assert as_user(world.regulator).get(f"/public/manage/{county.draft.pk}/").status_code == 200


def test_it_confirms_a_subscription_by_mail_and_sends_digests_with_an_unsubscribe_link(world, county):
    client = Client()
    url = f"/public/park/{world.park.code}/subscribe/"
    assert client.post(url, {"email": "not-an-address"}).status_code == 400
    assert client.post(url, {"email": "a@example.org", "enterprise": world.enterprise_a.pk}).status_code == 200
    sub = Subscription.objects.get()
    assert sub.confirmed_at is None and len(mail.outbox) == 1
    assert digest.handle_one_digest() is False  # nothing goes to an unconfirmed address
    link = re.search(r"https?://[^\s]+/public/subscription/confirm/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    assert client.get(path).status_code == 200 and Subscription.objects.get().confirmed_at is None
    client.post(path)
    sub.refresh_from_db()
    assert sub.confirmed_at is not None
    assert AuditEntry.objects.filter(action="subscription.confirm", object_id=str(sub.pk)).exists()
    assert "a@example.org" not in str(list(AuditEntry.objects.filter(action__startswith="subscription")
                                          .values("after", "before", "object_repr")))
    # a notice published after the confirmation goes out in the next digest
    from qingyuan.portal.tests.county import notice
    notice(world, "新的关停名单", to="published", enterprise=world.enterprise_a)
    Subscription.objects.filter(pk=sub.pk).update(digest_due_at=timezone.now())
    assert digest.handle_one_digest() is True
    sent = mail.outbox[-1]
    assert "新的关停名单" in sent.body and "/public/subscription/leave/" in sent.body and sent.to == ["a@example.org"]
    leave = re.search(r"/public/subscription/leave/[^\s]+/", sent.body).group(0)
    client.post(leave)
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None
    assert digest.handle_one_digest() is False
