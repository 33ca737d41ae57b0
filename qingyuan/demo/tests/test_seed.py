from django.core.management import call_command
from django.test import Client

from qingyuan.demo import data
from qingyuan.demo.seed import summary
from qingyuan.enterprises.creditcode import validate
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Membership


def test_it_seeds_the_demo_county_idempotently(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = summary()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert summary() == first
    assert first["enterprises"] == 30 and first["outlets"] >= 40 and first["points"] >= 50
    # the demo accounts, plus the enterprises' and units' officers who handled the year's alarms
    handlers = Membership.objects.exclude(user__username__in=[a[0] for a in data.ACCOUNTS]).values_list(
        "user__username", flat=True).distinct()
    assert first["units"] >= 20 and first["accounts"] == len(data.ACCOUNTS) + handlers.count()
    assert handlers.count() <= 30 and all(n.startswith(("ent", "officer-")) for n in handlers)
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


def test_the_demo_routes_wastewater_through_the_plant_and_counts_it_once(db):
    from qingyuan.enterprises.models import Outlet
    from qingyuan.loads import ledger
    from qingyuan.loads.models import NewProject

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    plant = Enterprise.objects.get(name="临江县域污水处理有限公司")
    water = Outlet.objects.filter(medium="water")
    assert list(water.filter(route="direct").values_list("enterprise__name", flat=True)) == [plant.name]
    assert water.filter(route="indirect", receiving_plant=plant).count() == water.count() - 1
    assert not Outlet.objects.filter(medium="gas", route="indirect").exists()
    cod = ledger.capacity(plant.park_id)["w01018"]
    plant_cod = plant.baseline_loads.get(pollutant_code="w01018").load_t
    assert cod.baseline == plant_cod  # the indirect dischargers' wastewater is inside the plant's baseline
    assert cod.available >= 0
    assert NewProject.objects.filter(status="approved").count() == 1
    assert NewProject.objects.filter(status="proposed").count() == 1
