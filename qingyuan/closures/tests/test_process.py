"""The closure process: opening, each step's evidence and verification, the date order, the final check,
and the enterprise's status following the verified steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qingyuan.closures import actions, services
from qingyuan.closures.choices import CaseKind, CaseStatus, StepKind
from qingyuan.closures.models import ClosureCase, ClosureStep
from qingyuan.closures.tests.helpers import EXTRA, daily, open_case, patrol_at, photo, walk
from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.models import MonitoringPoint

K = StepKind


def _today():
    return timezone.localdate()


def test_it_opens_a_case_with_its_decision_and_audits_it(world):
    case = open_case(world)
    assert case.status == CaseStatus.OPEN and case.park_id == world.park.pk
    assert AuditEntry.objects.filter(action="closures.open", object_id=str(case.pk)).exists()


def test_it_refuses_a_deadline_before_the_decision_and_a_second_open_case(world):
    with pytest.raises(ValidationError, match="完成期限"):
        actions.do_open_case(enterprise=world.enterprise_b, acting_user=world.regulator, kind=CaseKind.CLOSURE,
                             decision_number="X1", decision_date=_today(), basis="other",
                             deadline=_today() - dt.timedelta(days=1), responsible_unit=world.bureau)
    assert not ClosureCase.objects.exists()
    open_case(world)
    with pytest.raises(ValidationError, match="已有在办案件"):
        open_case(world)
    assert ClosureCase.objects.count() == 1


def test_it_lets_only_managers_open_a_case(world):
    with pytest.raises(PermissionDenied):
        actions.do_open_case(enterprise=world.enterprise_b, acting_user=world.inspector, kind=CaseKind.CLOSURE,
                             decision_number="X1", decision_date=_today(), basis="other", deadline=_today(),
                             responsible_unit=world.bureau)


def test_it_refuses_steps_before_the_production_stop_and_dates_out_of_order(world):
    case = open_case(world)
    stop = _today() - dt.timedelta(days=30)
    with pytest.raises(ValidationError, match="请先登记停产"):
        actions.do_record_step(case, K.UTILITIES_CUT, acting_user=world.regulator, done_on=stop, evidence="x")
    with pytest.raises(ValidationError, match="不能早于决定日期"):
        actions.do_record_step(case, K.PRODUCTION_STOPPED, acting_user=world.regulator,
                               done_on=case.decision_date - dt.timedelta(days=1), evidence="x")
    actions.do_record_step(case, K.PRODUCTION_STOPPED, acting_user=world.regulator, done_on=stop, evidence="停产")
    with pytest.raises(ValidationError, match="不能早于停产日期"):
        actions.do_record_step(case, K.UTILITIES_CUT, acting_user=world.regulator,
                               done_on=stop - dt.timedelta(days=1), evidence="x", utility_records="y")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        actions.do_record_step(case, K.UTILITIES_CUT, acting_user=world.regulator,
                               done_on=_today() + dt.timedelta(days=1), evidence="x")
    assert list(case.steps.values_list("kind", flat=True)) == [K.PRODUCTION_STOPPED]


def test_it_refuses_to_verify_a_step_without_its_evidence(world):
    case = open_case(world)
    stop = _today() - dt.timedelta(days=30)
    actions.do_record_step(case, K.PRODUCTION_STOPPED, acting_user=world.regulator, done_on=stop, evidence="停产")
    with pytest.raises(ValidationError, match="巡查"):
        actions.do_verify_step(case, K.PRODUCTION_STOPPED, acting_user=world.inspector)
    patrol = patrol_at(world, stop)
    with pytest.raises(ValidationError, match="照片"):
        actions.do_verify_step(case, K.PRODUCTION_STOPPED, acting_user=world.inspector, patrol=patrol)
    actions.do_verify_step(case, K.PRODUCTION_STOPPED, acting_user=world.inspector, patrol=patrol, photos=[photo()])
    actions.do_record_step(case, K.WASTE_DISPOSED, acting_user=world.regulator, done_on=stop, evidence="转移处置")
    with pytest.raises(ValidationError, match="联单"):
        actions.do_verify_step(case, K.WASTE_DISPOSED, acting_user=world.regulator)
    assert services.step_verified(case, K.WASTE_DISPOSED) is None
    assert not AuditEntry.objects.filter(action="closures.verify_step", object_id=str(
        case.steps.get(kind=K.WASTE_DISPOSED).pk)).exists()


def test_it_refuses_the_production_stop_while_the_online_data_still_flows(world):
    case = open_case(world)
    stop = _today() - dt.timedelta(days=10)
    daily(world.point_b, stop + dt.timedelta(days=2), "w00000", 83.5)
    actions.do_record_step(case, K.PRODUCTION_STOPPED, acting_user=world.regulator, done_on=stop, evidence="停产")
    with pytest.raises(ValidationError, match="83.5"):
        actions.do_verify_step(case, K.PRODUCTION_STOPPED, acting_user=world.inspector,
                               patrol=patrol_at(world, stop), photos=[photo()])
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and world.enterprise_b.status == EnterpriseStatus.OPERATING


def test_it_suspends_the_enterprise_when_the_stop_is_verified(world):
    case = open_case(world)
    stop = _today() - dt.timedelta(days=20)
    daily(world.point_b, stop - dt.timedelta(days=1), "w00000", 90.0)  # before the stop: fine
    daily(world.point_b, stop + dt.timedelta(days=1), "w00000", 0.0)   # zero flow after it
    walk(world, case, stop, until=K.PRODUCTION_STOPPED)
    case.refresh_from_db()
    world.enterprise_b.refresh_from_db()
    assert case.status == CaseStatus.STOPPED
    assert world.enterprise_b.status == EnterpriseStatus.SUSPENDED and world.enterprise_b.status_since == stop
    assert services.step_verified(case, K.PRODUCTION_STOPPED) is not None
    step = case.steps.get(kind=K.PRODUCTION_STOPPED)
    assert step.patrol is not None and step.verified_by_name


def test_it_refuses_the_final_check_before_the_other_steps(world):
    case = open_case(world)
    stop = _today() - dt.timedelta(days=20)
    walk(world, case, stop, until=K.PRODUCTION_STOPPED)
    actions.do_record_step(case, K.FINAL_CHECK, acting_user=world.regulator, done_on=stop, evidence="终验")
    with pytest.raises(ValidationError, match="尚未核验"):
        actions.do_verify_step(case, K.FINAL_CHECK, acting_user=world.regulator)
    world.enterprise_b.refresh_from_db()
    assert world.enterprise_b.status == EnterpriseStatus.SUSPENDED


def test_it_refuses_to_decommission_a_point_with_recent_unexplained_data(world):
    case = open_case(world, days_ago=40)
    stop = _today() - dt.timedelta(days=30)
    walk(world, case, stop, until=K.PERMITS_CANCELLED)
    actions.do_record_step(case, K.POINTS_DECOMMISSIONED, acting_user=world.regulator, done_on=_today(),
                           evidence="拆除数采仪")
    daily(world.point_b, _today() - dt.timedelta(days=2), "w00000", 12.25)  # a flow after the stop, recent
    with pytest.raises(ValidationError, match="12.25"):
        actions.do_verify_step(case, K.POINTS_DECOMMISSIONED, acting_user=world.regulator)
    assert MonitoringPoint.objects.get(pk=world.point_b.pk).is_active


def test_it_closes_the_enterprise_through_the_whole_process(world):
    case = open_case(world, days_ago=40)
    walk(world, case, _today() - dt.timedelta(days=30))
    case.refresh_from_db()
    world.enterprise_b.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and case.completed_at is not None
    assert world.enterprise_b.status == EnterpriseStatus.CLOSED
    assert world.enterprise_b.status_since == case.steps.get(kind=K.FINAL_CHECK).done_on
    assert not MonitoringPoint.objects.get(pk=world.point_b.pk).is_active
    assert services.decommissioned_point_ids([world.point_b.pk, world.point_a.pk]) == {world.point_b.pk}
    assert ClosureStep.objects.filter(case=case, verified_at__isnull=False).count() == len(case.step_kinds)
    assert TransitionRecord.objects.filter(workflow="enterprise", transition="close").count() == 1
    assert TransitionRecord.objects.filter(workflow="closure_case").count() == 2
    with pytest.raises(ValidationError, match="不能再修改"):
        actions.do_record_step(case, K.UTILITIES_CUT, acting_user=world.regulator, done_on=_today(), evidence="x",
                               **EXTRA[K.UTILITIES_CUT])


@pytest.mark.parametrize(("kind", "status"), [(CaseKind.RELOCATION, EnterpriseStatus.RELOCATED),
                                              (CaseKind.CONVERSION, EnterpriseStatus.TRANSFORMED)])
def test_it_relocates_or_transforms_the_enterprise_with_their_own_steps(world, kind, status):
    case = open_case(world, kind=kind, days_ago=40)
    assert K.PRODUCTION_MOVED in case.step_kinds
    walk(world, case, _today() - dt.timedelta(days=30))
    world.enterprise_b.refresh_from_db()
    assert world.enterprise_b.status == status
