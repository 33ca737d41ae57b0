"""Section compliance (断面达标率) for the townships along the river.

Counted: the manual samples (monthly monitoring, ``sections.Sample``) taken in the period at the active
sections linked to the township (``Section.township``) that have a GB 3838 class. Met: the sample's class is
at least as good as its section's target class. The class is the one the sections pages show
(``sections.evaluation``: single-factor, the worst item sets it, faecal coliforms left out). The automatic
station's daily values are not counted: the assessment rests on the monthly samples, one record each.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from qingyuan.assessment.indicators.base import Measure, Period
from qingyuan.sections import evaluation
from qingyuan.sections.models import SampleValue, Section


def compliance(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    """One query: the values of the period's samples at the townships' sections."""
    rows = (SampleValue.objects.filter(sample__section__township_id__in=units, sample__section__is_active=True,
                                       sample__date__gte=period.start, sample__date__lte=period.last)
            .values_list("sample_id", "sample__section__township_id", "sample__section_id",
                         "sample__section__waterbody", "sample__section__target_class", "parameter", "value_std")
            .order_by("sample_id"))
    samples: dict[int, tuple[int, Section, dict[str, float]]] = {}
    sections: dict[int, Section] = {}
    for sample, unit, section_id, waterbody, target, parameter, value in rows:
        if sample not in samples:
            section = sections.setdefault(section_id, Section(pk=section_id, waterbody=waterbody,
                                                               target_class=target))
            samples[sample] = (unit, section, {})
        samples[sample][2][parameter] = value
    out: dict[int, Measure] = defaultdict(Measure)
    for sample, (unit, section, values) in samples.items():
        cls = evaluation.evaluate(values, section).cls
        if cls is None:
            continue  # only items without a class (water temperature): nothing to judge
        out[unit].counted.append(sample)
        if evaluation.meets(cls, section.target_class):
            out[unit].met.append(sample)
    return out
