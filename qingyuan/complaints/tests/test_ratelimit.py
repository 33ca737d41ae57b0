"""Anti-spam that holds across web workers: counts and single use live in the database, and the
challenge token gives nothing away. Tracking-code lookups are limited per address."""

import base64
import json
import zlib

from django.core import signing
from django.core.cache import cache
from django.test import Client

from qingyuan.complaints import actions, ratelimit
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import form_data, public_post
from qingyuan.complaints.tests.helpers import submit


def test_it_refuses_the_sixth_complaint_even_when_two_processes_race_for_the_last_slot(world, monkeypatch):
    first, second = Client(), Client()  # two workers' worth of clients, one address
    for n in range(4):
        assert public_post(first if n % 2 else second, world.park).status_code == 302
    cache.clear()  # no process keeps anything of its own that the count depends on
    real = actions.do_submit_complaint
    raced: list = []

    def submit_while_another_process_submits(**kwargs):
        if not raced:  # the 5th is being stored when the 6th arrives at another worker
            raced.append(None)
            raced[0] = public_post(second, world.park)
        return real(**kwargs)

    monkeypatch.setattr(actions, "do_submit_complaint", submit_while_another_process_submits)
    fifth = public_post(first, world.park)
    assert fifth.status_code == 302 and raced[0].status_code == 429
    assert "12369" in raced[0].content.decode()
    assert Complaint.objects.count() == 5
    assert public_post(first, world.park).status_code == 429 and Complaint.objects.count() == 5


def test_it_accepts_a_challenge_token_once_whatever_the_cache_holds(world, client):
    data = form_data()
    assert client.post(f"/public/complaints/{world.park.code}/", data).status_code == 302
    cache.clear()  # a flushed or culled cache must not make the token new again
    replay = Client().post(f"/public/complaints/{world.park.code}/", data)
    assert replay.status_code == 400 and "已经提交过一次" in replay.content.decode()
    assert Complaint.objects.count() == 1


def _payload(token: str) -> object:
    """What anyone can read from a token without the key."""
    piece = token.split(":")[0]
    compressed = piece.startswith(".")
    raw = base64.urlsafe_b64decode(piece.lstrip(".") + "=" * (-len(piece.lstrip(".")) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def test_it_keeps_the_challenge_answer_out_of_the_token(db):
    for _ in range(20):
        challenge = ratelimit.new_challenge()
        readable = _payload(challenge.token)
        assert isinstance(readable, str) and len(readable) == 32 and int(readable, 16) >= 0  # a bare nonce
        assert signing.loads(challenge.token, salt=ratelimit.CHALLENGE_SALT) == readable  # and nothing else
        assert ratelimit.solve(challenge.token) == challenge.a + challenge.b  # the server still knows it
        assert ratelimit.question_of(challenge.token) == challenge.question


def test_it_limits_tracking_code_lookups_per_address(world, client, settings):
    settings.QINGYUAN_COMPLAINT_LOOKUP_LIMIT = 3
    c = submit(world.park, address="x")
    assert client.get(f"/public/complaints/track/{c.code}/").status_code == 200
    assert client.get("/public/complaints/track/ZZZZZZZZZZ/").status_code == 404  # misses count too
    assert client.get(f"/api/v1/complaints/track/{c.code}").status_code == 200
    limited = client.get(f"/public/complaints/track/{c.code}/")
    assert limited.status_code == 429 and "查询次数过多" in limited.content.decode()
    assert c.code not in limited.content.decode()
    api = client.get(f"/api/v1/complaints/track/{c.code}")
    assert api.status_code == 429 and api.json()["error"]
    assert client.post(f"/public/complaints/track/{c.code}/rate/", {"rating": "satisfied"}).status_code == 429
    assert client.get(f"/public/complaints/track/{c.code}/", REMOTE_ADDR="10.0.0.7").status_code == 200
