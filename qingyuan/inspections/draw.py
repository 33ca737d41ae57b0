"""The random inspection draw (双随机): random enterprises, and a random pair of inspectors for each.

Pure and reproducible: ``run(seed, enterprises, inspectors, k)`` always gives the same
result for the same inputs, so anyone can re-check a recorded draw (``verify``).

* The seed is 128 bits from ``secrets`` (``new_seed``), chosen by nobody; it is
  recorded with the draw together with both pools as they were at the time.
* The pools are sorted and de-duplicated first, so database order does not matter.
* ``random.Random(int(seed, 16))`` drives a partial Fisher–Yates shuffle that uses
  only ``Random.random()``: the one method whose sequence Python promises to keep
  across versions for the same seed (``sample`` and ``randrange`` may change).
  An index is ``int(random() * n)``; its bias is below n / 2**53.
* First ``k`` enterprises are drawn without replacement; then, for each drawn
  enterprise in drawn order, two distinct inspectors from the whole inspector pool.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ALGORITHM = "fy-random-v1"
SEED_PATTERN = re.compile(r"^[0-9a-f]{32}$")
PAIR = 2


@dataclass(frozen=True)
class Drawn:
    enterprise_id: int
    inspector_ids: tuple[int, ...]


@dataclass(frozen=True)
class Verification:
    ok: bool
    expected: tuple[Drawn, ...]
    recorded: tuple[Drawn, ...]

    @property
    def differences(self) -> list[int]:
        """Positions (0-based) where the recorded result differs from the re-run."""
        longest = max(len(self.expected), len(self.recorded))
        return [i for i in range(longest) if self.expected[i:i + 1] != self.recorded[i:i + 1]]


def new_seed() -> str:
    return secrets.token_hex(16)


def _index(rng: random.Random, n: int) -> int:
    return min(int(rng.random() * n), n - 1)


def _sample(rng: random.Random, population: Sequence[int], k: int) -> list[int]:
    pool = list(population)
    for i in range(k):
        j = i + _index(rng, len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def canonical(pool: Iterable[int]) -> list[int]:
    return sorted(set(int(x) for x in pool))


def run(seed: str, enterprise_pool: Iterable[int], inspector_pool: Iterable[int], sample_size: int) -> tuple[Drawn, ...]:
    if not SEED_PATTERN.match(seed):
        raise ValueError("the seed must be 32 lower-case hexadecimal digits")
    enterprises, inspectors = canonical(enterprise_pool), canonical(inspector_pool)
    if not 1 <= sample_size <= len(enterprises):
        raise ValueError(f"cannot draw {sample_size} from {len(enterprises)} enterprises")
    if len(inspectors) < PAIR:
        raise ValueError("the inspector pool needs at least two inspectors")
    rng = random.Random(int(seed, 16))
    drawn = _sample(rng, enterprises, sample_size)
    return tuple(Drawn(e, tuple(_sample(rng, inspectors, PAIR))) for e in drawn)


def verify(
    seed: str, enterprise_pool: Iterable[int], inspector_pool: Iterable[int], sample_size: int,
    recorded: Iterable[Drawn],
) -> Verification:
    """Re-run the draw from its seed and pools and compare it with what was recorded."""
    recorded = tuple(recorded)
    try:
        expected = run(seed, enterprise_pool, inspector_pool, sample_size)
    except ValueError:
        return Verification(ok=False, expected=(), recorded=recorded)
    return Verification(ok=expected == recorded, expected=expected, recorded=recorded)
