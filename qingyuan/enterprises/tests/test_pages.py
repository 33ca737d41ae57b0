import io

from openpyxl import load_workbook

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import Enterprise
from qingyuan.test import make_enterprise

NEW = {
    "park": None, "name": "丙新材料有限公司", "credit_code": "9144030071526726xg", "legal_representative": "李四",
    "industry": "C26", "address": "园区二路2号", "longitude": "116.41", "latitude": "27.83", "risk_class": "general",
    "linked_unit": "", "linked_officer": "", "contact_phone": "0797-1234567",
}


def test_it_creates_an_enterprise_with_an_audit_entry(world, as_user):
    data = {**NEW, "park": world.park.pk, "linked_unit": world.bureau.pk}
    response = as_user(world.regulator).post("/enterprises/new/", data)
    e = Enterprise.objects.get(name="丙新材料有限公司")
    assert response.status_code == 302 and response["Location"] == f"/enterprises/{e.pk}/"
    assert e.credit_code == "9144030071526726XG" and e.linked_unit == world.bureau
    entry = AuditEntry.objects.get(action="enterprise.create")
    assert entry.user == world.regulator and entry.after["credit_code"] == "9144030071526726XG"


def test_it_shows_field_errors_in_chinese_and_writes_nothing(world, as_user):
    data = {**NEW, "park": world.park.pk, "credit_code": "9144030071526726XH", "latitude": "95"}
    response = as_user(world.regulator).post("/enterprises/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "统一社会信用代码无效：校验码（最后一位）不正确" in page
    assert "确保该值小于或等于90" in page
    assert not Enterprise.objects.filter(name="丙新材料有限公司").exists()
    assert not AuditEntry.objects.exists()


def test_it_edits_and_audits_only_what_changed(world, as_user):
    e = world.enterprise_a
    data = {**NEW, "park": world.park.pk, "name": e.name, "credit_code": e.credit_code, "address": "新地址8号",
            "linked_unit": world.bureau.pk, "linked_officer": world.officer.pk}
    response = as_user(world.officer).post(f"/enterprises/{e.pk}/edit/", data)
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.address == "新地址8号"
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.before["address"] == "园区一路1号" and entry.after["address"] == "新地址8号"
    assert "name" not in entry.after


def test_it_refuses_edits_by_a_unit_not_linked(world, as_user):
    e = world.enterprise_a
    response = as_user(world.township).post(f"/enterprises/{e.pk}/edit/", {**NEW, "park": world.park.pk, "name": "改"})
    assert response.status_code == 403
    e.refresh_from_db()
    assert e.name == "甲化工有限公司"


def test_it_filters_and_searches_the_list(world, as_user):
    make_enterprise(world.park, "丁制药有限公司", 3, industry="C27", status="rectifying", risk_class="general")
    client = as_user(world.regulator)
    page = client.get("/enterprises/", {"status": "rectifying"}).content.decode()
    assert "丁制药有限公司" in page and "甲化工有限公司" not in page
    page = client.get("/enterprises/", {"q": "甲化工"}).content.decode()
    assert "甲化工有限公司" in page and "乙化工有限公司" not in page
    partial = client.get("/enterprises/", {"industry": "C27"}, HTTP_HX_REQUEST="true")
    assert partial["Vary"] == "HX-Request" or "HX-Request" in partial["Vary"]
    assert "<html" not in partial.content.decode() and "丁制药有限公司" in partial.content.decode()


def test_it_keeps_the_list_query_count_flat(world, as_user, django_assert_max_num_queries):
    for i in range(40):
        make_enterprise(world.park, f"批量企业{i}", 100 + i, linked_unit=world.bureau)
    client = as_user(world.regulator)
    with django_assert_max_num_queries(12) as small:
        client.get("/enterprises/")
    for i in range(40, 80):
        make_enterprise(world.park, f"批量企业{i}", 100 + i, linked_unit=world.township_unit)
    with django_assert_max_num_queries(12) as large:
        client.get("/enterprises/", {"page": 2})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_exports_the_filtered_list_to_excel(world, as_user):
    response = as_user(world.regulator).get("/enterprises/export.xlsx", {"q": "甲"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "企业名称"
    assert [r[0] for r in rows[1:]] == ["甲化工有限公司"]
    assert rows[1][8] == "县环保局" and rows[1][10] == "正常生产"


def test_it_shows_the_detail_with_outlets_points_and_audit(world, as_user):
    page = as_user(world.regulator).get(f"/enterprises/{world.enterprise_a.pk}/").content.decode()
    for text in ["甲化工有限公司", world.enterprise_a.credit_code, "总排口", world.point_a.mn, "县环保局", "环保局联络员"]:
        assert text in page
    assert "开始整治" in page and "关停" in page


def test_it_lists_units_with_their_linked_enterprises(world, as_user):
    page = as_user(world.inspector).get(f"/units/{world.bureau.pk}/").content.decode()
    assert "甲化工有限公司" in page and "乙化工有限公司" not in page and "环保局联络员" in page
