from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    LEADING_GROUP = "leading_group", _("Leading group")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    TOWNSHIP = "township", _("Township")
    TASK_GROUP = "task_group", _("Task group")


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    OFFICE_STAFF = "office_staff", _("Office staff")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user")
    INSPECTOR = "inspector", _("Inspector")
    EXPERT = "expert", _("Expert")
    SUPERVISOR = "supervisor", _("Supervision group member")
    FINANCE = "finance", _("Finance officer")
    ADMIN = "admin", _("Administrator")


# Roles that see everything in their park. Supervisors, inspectors and experts only read; finance
# officers (a member department's staff, like unit officers) read and record compensation payments.
PARK_WIDE_ROLES = frozenset(
    {Role.LEADER, Role.OFFICE_STAFF, Role.SUPERVISOR, Role.UNIT_OFFICER, Role.INSPECTOR, Role.EXPERT, Role.FINANCE,
     Role.ADMIN}
)
# Roles that manage the whole park: create enterprises, fire any lifecycle change.
PARK_MANAGER_ROLES = frozenset({Role.LEADER, Role.OFFICE_STAFF, Role.ADMIN})
