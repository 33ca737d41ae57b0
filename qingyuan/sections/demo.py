"""Demo sections of the Qingxi river (idempotent; called at the end of ``Seeder.run()``).

青溪河入境断面 (inbound, target Ⅱ), 园区下游断面 (in-park, Ⅲ) and 青溪河出境断面 (outbound, Ⅲ,
linked to the demo's water-quality automatic station) with 24 monthly manual samples each. The in-park
and outbound sections belong to 临江镇, the township the park sits in (its section-compliance indicator
in the assessment); the inbound section measures what reaches the county and belongs to no township.
The outbound section is class Ⅳ before the clean-up (the polluted winter at the start of the demo's
history, ``qingyuan.demo.story``), improves through the spring closures and meets Ⅲ from the summer
on — except one month after a summer storm when ammonia misses it. The river station's daily values
(``demo.history``) follow the same path.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from qingyuan.demo import story
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.sections.actions import do_create_section, do_record_sample, do_update_section
from qingyuan.sections.models import Sample, Section

STATION_MN = "361123QXHCJDM00000000001"
SECTIONS = [
    ("青溪河入境断面", "inbound", "II", 1, ("116.392100", "27.836400")),
    ("园区下游断面", "in_park", "III", 2, ("116.418700", "27.829300")),
    ("青溪河出境断面", "outbound", "III", 3, ("116.441200", "27.821800")),
]
TOWNSHIP = "临江镇"
ALONG_TOWNSHIP = ("in_park", "outbound")
SAMPLE_DAY = 8
# (COD, NH3-N, TP, CODMn, BOD5, petroleum) per kind: before the clean-up, after it.
LEVELS = {
    "inbound": ((12.5, 0.38, 0.075, 3.1, 2.4, 0.03), (12.0, 0.33, 0.07, 3.0, 2.3, 0.03)),
    "in_park": ((26.0, 1.32, 0.26, 8.0, 5.0, 0.30), (16.5, 0.72, 0.15, 4.8, 3.4, 0.04)),
    "outbound": ((25.5, 1.28, 0.24, 8.1, 4.8, 0.28), (16.8, 0.74, 0.15, 4.9, 3.4, 0.04)),
}


def months(today: dt.date, count: int = 24) -> list[dt.date]:
    last = today.year * 12 + today.month - 1 - (0 if today.day >= SAMPLE_DAY else 1)
    return [dt.date(i // 12, i % 12 + 1, SAMPLE_DAY) for i in range(last - count + 1, last + 1)]


def progress(day: dt.date) -> float:
    """0 until the spring closures, 1 from the summer, linear in between (the clean-up; ``demo.story``)."""
    return story.calendar().progress(day, 120, 240)


def values_for(kind: str, day: dt.date, rng: random.Random, *, miss: bool) -> list[tuple[str, str, str]]:
    before, after = LEVELS[kind]
    f = progress(day)
    cod, nh3n, tp, codmn, bod5, oil = (b + (a - b) * f for b, a in zip(before, after, strict=True))

    def jitter(v: float, spread: float = 0.05) -> float:
        return v * (1 + rng.uniform(-spread, spread))

    if miss:
        nh3n = 1.38  # a recent month above the class Ⅲ limit (1.0 mg/L): Ⅳ类
    summer = day.month in (6, 7, 8, 9)
    return [("water_temp", f"{(26 if summer else 14) + rng.uniform(-2, 2):.1f}", "°C"),
            ("ph", f"{7.3 + rng.uniform(-0.3, 0.3):.2f}", ""),
            ("do", f"{(6.4 if summer else 7.6) - (0.8 * (1 - f) if kind != 'inbound' else 0):.2f}", "mg/L"),
            ("codmn", f"{jitter(codmn):.2f}", "mg/L"), ("codcr", f"{jitter(cod):.1f}", "mg/L"),
            ("bod5", f"{jitter(bod5):.2f}", "mg/L"), ("nh3n", f"{nh3n if miss else jitter(nh3n):.3f}", "mg/L"),
            ("tp", f"{jitter(tp):.3f}", "mg/L"), ("petroleum", f"{jitter(oil):.3f}", "mg/L"),
            ("vphenol", f"{0.0012 + rng.uniform(0, 0.0008):.4f}", "mg/L")]


def seed(seeder: Any) -> None:
    park = seeder.park
    staff = seeder.users["epb"]
    station = MonitoringPoint.objects.filter(mn=STATION_MN).first()
    rng = random.Random(20250401)
    days = months(timezone.localdate())
    miss = days[-4]  # one month after the summer storms misses the target
    township = seeder.units.get(TOWNSHIP)
    for name, kind, target, order, (lon, lat) in SECTIONS:
        section = Section.objects.filter(park=park, name=name).first()
        along = township if kind in ALONG_TOWNSHIP else None
        if section is None:
            section = do_create_section(park, acting_user=seeder.users["office"], name=name, kind=kind, river="青溪河",
                                        target_class=target, order=order, longitude=lon, latitude=lat,
                                        point=station if kind == "outbound" else None, township=along)
        elif section.township_id is None and along is not None:  # seeded before sections had a township
            section = do_update_section(section, acting_user=seeder.users["office"], township=along)
        have = set(Sample.objects.filter(section=section).values_list("date", flat=True))
        for day in days:
            values = values_for(kind, day, rng, miss=kind != "inbound" and day == miss)
            if day not in have:
                do_record_sample(section, acting_user=staff, date=day, values=values, note="月度例行监测")
    seeder.log(f"sections: {Section.objects.filter(park=park).count()} sections, "
               f"{Sample.objects.filter(section__park=park).count()} samples")
