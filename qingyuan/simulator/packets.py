"""The frames a simulated logger sends: uploads (2011/2051/2061/2031) and answers to commands.

Standard library + ``qingyuan.hj212`` only. A scheduled upload's QN is derived
from its DataTime and kind, so the same upload sent again after a restart is a
retransmission (the platform answers DUPLICATE and changes nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qingyuan.hj212 import POLLUTANT_CODES, build_packet

from . import signals
from .scenarios import Behaviour

KIND_DIGIT = {"2011": 1, "2051": 2, "2061": 3, "2031": 4}
VERSION_BITS = {"2005": 0, "2017": 1, "2025": 2}
FIXED_MOMENT = dt.datetime(2026, 1, 1, 9, 30)  # a stuck instrument shows its value of this moment


@dataclass(frozen=True)
class DeviceSpec:
    mn: str
    password: str
    st: str = "32"
    protocol: str = "2017"
    medium: str = "water"
    rtd_interval: int = 60  # seconds
    min_interval: int = 10  # minutes
    hourly: bool = True
    daily: bool = True
    limits: dict[str, float] = field(default_factory=dict)  # permit concentration limits by code
    scenarios: frozenset[str] = frozenset()
    name: str = ""

    @property
    def protocol_2005(self) -> bool:
        return self.protocol == "2005" or "protocol_2005" in self.scenarios


@dataclass(frozen=True, slots=True)
class Upload:
    data: bytes
    qn: str | None  # the QN a 9014 will carry (None: 2005, no acknowledgement asked)
    cn: str
    data_time: dt.datetime
    realtime: bool = False  # real-time data is not sent again after an outage


def hj_time(when: dt.datetime) -> str:
    return f"{when:%Y%m%d%H%M%S}"


class Builder:
    """Builds one device's frames."""

    def __init__(self, spec: DeviceSpec) -> None:
        self.spec = spec
        self.behaviour = Behaviour(spec.mn, spec.scenarios)
        self.profiles = signals.profiles_for(spec.medium, spec.st)
        self.version = 0 if spec.protocol_2005 else VERSION_BITS.get(spec.protocol, 1)
        self.password = spec.password + "x" if "wrong_pw" in spec.scenarios else spec.password
        if spec.protocol_2005:  # a 2005 logger sends only the factors the 2005 tables have
            self.profiles = {c: p for c, p in self.profiles.items() if c in POLLUTANT_CODES
                             and POLLUTANT_CODES[c].code2005}

    # -- values ------------------------------------------------------------------------
    def _limit(self, code: str, p: signals.Profile) -> float:
        return self.spec.limits.get(code, p.limit)

    def _moment(self, when: dt.datetime) -> dt.datetime:
        return FIXED_MOMENT if "constant" in self.behaviour else when

    def _wire_code(self, code: str) -> str:
        if self.spec.protocol_2005:
            return POLLUTANT_CODES[code].code2005 or code
        return code

    def realtime_cp(self, when: dt.datetime) -> list[tuple[str, dict[str, object]]]:
        moment, b = self._moment(when), self.behaviour
        flag = b.flag(when)
        o2_profile = self.profiles.get("a19001")
        o2 = signals.level(self.spec.mn, "a19001", o2_profile, moment) if o2_profile else None
        items = []
        for code, p in self.profiles.items():
            value = signals.level(self.spec.mn, code, p, moment)
            value = b.value(value, self._limit(code, p), when, pollutant=p.limit < 1e8)
            fields: dict[str, object] = {"Rtd": value}
            if code in signals.CORRECTED and not self.spec.protocol_2005:
                fields["ZsRtd"] = signals.corrected(value, o2)
            fields["Flag"] = flag
            items.append((code, fields))
        return items

    def interval_cp(self, start: dt.datetime, seconds: int) -> list[tuple[str, dict[str, object]]]:
        moment, b, mn = self._moment(start), self.behaviour, self.spec.mn
        flag = b.flag(start)
        flow_code = "a00000" if self.spec.medium == "gas" else "w00000"
        flow_profile = self.profiles.get(flow_code)
        flow = signals.interval_stats(mn, flow_code, flow_profile, moment, seconds).avg if flow_profile else None
        o2_profile = self.profiles.get("a19001")
        o2 = signals.interval_stats(mn, "a19001", o2_profile, moment, seconds).avg if o2_profile else None
        items = []
        for code, p in self.profiles.items():
            s = signals.interval_stats(mn, code, p, moment, seconds)
            limit, pollutant = self._limit(code, p), p.limit < 1e8
            avg = b.value(s.avg, limit, start, pollutant=pollutant)
            low = b.value(s.min, limit, start, pollutant=pollutant)
            high = b.value(s.max, limit, start, pollutant=pollutant)
            low, high = min(low, avg), max(high, avg)
            fields: dict[str, object] = {"Min": low, "Avg": avg, "Max": high}
            cou = signals.total(p, avg, flow, seconds, self.spec.medium)
            if cou is not None:
                fields["Cou"] = cou
            if code in signals.CORRECTED and not self.spec.protocol_2005:
                fields.update(ZsMin=signals.corrected(low, o2), ZsAvg=signals.corrected(avg, o2),
                              ZsMax=signals.corrected(high, o2))
            fields["Flag"] = flag
            items.append((code, fields))
        return items

    # -- frames ------------------------------------------------------------------------
    def upload(self, cn: str, data_time: dt.datetime, items: list[tuple[str, dict[str, object]]]) -> list[Upload]:
        """The upload, split into sub-packets when the scenario says so."""
        parts = [items]
        if "subpackets" in self.behaviour and len(items) > 2:
            size = (len(items) + 2) // 3
            parts = [items[i:i + size] for i in range(0, len(items), size)]
        pnum = len(parts)
        uploads = []
        for pno, part in enumerate(parts, start=1):
            cp: dict[str, object] = {"DataTime": hj_time(data_time)}
            for code, fields in part:
                wire = self._wire_code(code)
                for suffix, value in fields.items():
                    cp[f"{wire}-{suffix}"] = 0.0 if value == 0 else value
            uploads.append(self._frame(cn, data_time, cp, pno if pnum > 1 else None, pnum if pnum > 1 else None))
        return uploads

    def _frame(self, cn: str, data_time: dt.datetime, cp: dict[str, object], pno: int | None,
               pnum: int | None) -> Upload:
        if self.spec.protocol_2005:
            qn, flag = None, None
        else:
            qn = f"{hj_time(data_time)}{KIND_DIGIT.get(cn, 9)}{(pno or 0):02d}"
            flag = (self.version << 2) | 1 | (2 if pnum else 0)
        data = build_packet(
            st=self.spec.st, cn=cn, pw=self.password, mn=self.spec.mn, cp=cp, qn=qn, flag=flag, pnum=pnum, pno=pno,
            lowercase_crc="lowercase_crc" in self.behaviour,
            length_mode="plus6" if "length_plus6" in self.behaviour else "bytes",
        )  # type: ignore[arg-type]
        return Upload(data, qn, cn, data_time, realtime=cn == "2011")

    def realtime(self, when: dt.datetime) -> list[Upload]:
        return self.upload("2011", when, self.realtime_cp(when))

    def minute(self, start: dt.datetime) -> list[Upload]:
        return self.upload("2051", start, self.interval_cp(start, self.spec.min_interval * 60))

    def hour(self, start: dt.datetime) -> list[Upload]:
        return self.upload("2061", start, self.interval_cp(start, 3600))

    def day(self, start: dt.datetime) -> list[Upload]:
        return self.upload("2031", start, self.interval_cp(start, 86400))

    # -- answers to the platform's commands ---------------------------------------------
    def reply(self, cn: str, qn: str | None, cp: dict[str, object]) -> bytes:
        """9011/9012 (ST=91) with the command's QN."""
        return build_packet(st="91", cn=cn, pw=self.password, mn=self.spec.mn, cp=cp, qn=qn,
                            flag=self.version << 2)  # type: ignore[arg-type]

    def answer(self, cn: str, qn: str | None, cp: dict[str, object]) -> bytes:
        """The data a get-command asked for (1011, 1061, 1063, 3020), with the command's QN."""
        return build_packet(st=self.spec.st, cn=cn, pw=self.password, mn=self.spec.mn, cp=cp, qn=qn,
                            flag=self.version << 2)  # type: ignore[arg-type]
