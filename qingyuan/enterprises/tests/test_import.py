import io

from openpyxl import Workbook, load_workbook

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import Enterprise

HEAD = ["企业名称", "统一社会信用代码", "法定代表人", "行业", "地址", "经度", "纬度", "风险等级", "挂联单位", "联系电话"]


def xlsx(rows, head=HEAD):
    wb = Workbook()
    wb.active.append(head)
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "enterprises.xlsx"
    return buffer


def test_it_offers_a_template_with_the_columns(world, as_user):
    response = as_user(world.regulator).get("/enterprises/import/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEAD
    assert "说明 Notes" in wb.sheetnames


def test_it_imports_a_good_file(world, as_user):
    rows = [
        ["戊精细化工有限公司", "9144030071526726XG", "王五", "C26", "园区三路3号", 116.41, 27.83, "重大风险", "县环保局", ""],
        ["己制药有限公司", "91110000600037341L", "赵六", "医药制造业", "园区四路4号", None, None, "一般风险", "", "123"],
    ]
    response = as_user(world.regulator).post("/enterprises/import/", {"park": world.park.pk, "file": xlsx(rows)})
    assert response.status_code == 302
    e = Enterprise.objects.get(name="己制药有限公司")
    assert (e.industry, e.risk_class, e.park) == ("C27", "general", world.park)
    assert Enterprise.objects.get(name="戊精细化工有限公司").linked_unit == world.bureau
    assert AuditEntry.objects.filter(action="enterprise.create").count() == 2


def test_it_reports_every_bad_row_and_writes_nothing(world, as_user):
    rows = [
        ["好企业有限公司", "9144030071526726XG", "王五", "C26", "园区三路3号", 116.41, 27.83, "重大风险", "", ""],
        ["", "9144030071526726XH", "李四", "C26", "地址", None, None, "一般风险", "", ""],        # row 3
        ["坏行业有限公司", "91330100799655058B", "张三", "造船", "地址", None, None, "一般风险", "", ""],  # row 4
        ["重复代码有限公司", "9144030071526726XG", "张三", "C26", "地址", "东经", None, "极高", "不存在局", ""],  # row 5
        ["已存在有限公司", world.enterprise_a.credit_code, "张三", "C26", "地址", None, None, "一般风险", "", ""],  # row 6
    ]
    response = as_user(world.regulator).post("/enterprises/import/", {"park": world.park.pk, "file": xlsx(rows)})
    page = response.content.decode()
    assert response.status_code == 400
    expected = [
        ("3", "企业名称", "此项必填"), ("3", "统一社会信用代码", "校验码"),
        ("4", "行业", "“造船”不是可选值"), ("5", "统一社会信用代码", "与第 2 行的信用代码重复"),
        ("5", "经度", "不是数字"), ("5", "风险等级", "“极高”不是可选值"), ("5", "挂联单位", "没有名为“不存在局”的单位"),
        ("6", "统一社会信用代码", "已存在"),
    ]
    for row, column, text in expected:
        assert f"<td>{row}</td><td>{column}</td><td>" in page and text in page, (row, column, text)
    assert "未导入任何数据" in page
    assert not Enterprise.objects.filter(name="好企业有限公司").exists()
    assert not AuditEntry.objects.exists()


def test_it_rejects_a_file_that_is_not_excel(world, as_user):
    junk = io.BytesIO(b"not a spreadsheet")
    junk.name = "x.xlsx"
    response = as_user(world.regulator).post("/enterprises/import/", {"park": world.park.pk, "file": junk})
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()


def test_it_reports_missing_columns(world, as_user):
    response = as_user(world.regulator).post(
        "/enterprises/import/", {"park": world.park.pk, "file": xlsx([["x"]], head=["企业名称"])})
    assert "缺少列" in response.content.decode() and "统一社会信用代码" in response.content.decode()


def test_it_forbids_import_for_read_only_roles(world, as_user):
    response = as_user(world.supervisor).post("/enterprises/import/", {"park": world.park.pk, "file": xlsx([])})
    assert response.status_code == 403
