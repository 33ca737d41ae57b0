"""The 双随机 draw: reproducible from its recorded seed, verifiable, uniform, two distinct inspectors."""

import random
from collections import Counter

import pytest

from qingyuan.inspections import draw


def seeds(n, meta=20260301):
    rng = random.Random(meta)
    return [f"{rng.getrandbits(128):032x}" for _ in range(n)]


def test_it_gives_the_same_result_for_the_same_seed_whatever_the_pool_order():
    seed = draw.new_seed()
    first = draw.run(seed, [5, 3, 9, 1, 7, 11], [21, 22, 23, 24], 3)
    again = draw.run(seed, [11, 1, 9, 7, 3, 5, 5], [24, 23, 22, 21], 3)
    assert first == again and len(first) == 3
    assert len({d.enterprise_id for d in first}) == 3


def test_it_gives_a_fixed_answer_for_a_known_seed():
    # Pinned: if this changes, every recorded draw would fail verification.
    result = draw.run("0123456789abcdef0123456789abcdef", range(1, 11), [100, 101, 102, 103], 3)
    assert result == draw.run("0123456789abcdef0123456789abcdef", range(1, 11), [100, 101, 102, 103], 3)
    assert [d.enterprise_id for d in result] == PINNED_ENTERPRISES
    assert [d.inspector_ids for d in result] == PINNED_PAIRS


def test_it_makes_a_new_unguessable_seed_each_time():
    found = {draw.new_seed() for _ in range(100)}
    assert len(found) == 100 and all(draw.SEED_PATTERN.match(s) for s in found)


def test_it_verifies_a_recorded_draw_and_detects_tampering():
    seed = draw.new_seed()
    result = draw.run(seed, range(1, 31), [1, 2, 3, 4, 5], 4)
    assert draw.verify(seed, range(1, 31), [1, 2, 3, 4, 5], 4, result).ok
    swapped = (draw.Drawn(99, result[0].inspector_ids), *result[1:])
    check = draw.verify(seed, range(1, 31), [1, 2, 3, 4, 5], 4, swapped)
    assert not check.ok and check.differences == [0]
    other_pair = (*result[:-1], draw.Drawn(result[-1].enterprise_id, (1, 2) if result[-1].inspector_ids != (1, 2)
                                           else (2, 1)))
    assert draw.verify(seed, range(1, 31), [1, 2, 3, 4, 5], 4, other_pair).differences == [3]
    assert not draw.verify(seed, range(1, 31), [1, 2, 3, 4, 5], 4, result[:3]).ok
    assert not draw.verify("not-a-seed", range(1, 31), [1, 2, 3, 4, 5], 4, result).ok


def test_it_draws_each_enterprise_equally_often():
    counts = Counter(draw.run(s, range(10), [1, 2], 1)[0].enterprise_id for s in seeds(20_000))
    expected = 20_000 / 10
    assert set(counts) == set(range(10))
    assert all(abs(n - expected) <= 0.10 * expected for n in counts.values()), counts
    chi_square = sum((n - expected) ** 2 / expected for n in counts.values())
    assert chi_square < 27.88  # 9 degrees of freedom, p = 0.001


def test_it_always_pairs_two_distinct_inspectors_and_spreads_the_pairs():
    pairs = Counter()
    for s in seeds(6_000, meta=7):
        for d in draw.run(s, range(20), [1, 2, 3, 4], 3):
            assert len(d.inspector_ids) == 2 and d.inspector_ids[0] != d.inspector_ids[1]
            pairs[frozenset(d.inspector_ids)] += 1
    expected = 18_000 / 6  # C(4, 2) unordered pairs
    assert len(pairs) == 6 and all(abs(n - expected) <= 0.10 * expected for n in pairs.values()), pairs


def test_it_refuses_impossible_draws():
    seed = draw.new_seed()
    with pytest.raises(ValueError):
        draw.run(seed, [1, 2], [1, 2], 3)
    with pytest.raises(ValueError):
        draw.run(seed, [1, 2], [1], 1)
    with pytest.raises(ValueError):
        draw.run("XYZ", [1, 2], [1, 2], 1)


PINNED_ENTERPRISES = [8, 3, 9]
PINNED_PAIRS = [(103, 102), (102, 103), (100, 102)]
