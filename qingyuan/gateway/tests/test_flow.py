from qingyuan.gateway import flow


class FakeTransport:
    def __init__(self):
        self.calls = []
        self.closing = False

    def pause_reading(self):
        self.calls.append("pause")

    def resume_reading(self):
        self.calls.append("resume")

    def is_closing(self):
        return self.closing


def test_it_pauses_above_the_high_water_mark_and_resumes_at_the_low_one():
    t = FakeTransport()
    fc = flow.FlowControl(t, high_water=100, low_water=40)
    fc.add(60)
    assert t.calls == []
    fc.add(60)
    assert t.calls == ["pause"] and fc.read_paused
    fc.add(60)
    fc.done(60)
    fc.done(60)
    assert t.calls == ["pause"]
    fc.done(30)
    assert t.calls == ["pause", "resume"] and not fc.read_paused


def test_it_resumes_only_when_every_reason_is_gone():
    t = FakeTransport()
    fc = flow.FlowControl(t, high_water=100, low_water=40)
    fc.pause(flow.WRITING)
    fc.pause(flow.SINK)
    fc.add(200)
    assert t.calls == ["pause"]
    fc.resume(flow.SINK)
    fc.done(200)
    assert t.calls == ["pause"] and fc.reasons == {flow.WRITING}
    fc.resume(flow.WRITING)
    assert t.calls == ["pause", "resume"]


def test_it_never_touches_a_closing_transport():
    t = FakeTransport()
    t.closing = True
    fc = flow.FlowControl(t, high_water=1, low_water=0)
    fc.add(5)
    fc.done(5)
    assert t.calls == []
