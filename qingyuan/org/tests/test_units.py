from qingyuan.org.models import Unit


def test_it_lists_units_with_flat_query_count(world, as_user, django_assert_max_num_queries):
    client = as_user(world.inspector)
    with django_assert_max_num_queries(10) as few:
        client.get("/units/")
    for i in range(30):
        Unit.objects.create(park=world.park, kind="department", name=f"部门{i}")
    with django_assert_max_num_queries(10) as many:
        page = client.get("/units/").content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)
    assert "部门29" in page and "邻县整治办" not in page


def test_it_switches_the_interface_to_english(world, as_user):
    client = as_user(world.regulator)
    assert "企业" in client.get("/enterprises/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/enterprises/"})
    page = client.get("/enterprises/").content.decode()
    assert "Export to Excel" in page and "导出 Excel" not in page
