"""Stored XSS, in Chromium: text typed by one user stays text in every chart, map and script-built view.

The demo county is seeded, then a payload goes into every user-writable text that reaches a chart or
a JS-built view: a plan measure's title (typed by the enterprise), an enterprise's and a monitoring
point's name, a complaint's description and place, an alarm's explanation, a patrol finding, a water
section's name and the park's name (Leaflet tooltip). The office then opens the pages that show them,
brings up every chart tooltip (ECharts ``showTip`` through the chart instance) and every map popup and
tooltip, and the test asserts that nothing ran (``window.__xss``), nothing was injected (``#injected``),
no script failed, the browser reported no CSP violation, and the payload is visible as text.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from qingyuan.alarms.models import Alarm
from qingyuan.complaints.models import Complaint
from qingyuan.demo import data
from qingyuan.enterprises.models import Enterprise
from qingyuan.ingest.process import process_packets
from qingyuan.inspections.models import Finding
from qingyuan.org.models import Park
from qingyuan.plans.models import Measure
from qingyuan.quality.tests.support import packet, readings
from qingyuan.sections.models import Section
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser
LOCAL = dt.timezone(dt.timedelta(hours=8))
PAYLOAD = '<img src=x onerror="window.__xss=1"><b id=injected>甲</b></script><script>window.__xss=2</script>'
VISIBLE = "<b id=injected>甲</b>"  # how the payload reads on the page when it stays text

# Bring up every tooltip of every ECharts instance on the page; returns the text the tooltips showed
# and whether an element with id=injected existed after any of them.
SHOW_TIPS = """async () => {
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  let text = "", injected = false, charts = 0;
  if (typeof echarts === "undefined") { return {text, injected, charts}; }
  for (const el of document.querySelectorAll("div")) {
    const chart = echarts.getInstanceByDom(el);
    if (!chart) { continue; }
    charts += 1;
    const series = chart.getOption().series || [];
    for (let s = 0; s < series.length; s++) {
      const n = Math.min((series[s].data || []).length, 40);
      for (let i = 0; i < n; i++) {
        chart.dispatchAction({type: "showTip", seriesIndex: s, dataIndex: i});
        await wait(30);
        text += "\\n" + el.innerText;
        injected = injected || !!document.querySelector("#injected");
      }
    }
    chart.dispatchAction({type: "hideTip"});
  }
  return {text, injected, charts};
}"""

# Open every Leaflet popup and tooltip of the map (a click and a hover on each vector layer).
OPEN_MAP = """async () => {
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  let text = "", injected = false;
  for (const path of document.querySelectorAll(".leaflet-container path.leaflet-interactive")) {
    for (const type of ["mouseover", "click"]) {
      path.dispatchEvent(new MouseEvent(type, {bubbles: true, clientX: 200, clientY: 200}));
    }
    await wait(10);
    document.querySelectorAll(".leaflet-popup-content, .leaflet-tooltip").forEach((e) => { text += "\\n" + e.innerText; });
    injected = injected || !!document.querySelector("#injected");
  }
  return {text, injected, layers: document.querySelectorAll(".leaflet-container path.leaflet-interactive").length};
}"""


def plant_payloads():
    """Seed the demo and put the payload in every text that reaches a chart or a script-built view."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    enterprise = Enterprise.objects.get(name=data.ENTERPRISE_OF["ent2"])
    point = enterprise.outlets.filter(medium="gas", limits__pollutant_code="a21026").first().points.first()
    hour = timezone.localtime().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    # An hourly SO2 far above the permit, committed the way the gateway commits it: an exceedance alarm.
    outcomes = process_packets([packet(point, hour, {"a21026": 9999.0}, cn="2061")])
    assert [o.verdict.value for o in outcomes] == ["stored"]
    readings(point, "minute", timezone.now() - dt.timedelta(hours=1), "a21026", [120.0, 135.5, 110.0, 122.2])
    alarm = Alarm.objects.get(point=point, kind="exceedance")
    Alarm.objects.filter(pk=alarm.pk).update(explanation=PAYLOAD, explanation_kind="maintenance")
    measure = Measure.objects.filter(plan__enterprise=enterprise).order_by("pk").first()
    Measure.objects.filter(pk=measure.pk).update(title=PAYLOAD)
    complaint = Complaint.objects.order_by("pk").first()
    Complaint.objects.filter(pk=complaint.pk).update(description=PAYLOAD, address=PAYLOAD, enterprise=enterprise)
    finding = Finding.objects.select_related("patrol").order_by("pk").first()
    Finding.objects.filter(pk=finding.pk).update(text=PAYLOAD)
    section = Section.objects.order_by("pk").first()
    Section.objects.filter(pk=section.pk).update(name=PAYLOAD)
    type(point).objects.filter(pk=point.pk).update(name=PAYLOAD)
    Enterprise.objects.filter(pk=enterprise.pk).update(name=PAYLOAD)
    park = enterprise.park
    lat, lon = float(park.latitude or 28), float(park.longitude or 115)
    square = [[lon - 0.01, lat - 0.01], [lon + 0.01, lat - 0.01], [lon + 0.01, lat + 0.01], [lon - 0.01, lat + 0.01]]
    Park.objects.filter(pk=park.pk).update(  # its name goes into the boundary's Leaflet tooltip
        name=PAYLOAD, boundary=park.boundary or {"type": "Polygon", "coordinates": [square + square[:1]]})
    return {"plan": measure.plan_id, "point": point.pk, "alarm": alarm.pk, "complaint": complaint.pk,
            "patrol": finding.patrol_id, "section": section.pk, "enterprise": enterprise.pk}


