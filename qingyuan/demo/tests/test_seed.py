from django.core.management import call_command
from django.test import Client

from qingyuan.demo import data
from qingyuan.demo.seed import summary
from qingyuan.enterprises.creditcode import validate
from qingyuan.enterprises.models import Enterprise


def test_it_seeds_the_demo_county_idempotently(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = summary()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert summary() == first
    assert first["enterprises"] == 30 and first["outlets"] >= 40 and first["points"] >= 50
    assert first["units"] >= 20 and first["accounts"] == 10
    assert len(set(Enterprise.objects.values_list("status", flat=True))) == 7
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        validate(code)


def test_every_demo_account_logs_in_and_sees_its_home(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    for username, name, *_ in data.ACCOUNTS:
        client = Client()
        response = client.post("/login/", {"username": username, "password": data.PASSWORD})
        assert response.status_code == 302, username
        page = client.get("/").content.decode()
        assert name in page, username
    ent1 = Client()
    ent1.post("/login/", {"username": "ent1", "password": data.PASSWORD})
    other = Enterprise.objects.get(name=data.ENTERPRISE_OF["ent2"])
    assert ent1.get(f"/enterprises/{other.pk}/").status_code == 404
