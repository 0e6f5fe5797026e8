"""SQLAlchemy entities. Importing this package registers every table on ``Base.metadata``."""

from desktop.models.audit import AuditEvent, StoreMeta
from desktop.models.base import Base
from desktop.models.enums import ActionStatus, OrganisationKind, PlanStatus, Strand, UpdateSource
from desktop.models.indicators import (
    Indicator,
    IndicatorUnit,
    IndicatorValue,
    Polarity,
    TargetDirection,
    TargetKind,
    ToleranceUnit,
)
from desktop.models.meetings import (
    AgendaItem,
    Attachment,
    AttachmentKind,
    Committee,
    CommitteeMember,
    CoverReport,
    HouseStyle,
    ImplicationsTemplate,
    ItemKind,
    Meeting,
    MemberRole,
    Part,
)
from desktop.models.people import Organisation, Partnership, Person
from desktop.models.periods import ActionUpdate, ReportingPeriod, Snapshot
from desktop.models.plan import Action, ActionLead, CriticalPathway, Objective, Plan, Priority, action_pathway
from desktop.models.profiles import AggregateCell, AggregateTable, ProfileAppendix, ProfileSubject
from desktop.models.signing import SignerCredential, SigningRoot

__all__ = [
    "Action",
    "ActionLead",
    "ActionStatus",
    "ActionUpdate",
    "AgendaItem",
    "AggregateCell",
    "AggregateTable",
    "Attachment",
    "AttachmentKind",
    "AuditEvent",
    "Base",
    "Committee",
    "CommitteeMember",
    "CoverReport",
    "CriticalPathway",
    "HouseStyle",
    "ImplicationsTemplate",
    "Indicator",
    "IndicatorUnit",
    "IndicatorValue",
    "ItemKind",
    "Meeting",
    "MemberRole",
    "Objective",
    "Organisation",
    "OrganisationKind",
    "Part",
    "Partnership",
    "Person",
    "Plan",
    "PlanStatus",
    "Polarity",
    "Priority",
    "ProfileAppendix",
    "ProfileSubject",
    "ReportingPeriod",
    "SignerCredential",
    "SigningRoot",
    "Snapshot",
    "StoreMeta",
    "Strand",
    "TargetDirection",
    "TargetKind",
    "ToleranceUnit",
    "UpdateSource",
    "action_pathway",
]
