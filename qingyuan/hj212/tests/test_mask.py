"""mask_password: the PW of a frame never leaves the platform, whatever the frame looks like."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qingyuan.hj212 import build_packet, mask_password

SECRET = "Zx9-secret-pw"


def frame(pw: str = SECRET) -> bytes:
    return build_packet(st="32", cn="2051", pw=pw, mn="AAAA0000000000000000000A", qn="20260101120000001",
                        cp="DataTime=20260101120000;w01018-Avg=40.5", flag=5)


def test_it_masks_the_password_of_a_frame_as_bytes_and_as_text():
    raw = frame()

    masked = mask_password(raw)
    text = mask_password(raw.decode())

    assert SECRET.encode() not in masked and b";PW=******;MN=AAAA0000000000000000000A;" in masked
    assert text == masked.decode()
    assert masked.replace(b"PW=******", b"PW=" + SECRET.encode()) == raw  # nothing else changes


def test_it_masks_odd_spellings_and_the_new_password_of_a_1072_command():
    assert mask_password("QN=1;pw=abc;MN=9") == "QN=1;pw=******;MN=9"
    assert mask_password("ST=32,PW = abc,MN=9") == "ST=32,PW =******,MN=9"
    assert mask_password("CN=1072;PW=abc;CP=&&NewPW=def&&") == "CN=1072;PW=******;CP=&&NewPW=******&&"
    assert mask_password("##0040QN=1;PW=abc") == "##0040QN=1;PW=******"  # truncated: masked to the end
    assert mask_password("PW=;MN=9") == "PW=******;MN=9"
    assert mask_password("no password here") == "no password here"
    assert mask_password(b"PW=\xff\xfeab;MN=9") == b"PW=******;MN=9"
    assert mask_password("PW=a\\x00b&&\r\nPW=c\nx") == "PW=******&&\r\nPW=******\nx"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_characters=";,=&\r\n", exclude_categories=["Cs"]), min_size=4, max_size=32),
       st.text(max_size=40), st.text(max_size=40))
def test_it_leaves_no_password_in_any_text_around_a_frame(pw, before, after):
    assume(pw != "******")
    text = before + frame(pw).decode() + after

    masked = mask_password(text)

    assert f"PW={pw};MN=" not in masked and "PW=******;MN=" in masked


def test_it_does_not_quote_a_password_it_refuses_to_encode():
    try:
        build_packet(st="32", cn="1012", pw="Zx9;secret", mn="AAAA0000000000000000000A", cp="", flag=5, qn=None)
    except Exception as exc:  # noqa: BLE001 - the message is what is checked
        message = str(exc)
    assert "PW must not contain" in message and "secret" not in message
