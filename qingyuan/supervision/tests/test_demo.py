"""The demo county's supervision group: members of each type, opinions in several states (filed, answered
and rated, overdue and escalated), a patrol the supervisor joined and signed; seeded idempotently."""

from __future__ import annotations

import pytest
from django.test import Client

from qingyuan.demo import data
from qingyuan.demo.seed import Seeder
from qingyuan.inspections import demo as inspections_demo
from qingyuan.supervision import demo
from qingyuan.supervision.models import Member, Opinion, Participation


@pytest.fixture
def county(db):
    seeder = Seeder(log=lambda line: None)
    seeder.park = seeder._park()
    seeder._units()
    seeder.users = {u[0]: seeder._account(*u) for u in data.ACCOUNTS}
    seeder._enterprises()
    seeder._enterprise_accounts()
    inspections_demo.seed(seeder)
    demo.seed(seeder)
    return seeder


def test_it_seeds_members_opinions_and_a_signed_patrol_once(county):
    today = county.story.today
    assert set(Member.objects.values_list("type", flat=True)) == {"deputy", "cppcc", "villager", "media"}
    member = Member.objects.get(user=county.users["supervisor"])
    assert member.type == "deputy" and member.serves_on(today)
    opinions = list(Opinion.objects.filter(member=member))
    assert {o.status for o in opinions} == {"filed", "answered", "rated"}
    assert {o.rating for o in opinions if o.status == "rated"} == {"satisfied", "basically"}
    overdue = [o for o in opinions if o.overdue(today)]
    assert len(overdue) == 1 and overdue[0].escalation_level == 4  # 挂牌督办, 25 days overdue
    assert all(o.filed_at.date() <= today and (o.answered_at is None or o.answered_at >= o.filed_at)
               for o in opinions)
    signed = Participation.objects.get(member=member, signed_at__isnull=False)
    assert signed.status == "confirmed" and signed.signature_name == "江德福"
    assert signed.signed_at == signed.patrol.finished_at and signed.day < today
    assert Participation.objects.filter(member=member, status="invited").count() == 1
    counts = (Member.objects.count(), Opinion.objects.count(), Participation.objects.count())
    demo.seed(county)
    assert (Member.objects.count(), Opinion.objects.count(), Participation.objects.count()) == counts


def test_it_shows_the_supervisor_his_opinions_and_invitation_at_home(county):
    client = Client()
    client.force_login(county.users["supervisor"])
    home = client.get("/").content.decode()
    assert 'id="supervision-panel"' in home and 'id="panel-invitations"' in home
    assert "关停企业厂区遗留物料处置" in home and "挂牌督办" in home
    assert "在线监测数据公开" in client.get("/work/").content.decode()  # waiting for his rating
