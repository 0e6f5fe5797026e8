"""The case that once made a board paper read better than the truth, built in a real store for the service, CLI,
report and UI tests: actions Red and Amber in 2015/16 Q3 with no update in Q4, one completed and one cancelled.

Q3 (closed): 1.1a Red, 1.1b Red, 1.1c Amber, 1.1d Green, 1.1e Green (then completed), 1.1f and 1.1g nothing.
Q4: only 1.1d is updated (Green); 1.1e is marked complete, 1.1f cancelled.

By the carry-forward rule at the close of Q4: Red 2, Amber 1, Green 2, no status 2; carried forward (not updated
since 2015/16 Q3) Red 2, Amber 1, Green 1; awaiting an update: 1.1a, 1.1b, 1.1c and 1.1g (4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.models import ActionStatus, OrganisationKind
from desktop.services import periods, plans
from desktop.services.actor import Actor
from desktop.services.updates import record_update
from desktop.store import Store

PLAN_TITLE = "Reducing Re-offending Delivery Plan"
Q3, Q4 = "2015/16 Q3", "2015/16 Q4"
EXPECTED_COUNTS = {"red": 2, "amber": 1, "green": 2, "none": 2}
EXPECTED_CARRIED = {"red": 2, "amber": 1, "green": 1}
EXPECTED_AWAITING = ("1.1a", "1.1b", "1.1c", "1.1g")
COORDINATOR = ("Jo Bloggs", "Community Safety Co-ordinator")


@dataclass(frozen=True)
class Case:
    plan_id: int
    q3_id: int
    q4_id: int
    coordinator_id: int


def build(store: Store, *, close_q4: bool = True) -> Case:
    with store.session() as s:
        setup = Actor(None, "Test set-up")
        partnership = plans.add_partnership(s, setup, "Safer Hartlepool Partnership", "SHP")
        council = plans.add_organisation(s, setup, "Hartlepool Borough Council", "HBC", OrganisationKind.COUNCIL)
        crc = plans.add_organisation(s, setup, "Durham Tees Valley CRC", "DTV CRC", OrganisationKind.CRC)
        coordinator = plans.add_person(s, setup, name=COORDINATOR[0], job_title=COORDINATOR[1], organisation=council)
        lead = plans.add_person(s, setup, job_title="Head of Offender Services", organisation=crc)
        actor = Actor.for_person(coordinator)
        plan = plans.add_plan(s, actor, partnership, PLAN_TITLE, rag_scheme="rag", period_label="2015–2018")
        objective = plans.add_objective(s, actor, plan, "Objective 1", "Improving pathways out of re-offending")
        priority = plans.add_priority(s, actor, objective, "1.1", "Improve housing pathways for offenders")
        texts = {
            "1.1a": "Create a Housing Liaison post for offenders leaving custody",
            "1.1b": "Agree one allocation route with the four registered housing providers",
            "1.1c": "Offer housing advice three months before release",
            "1.1d": "Review the supported housing pathway",
            "1.1e": "Publish the accommodation protocol",
            "1.1f": "Pilot a rent deposit scheme",
            "1.1g": "Map move-on accommodation",
        }
        actions = {
            code: plans.add_action(s, actor, priority, code, text, leads=[lead], lead_organisation=crc,
                                   status=ActionStatus.IN_PROGRESS, timescale="March 2016",
                                   due_date=dt.date(2016, 3, 31), start_date=dt.date(2015, 4, 1))
            for code, text in texts.items()
        }
        q3 = periods.add_period(s, actor, plan, Q3, dt.date(2015, 10, 1), dt.date(2015, 12, 31))
        q4 = periods.add_period(s, actor, plan, Q4, dt.date(2016, 1, 1), dt.date(2016, 3, 31))
        when = dt.date(2015, 12, 15)
        for code in ("1.1a", "1.1b"):
            record_update(s, actor, actions[code], q3, rag="red", percent_complete=20, as_at=when,
                          commentary=f"{code}: the provider withdrew; no post holder yet.",
                          remedial_action="Escalated to the Reducing Re-offending Group chair.",
                          remedial_owner=coordinator)
        record_update(s, actor, actions["1.1c"], q3, rag="amber", percent_complete=50, as_at=when,
                      commentary="Advice reaches two thirds of the cohort.",
                      remedial_action="Add remand prisoners to the referral route.", remedial_owner=coordinator)
        for code in ("1.1d", "1.1e"):
            record_update(s, actor, actions[code], q3, rag="green", percent_complete=70, as_at=when,
                          commentary="On track.")
        periods.close_period(s, actor, q3, closed_at=dt.datetime(2016, 1, 8, 10, 0, tzinfo=dt.UTC))
        record_update(s, actor, actions["1.1d"], q4, rag="green", percent_complete=90, as_at=dt.date(2016, 3, 20),
                      commentary="Review drafted.")
        plans.edit(s, actor, actions["1.1e"], {"status": ActionStatus.COMPLETE}, reason="Protocol published")
        plans.edit(s, actor, actions["1.1f"], {"status": ActionStatus.CANCELLED}, reason="Funding withdrawn")
        if close_q4:
            periods.close_period(s, actor, q4, closed_at=dt.datetime(2016, 4, 8, 10, 0, tzinfo=dt.UTC))
        return Case(plan.id, q3.id, q4.id, coordinator.id)
