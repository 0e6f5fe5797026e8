"""SQLAlchemy entities. Importing this package registers every table on ``Base.metadata``."""

from desktop.models.audit import AuditEvent, StoreMeta
from desktop.models.base import Base
from desktop.models.enums import ActionStatus, OrganisationKind, PlanStatus, Strand, UpdateSource
from desktop.models.people import Organisation, Partnership, Person
from desktop.models.periods import ActionUpdate, ReportingPeriod, Snapshot
from desktop.models.plan import Action, ActionLead, CriticalPathway, Objective, Plan, Priority, action_pathway

__all__ = [
    "Action",
    "ActionLead",
    "ActionStatus",
    "ActionUpdate",
    "AuditEvent",
    "Base",
    "CriticalPathway",
    "Objective",
    "Organisation",
    "OrganisationKind",
    "Partnership",
    "Person",
    "Plan",
    "PlanStatus",
    "Priority",
    "ReportingPeriod",
    "Snapshot",
    "StoreMeta",
    "Strand",
    "UpdateSource",
    "action_pathway",
]