def test_it_keeps_stored_payloads_inert_in_charts_maps_and_pages(live_server, page, transactional_db):
    ids = plant_payloads()
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error"
            and ("Content Security Policy" in m.text or "Refused" in m.text) else None)
    browser_login(page, base, "office", data.PASSWORD)

    # page; its charts: None, "chart" (if drawn, the payload is in no tooltip) or "tooltip" (it is); its map: None, "map" or
    # "map-text" (a popup or tooltip carries the payload); whether the payload shows in the page's text
    pages = [
        (f"/plans/{ids['plan']}/", "tooltip", None, True),
        (f"/monitoring/points/{ids['point']}/", "chart", None, True),
        ("/alarms/", "tooltip", None, True),
        (f"/alarms/{ids['alarm']}/", "chart", None, True),
        (f"/quality/enterprises/{ids['enterprise']}/", "chart", None, True),
        (f"/complaints/{ids['complaint']}/", None, None, True),
        ("/complaints/", None, None, True),
        ("/complaints/statistics/", "chart", "map", False),
        ("/inspections/map/", None, "map-text", False),
        (f"/inspections/{ids['patrol']}/", None, None, True),
        ("/inspections/", None, None, True),
        ("/loads/", "tooltip", None, True),
        (f"/loads/enterprises/{ids['enterprise']}/", "chart", None, True),
        ("/sections/", "tooltip", None, True),
        (f"/sections/{ids['section']}/", "tooltip", None, True),
        ("/", "chart", None, False),
    ]
    for path, charts, has_map, on_page in pages:
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        if on_page:
            assert VISIBLE in page.inner_text("main"), path
        if charts:
            result = page.evaluate(SHOW_TIPS)
            assert not result["injected"], path
            if charts == "tooltip":
                assert result["charts"] > 0, path
                assert VISIBLE in result["text"], path  # the tooltip showed the payload, as text
        if has_map:
            result = page.evaluate(OPEN_MAP)
            assert result["layers"] > 0 and not result["injected"], path
            if has_map == "map-text":
                assert VISIBLE in result["text"], path  # the park's and the enterprise's names in Leaflet's HTML
        assert page.evaluate("window.__xss") is None, path
        assert page.evaluate("document.querySelector('#injected')") is None, path
        assert errors == [], path
