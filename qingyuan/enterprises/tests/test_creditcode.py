import pytest

from qingyuan.enterprises.creditcode import CreditCodeError, make, validate

# Published codes of well-known companies (from their business-licence disclosures).
REAL_VALID = [
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems
    "91110000600037341L",  # a Beijing company with a letter check character
    "91330100799655058B",  # Hangzhou company
    "911100001000093123",  # check character 3
    "91350100M000100Y43",  # the GB 32100 worked example
]


@pytest.mark.parametrize("code", REAL_VALID)
def test_it_accepts_real_codes(code):
    assert validate(code) == code


@pytest.mark.parametrize(("code", "reason"), [
    ("9144030071526726XH", "check character is H, expected G"),
    ("9144030071526726X", "must be 18 characters"),
    ("91440300715267260I", "not allowed"),   # I is not in the alphabet
    ("9144030O71526726XG", "not allowed"),   # letter O instead of zero
])
def test_it_rejects_wrong_codes_with_the_reason(code, reason):
    with pytest.raises(CreditCodeError, match=reason):
        validate(code)


def test_it_normalises_case_and_whitespace():
    assert validate(" 9144030071526726xg ") == "9144030071526726XG"


def test_it_completes_seventeen_characters():
    assert make("9144030071526726X") == "9144030071526726XG"
