"""The hot standby's state for the device status page: ``{% standby_status as standby %}``.

None when no standby is configured (the partial core/partials/replica_lag.html then shows nothing).
"""

from __future__ import annotations

from django import template

from qingyuan.core import replica

register = template.Library()


@register.simple_tag
def standby_status() -> replica.Standby | None:
    return replica.standby()
