"""Bytes per reading and encoding time of the raw-evidence codec (issue 16), per codec and preset.

    .venv/bin/python bench/evidence_codec.py

One simulated day of a gas outlet's logger (2,880 real-time + 1,440 minute frames, 7 parameters)
encoded as a ``PacketBlock`` would be (``qingyuan.monitoring.evidence_codec``), with zlib and
several LZMA presets; no database. docs/storage.md ("Raw evidence") quotes its output.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")

import django  # noqa: E402

django.setup()

from qingyuan.monitoring import evidence_codec as codec  # noqa: E402
from qingyuan.monitoring.evidence_codec import ZONE, Entry  # noqa: E402
from qingyuan.simulator.packets import Builder, DeviceSpec  # noqa: E402

MN = "36112301000000000000000001"


def day_of_entries() -> list[Entry]:
    builder = Builder(DeviceSpec(mn=MN, password="123456", st="31", medium="gas"))
    start = dt.datetime(2026, 3, 1)
    frames = [(start + dt.timedelta(seconds=30 * i + 3), builder.realtime(start + dt.timedelta(seconds=30 * i))[0].data)
              for i in range(2880)]
    frames += [(start + dt.timedelta(minutes=i, seconds=5), builder.minute(start + dt.timedelta(minutes=i))[0].data)
               for i in range(1440)]
    entries = []
    for i, (moment, data) in enumerate(sorted(frames)):
        text = data.decode()
        qn, cn = text.split("QN=")[1][:17], text.split("CN=")[1][:4]
        received = moment.replace(tzinfo=ZONE).astimezone(dt.UTC)
        entries.append(Entry(id=1000 + i, received_at=received, peer="10.20.30.40:51234", connection_id=77, mn=MN,
                             cn=cn, qn=qn, pno=None, pnum=None, data_time=received.replace(microsecond=0),
                             verdict="stored", reason="", duplicates=0, dedup_key=f"{MN}|{cn}|Q{qn}|0", result=None,
                             text=text))
    return entries


def main() -> None:
    entries, day = day_of_entries(), dt.date(2026, 3, 1)
    readings = len(entries) * 7
    raw = b"".join((e.text or "").encode() for e in entries)
    print(f"{len(entries)} frames/day ({readings} readings), raw text {len(raw) / readings:.1f} B/reading")
    runs = [("zlib 9", codec.CODEC_ZLIB, None)] + [(f"lzma {p}", codec.CODEC_LZMA, p) for p in (0, 1, 2, 3, 6)]
    for label, kind, preset in runs:
        if preset is not None:
            codec.LZMA_PRESET = preset
        best = 1e9
        for _ in range(2):
            t0 = time.perf_counter()
            data, crc = codec.encode_frames(entries, kind)
            index = codec.encode_index(day, entries, kind)
            best = min(best, time.perf_counter() - t0)
        t0 = time.perf_counter()
        codec.decode_frames(data, crc, codec.decode_index(day, index, kind), kind)
        decode = time.perf_counter() - t0
        print(f"  {label:8} frames {len(data) / readings:5.2f} + index {len(index) / readings:5.2f} = "
              f"{(len(data) + len(index)) / readings:5.2f} B/reading; encode {best * 1000:6.0f} ms/day, "
              f"decode all {decode * 1000:5.0f} ms")
    rest = raw[32768:]
    shared = zlib.compressobj(9, zdict=raw[:32768])
    with_dict = shared.compress(rest) + shared.flush()
    print(f"  zlib 9 with a 32 KB shared dictionary: {len(with_dict) / readings:5.2f} B/reading, "
          f"without: {len(zlib.compress(rest, 9)) / readings:5.2f}")


if __name__ == "__main__":
    main()
