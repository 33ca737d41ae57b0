"""A packet's accepted deviations are shown as labels, not as the stored values."""

from django.utils import translation

from qingyuan.hj212.packet import Tolerance
from qingyuan.monitoring.templatetags.frames import TOLERANCE_LABELS, tolerance_labels


def test_it_labels_every_tolerance_the_decoder_and_receiver_set():
    assert {t.value for t in Tolerance} <= set(TOLERANCE_LABELS)


def test_it_shows_the_labels_in_chinese_and_keeps_an_unknown_value():
    with translation.override("zh-hans"):
        assert tolerance_labels(["lowercase_crc", "st_medium_mismatch", "new_kind"]) == [
            "CRC校验码为小写", "2005版编码按监测点类型识别（系统编码ST与之不符）", "new_kind"]
