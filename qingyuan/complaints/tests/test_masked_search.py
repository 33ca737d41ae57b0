"""A supervision-group member cannot find a complaint by the house number or phone the page masks for them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from qingyuan.complaints import actions as complaint_actions


@pytest.fixture
def complaint(world: Any) -> Any:
    return complaint_actions.do_submit_complaint(
        park=world.park, category="odour", description="夜里异味很重，请回电13911112222。", address="临江村三组12号",
        name="赵六", phone="13911112222", longitude=Decimal("116.41"), latitude=Decimal("27.83"))


def _found(client: Any, q: str, complaint: Any) -> bool:
    page = client.get("/complaints/", {"q": q}).content.decode()
    return f'href="/complaints/{complaint.pk}/"' in page


@pytest.mark.parametrize("q", ["12号", "组12", "三组", "13911112222", "1391111"])
def test_it_finds_nothing_for_a_masked_number_as_a_supervisor(world: Any, as_user: Any, complaint: Any,
                                                              q: str) -> None:
    assert not _found(as_user(world.supervisor), q, complaint)
    assert _found(as_user(world.regulator), q, complaint)  # the office sees the place in full


def test_it_still_finds_by_words_as_a_supervisor(world: Any, as_user: Any, complaint: Any) -> None:
    assert _found(as_user(world.supervisor), "临江村", complaint)
    assert _found(as_user(world.supervisor), "异味", complaint)
