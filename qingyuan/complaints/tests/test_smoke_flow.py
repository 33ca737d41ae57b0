from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import public_post


def test_it_accepts_an_anonymous_complaint_and_routes_it(placed, client):
    response = public_post(client, placed.park, enterprise=str(placed.enterprise_a.pk), phone="13907970000",
                           name="王大妈")
    assert response.status_code == 302, response.content.decode()[:3000]
    c = Complaint.objects.get()
    assert c.status == "accepted" and c.handling_unit == placed.bureau
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert c.code in html and "王大妈" not in html and "13907970000" not in html
