"""Test data built in code for the document tests: snapshots of any size with every RAG state, long cells and
demo data; published appendices; and a guard for the poppler tools."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from desktop.services.frozen import FrozenAction, FrozenObjective, FrozenPriority, PlanSnapshotData
from desktop.services.published import PublishedAppendix, PublishedTable, RedactionNotice
from desktop.services.rag import scheme

OBJECTIVE_TITLES = (
    "Improving pathways out of re-offending",
    "All partners working together with the needs of offenders and public safety at the heart of service planning",
    "Delivering a local response to local problems through a better understanding of offending behaviour",
    "Reduce the impact of offending behaviour on public confidence",
    "Victim involvement in restorative practice",
    "Retention in drug treatment, recovery and abstinence",
    "Improve partnership performance of the single re-offending measure",
)
LEADS = (
    ("Head of Offender Services, DTV CRC", "Durham Tees Valley CRC"),
    ("Clare Clark (HBC)", "Hartlepool Borough Council"),
    ("Siân Llŷr (YOS)", "Youth Offending Service"),  # Welsh letters must not render as boxes
    ("Chair / Vice Chair", "Teesside Sexual Violence Strategic Group"),
    ("Head of Durham NPS", "National Probation Service"),
)
PATHWAYS = ("Accommodation", "Drug and Alcohol Misuse", "Health", "Education, Training and Employability")
LONG_COMMENTARY = (
    "Housing advice is now offered no less than three months before release for 64 of the 80 prisoners in the "
    "cohort; the remaining 16 were released at short notice from remand, which the process cannot yet reach.\n"
    "The Compass application has been streamlined: a single risk assessment form and risk management plan are in "
    "use by all four housing providers since November, and the backlog of 23 applications has been cleared.\n"
    "Next quarter the group will review whether the Housing Liaison post should continue beyond March, using the "
    "outcome data from the first two quarters & the provider survey (results due <January>)."
)


def _rag_cycle(scheme_key: str) -> list[str | None]:
    keys = list(scheme(scheme_key).keys)
    # Mostly good news, some bad, some missing: every state appears in any plan of 8 or more actions.
    return [keys[-1], keys[0], *keys, None, keys[-1]]


def make_snapshot(
    n_actions: int,
    *,
    scheme_key: str = "rag",
    is_demo: bool = True,
    actions_per_priority: int = 5,
    huge_cell: bool = True,
) -> PlanSnapshotData:
    """A plan of ``n_actions`` actions over up to seven objectives, as a closed quarter's snapshot."""
    cycle = _rag_cycle(scheme_key)
    rag = scheme(scheme_key)
    n_objectives = min(len(OBJECTIVE_TITLES), max(2, n_actions // 8))
    n_priorities = max(n_objectives, -(-n_actions // actions_per_priority))
    prio_actions: list[list[FrozenAction]] = [[] for _ in range(n_priorities)]
    codes: list[tuple[int, int]] = [(p % n_objectives, p // n_objectives) for p in range(n_priorities)]
    for i in range(n_actions):
        p = i % n_priorities
        o, po = codes[p]
        k = len(prio_actions[p]) + 1
        status_key = cycle[i % len(cycle)]
        previous = cycle[(i + 3) % len(cycle)] if i % 5 else None
        lead, org = LEADS[i % len(LEADS)]
        long = i % 7 == 3
        text = f"Develop supported housing and a Housing Liaison post for offenders leaving custody (action {i + 1})."
        if long:
            text += (
                "\nWork with the four registered providers to agree one allocation route.\nReport to the Task Group."
            )
        commentary = LONG_COMMENTARY if long else f"Progress as planned; milestone {i % 4 + 1} of 4 reached."
        if huge_cell and i == 10:
            commentary = "\n".join([LONG_COMMENTARY] * 6)  # taller than a page: the row must split cleanly
        st = rag.find(status_key)
        needs_remedial = st is not None and st.needs_remedial
        prio_actions[p].append(
            FrozenAction(
                id=i + 1,
                code=f"{o + 1}.{po + 1}.{k}",
                text=text,
                progress_measures=("Housing advice no less than 3 months prior to release", "Number of PPOs supported")
                if i % 2
                else ("Standardised matrix agreed",),
                expected_outcome="Fewer offenders released with no fixed abode." if i % 3 else "",
                lead=lead,
                joint_leads=("Craig Thelwell (HBC)",) if i % 6 == 1 else (),
                lead_organisation=org,
                resources="Existing budgets",
                start_date="2015-04-01",
                due_date="2016-03-31" if i % 4 else None,
                timescale="End March 2016" if i % 4 else "ongoing",
                status="complete" if i % 9 == 8 else "in_progress",
                pathways=(PATHWAYS[i % len(PATHWAYS)],) if i % 2 else (),
                rag=status_key,
                forecast_rag=status_key,
                suggested_rag=status_key,
                percent_complete=(i * 13) % 100 if status_key else None,
                commentary=commentary if status_key else "",
                remedial_action=(
                    "Escalate to the Reducing Re-offending Group; agree interim funding with the PCC by 31 January."
                    if needs_remedial
                    else ""
                ),
                remedial_owner="Community Safety Manager (DCC)" if needs_remedial else "",
                updated_by=lead,
                updated_at="2015-12-14T10:30:00+00:00" if status_key else None,
                previous_rag=previous,
                direction=rag.compare(status_key, previous),
                rag_since="2015/16 Q1" if needs_remedial and i % 2 else ("2015/16 Q3" if status_key else None),
                quarters_at_rag=3 if needs_remedial and i % 2 else 1,
            )
        )
    objectives = []
    for o in range(n_objectives):
        priorities = []
        for p, (po_o, po) in enumerate(codes):
            if po_o != o:
                continue
            acts = tuple(prio_actions[p])
            priorities.append(
                FrozenPriority(
                    id=p + 1,
                    code=f"{o + 1}.{po + 1}",
                    text="Improve housing pathways for offenders within the custody setting",
                    strand=("adults", "young_people", "both")[p % 3],
                    rollup_rag=rag.worst(a.rag for a in acts),
                    actions=acts,
                )
            )
        objectives.append(
            FrozenObjective(
                id=o + 1,
                code=f"SO {o + 1}",
                title=OBJECTIVE_TITLES[o],
                description="Partners will work together so that offenders have the support they need on release.",
                rollup_rag=rag.worst(p.rollup_rag for p in priorities),
                priorities=tuple(priorities),
            )
        )
    data = PlanSnapshotData(
        format_version=1,
        partnership="County Durham and Darlington Community Safety Partnership",
        partnership_short="CDD CSP",
        plan_id=1,
        plan_title="Reducing Re-offending Delivery Plan",
        plan_period="2015–2018",
        aim="Ensure local services are co-ordinated to meet the needs of offenders while keeping communities safe.",
        owning_group="Durham and Darlington Reducing Re-offending Strategic Group",
        plan_status="approved",
        plan_version="2.1",
        rag_scheme=scheme_key,
        period_label="2015/16 Q3",
        period_start="2015-10-01",
        period_end="2015-12-31",
        previous_period_label="2015/16 Q2",
        closed_at="2016-01-15T09:00:00+00:00",
        closed_by="Community Safety Co-ordinator",
        is_demo=is_demo,
        objectives=tuple(objectives),
    )
    previous: dict[str, int] = {}
    for a in data.actions():
        key = a.previous_rag or "none"
        previous[key] = previous.get(key, 0) + 1
    return replace(data, previous_counts=previous)


def make_appendices() -> tuple[PublishedAppendix, ...]:
    table = PublishedTable(
        title="Table 1: IOM cohort by age band and district",
        columns=("Age band", "Durham", "Darlington", "Total"),
        rows=(
            ("18-24", "12", "<5", "15"),
            ("25-34", "21", "9", "30"),
            ("35+", "<5", "<5", "10"),
            ("Total", "36", "19", "55"),
        ),
        note="Public profile: counts of 1-4 shown as <5, with secondary suppression; totals recomputed then rounded.",
        suppressed=frozenset({(0, 2), (2, 1), (2, 2)}),
        total_row=True,
    )
    notice = RedactionNotice(
        title="Appendix 3 – Offender profiles",
        text="This has been redacted due to potentially identifiable information; available on request from the "
        "Community Safety Team.",
    )
    return (
        PublishedAppendix("Appendix 2 – IOM cohort profile", "public", "Aggregates for the quarter.", (table,), True),
        PublishedAppendix("Appendix 3 – Offender profiles", "restricted", "", (notice,), True),
    )


def require_tool(name: str) -> str:
    """The path of a poppler tool, or a clear failure (never a silent skip) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: install poppler-utils (apt-get install -y poppler-utils)", False)
    return path
