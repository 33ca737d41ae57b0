"""The demo county's complaints: two years, counts falling after the clean-up, every state, idempotent."""

import pytest
from django.utils import timezone

from qingyuan.complaints.models import Complaint
from qingyuan.core.work import Colour
from qingyuan.demo.seed import Seeder


@pytest.mark.slow  # a whole demo seed of its own: run on SQLite only (Makefile, test-postgres)
def test_it_seeds_two_years_of_complaints_in_every_state_once(db):
    Seeder(log=lambda *a: None).run()
    qs = Complaint.objects.filter(review_level=0)
    today = timezone.localdate()
    before = qs.filter(year=today.year - 1).count()
    after = qs.filter(year=today.year).count()
    assert 60 <= before <= 85 and after <= before // 3
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states >= {"received", "accepted", "in_handling", "replied", "closed", "not_accepted", "returned", "merged"}
    petition = Complaint.objects.get(case_type="petition")
    assert petition.extended and petition.status == "in_handling"
    assert Complaint.objects.filter(review_level=1).count() == 1
    assert Complaint.objects.filter(replied_on_time=False).exists()
    assert any(c.colour(today) == Colour.RED for c in Complaint.objects.filter(status="in_handling"))
    assert Complaint.objects.exclude(assignment=None).count() >= before
    park = Complaint.objects.first().park
    assert park.boundary["type"] == "Polygon"
    count = Complaint.objects.count()
    Seeder(log=lambda *a: None).run()
    assert Complaint.objects.count() == count
