"""The discharge route of an outlet: direct, or indirect into a named treatment plant of the same park."""

import pytest

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises import actions
from qingyuan.enterprises.models import Outlet
from qingyuan.test import make_enterprise, make_point

FORM = {"medium": "water", "code": "DW002", "name": "清下水排口", "receiving": "园区污水处理厂",
        "standard": "GB 31571-2015"}


@pytest.fixture
def plants(world):
    plant = make_enterprise(world.park, "园区污水处理厂", 7, industry="N77")
    make_point(plant, "PPPP0000000000000000000E")
    elsewhere = make_enterprise(world.other_park, "邻县污水处理厂", 8, industry="N77")
    make_point(elsewhere, "QQQQ0000000000000000000E")
    world.plant, world.elsewhere = plant, elsewhere
    return world


def test_it_adds_an_indirect_outlet_into_the_park_plant(plants, as_user):
    w = plants
    response = as_user(w.regulator).post(f"/enterprises/{w.enterprise_a.pk}/outlets/new/",
                                         {**FORM, "route": "indirect", "receiving_plant": w.plant.pk})

    assert response.status_code == 302
    outlet = Outlet.objects.get(enterprise=w.enterprise_a, code="DW002")
    assert (outlet.route, outlet.receiving_plant) == ("indirect", w.plant)
    entry = AuditEntry.objects.get(action="outlet.create", object_id=str(outlet.pk))
    assert entry.after["route"] == "indirect" and entry.after["receiving_plant_id"] == w.plant.pk
    assert entry.user_name == "整治办干部" and entry.related_repr == w.enterprise_a.name
    page = as_user(w.regulator).get(f"/enterprises/{w.enterprise_a.pk}/").content.decode()
    assert "间接排放" in page and "园区污水处理厂" in page
    plant_page = as_user(w.regulator).get(f"/enterprises/{w.plant.pk}/").content.decode()
    assert 'id="indirect-inflows"' in plant_page and w.enterprise_a.name in plant_page


@pytest.mark.parametrize("change, message", [
    ({"route": "indirect"}, "间接排放的排放口必须填写接纳其废水的污水处理厂。"),
    ({"route": "indirect", "receiving_plant": "elsewhere"},
     "邻县污水处理厂 不在本企业所在园区；间接排放只能排入同一园区的污水处理厂。"),
    ({"route": "indirect", "receiving_plant": "plant", "medium": "gas", "code": "DA009"},
     "废气排放口一律直接排入大气，只有废水排放口可以间接排放。"),
    ({"route": "indirect", "receiving_plant": "self"}, "排放口不能间接排入本企业；污水处理厂的出水口属于直接排放。"),
])
def test_it_refuses_an_impossible_route_with_a_message_and_changes_nothing(plants, as_user, change, message):
    w = plants
    targets = {"plant": w.plant.pk, "elsewhere": w.elsewhere.pk, "self": w.enterprise_a.pk}
    data = {**FORM, **change}
    if "receiving_plant" in change:
        data["receiving_plant"] = targets[change["receiving_plant"]]
    before = (Outlet.objects.count(), AuditEntry.objects.count())

    response = as_user(w.regulator).post(f"/enterprises/{w.enterprise_a.pk}/outlets/new/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Outlet.objects.count(), AuditEntry.objects.count()) == before


def test_it_changes_a_route_with_an_audited_before_and_after(plants, as_user):
    w = plants
    outlet = w.point_b.outlet
    data = {"medium": "water", "code": outlet.code, "name": outlet.name, "receiving": "", "standard": "",
            "route": "indirect", "receiving_plant": w.plant.pk}

    response = as_user(w.regulator).post(f"/enterprises/{w.enterprise_b.pk}/outlets/{outlet.pk}/edit/", data)

    assert response.status_code == 302
    outlet.refresh_from_db()
    assert (outlet.route, outlet.receiving_plant_id) == ("indirect", w.plant.pk)
    entry = AuditEntry.objects.get(action="outlet.update")
    assert entry.before == {"route": "direct", "receiving_plant_id": None}
    assert entry.after == {"route": "indirect", "receiving_plant_id": w.plant.pk}
    # Back to direct: the plant is cleared with it.
    as_user(w.regulator).post(f"/enterprises/{w.enterprise_b.pk}/outlets/{outlet.pk}/edit/",
                              {**data, "route": "direct"})
    outlet.refresh_from_db()
    assert (outlet.route, outlet.receiving_plant_id) == ("direct", None)


def test_it_keeps_the_plant_effluent_direct_while_others_discharge_into_it(plants):
    w = plants
    Outlet.objects.filter(pk=w.point_a.outlet_id).update(route="indirect", receiving_plant=w.plant)
    effluent = w.plant.outlets.get()
    with pytest.raises(Exception, match="必须保留一个直接排放的废水排放口"):
        actions.do_update_outlet(effluent, acting_user=w.regulator, is_active=False)
    assert w.plant.outlets.get().is_active and not AuditEntry.objects.filter(action="outlet.update").exists()


def test_it_refuses_outlet_edits_to_read_only_roles_and_other_enterprises(plants, as_user):
    w = plants
    url = f"/enterprises/{w.enterprise_a.pk}/outlets/{w.point_a.outlet_id}/edit/"
    assert as_user(w.supervisor).get(url).status_code == 403
    assert as_user(w.ent_b).get(url).status_code == 404
    other = f"/enterprises/{w.enterprise_a.pk}/outlets/{w.point_b.outlet_id}/edit/"  # B's outlet under A
    assert as_user(w.regulator).get(other).status_code == 404
