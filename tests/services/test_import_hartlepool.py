"""The Safer Hartlepool Partnership DRAFT ACTION PLAN (agenda pack 18 Jul 2014, H:499-541) as a workbook.

The workbook is built here with the published layout: title rows, three objective tables, each introduced by its
"Objective n:" row (merged across the table) and repeating its own heading row with the published wording
("Key Action" in the first table, "Action" in the others, "Progress measure" in lower case in the third, and
"Responsibility / Resource" broken over two lines), one row per priority, several key actions, measures and
outcomes per cell as separate paragraphs, and 3.3 missing as in the source.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from sqlalchemy import func, select

from desktop.models import Action, ActionStatus, Objective, Priority
from desktop.services.importing import FateKind, apply_import, preview_import
from desktop.services.readmodels import load_rows as action_rows
from desktop.store import Store

P = "\n"  # a paragraph break inside a cell (Alt+Enter in Excel)

HEADINGS = {
    1: ["Priority", "Key Action", "Progress Measure", "Responsibility /\nResource", "Timescale", "Progress", "Outcome"],
    2: ["Priority", "Action", "Progress Measure", "Responsibility /\nResource", "Timescale", "Progress", "Outcome"],
    3: ["Priority", "Action", "Progress measure", "Responsibility /\nResource", "Timescale", "Progress", "Outcome"],
}

OBJECTIVES = {
    1: "Objective 1: Improving pathways out of re-offending",
    2: "Objective 2: All partners working together with the needs of offenders and public safety at the heart of "
       "service planning.",
    3: "Objective 3: Delivering a local response to local problems through a better understanding of offending "
       "behaviour and impact of interventions.",
}

# (priority, key actions, progress measures, timescale, outcomes): the cells as published.
ROWS: dict[int, list[tuple[str, str, str, str, str]]] = {
    1: [
        ("1.1 Improve housing pathways for offenders within the custody setting.",
         "Create a Housing Liaison post to work between the custody setting and local housing teams/landlords to "
         "help offenders to find tenancies in advance of release date." + P
         + "Develop supported housing provision in Hartlepool for the most problematic offenders from the "
           "Hartlepool area.",
         "Increase in the number of referrals into housing support services." + P
         + "Increase in the number of offenders leaving the custody setting into suitable accommodation." + P
         + "Increase in the number of PPOs into supported accommodation on release from custody into the local "
           "area",
         "",
         "Offenders have improved access to appropriate accommodation on leaving the custody setting." + P
         + "Offenders leaving custody have access to supported accommodation in Hartlepool"),
        ("1.2 The development of improved partnership working with checks in place to ensure flexibility in local "
         "approaches to the housing of offenders, and that there is no stigma applied to offenders in the "
         "allocation of housing.",
         "Housing advice to begin in adequate time prior to release from custody" + P
         + "Review and streamline the Compass application process, including housing history" + P
         + "Agencies to have a shared understanding of the need and risk of offenders. Explore the feasibility of "
           "introducing the use of one risk assessment form, accompanied by a workable risk management plan.",
         "Increase in the number of offenders receiving Housing advice no less than 3 months prior to release from "
         "custody" + P + "Increase in the number of offenders being placed in appropriate accommodation" + P
         + "Risk assessment agreed and in place",
         "",
         "Offenders in custody have improved access to housing advice" + P
         + "Offenders receive an improved service through the housing options centre that is non-discriminatory "
           "and flexible to their address needs resulting in increased access to appropriate housing." + P
         + "The risks to the community in relation to re-offending are shared and there is improved management of "
           "risk between agencies"),
        ("1.3 Improve the employment pathway for those leaving custody.",
         "Explore local involvement with schemes similar to the 'Change for Change' scheme operated at Deerbolt "
         "Prison encouraging the provision of employment /apprentice opportunities for ex-offenders with "
         "businesses and within the local authority context",
         "Increase in the number of offenders leaving custody going into training and employment within the local "
         "authority area",
         "",
         "Offenders leaving custody have increased employment and training"),
        ("1.4 Address unemployment and poor educational attainment in disadvantaged areas, to raise aspirations "
         "and challenge the cycle of offender behaviour across generations.",
         "Pilot the Our Place programme in the Dyke House Area of Hartlepool by developing a partnership of "
         "employment and training providers linking employment and training opportunities to the Hartlepool "
         "vision",
         "Pilot Programme commenced in the Dyke House area",
         "",
         "A network of employment and training providers is in place to raise aspirations of the Local residents "
         "in the Dyke House area"),
        ("1.5 Improve offender mental health pathways through the early identification of problems and the early "
         "intervention of mental health /drug alcohol services.",
         "Criminal Justice Liaison and Diversion Service be developed in Hartlepool.",
         "An increase in offenders/those at risk of offending receiving a mental health assessment and referrals "
         "to appropriate mental health/drug and alcohol services" + P
         + "Plans are in place for the joint commissioning of the criminal justice liaison and diversion service "
           "considered by the CCG/public health and PCC",
         "",
         "Offenders with mental health /substance misuse problems have improved access to health and social "
         "services at the earliest opportunity"),
        ("1.6 Work to improve the finance and benefits pathway by developing better co-ordination of services to "
         "offenders on the day of release from custody particularly around benefits",
         "Explore the introduction of a 'one-stop shop' to bring services and benefits directly together for "
         "offenders upon their release.",
         "Increase in the number of offenders receiving co-ordinated services on release from custody",
         "",
         "Offenders are provided with the services they need on release from custody to prevent them from "
         "reoffending and re-entering the prison system"),
        ("1.7 Support families to maintain relationships where a family member receives a custodial sentence",
         "Ensure as far as possible prison placements to be within the local area" + P
         + "Process for Team Around Meetings to be established across the custody setting, linking with Troubled "
           "Families agenda.",
         "",
         "",
         "Offenders and their families are able to maintain their relationships beyond the prison gate and have "
         "the opportunity to joint plan for release to reduce the risk of reoffending"),
    ],
    2: [
        ("2.1 Implement a co-ordinated approach to address the needs of offenders, using a Team around the "
         "Offender' model and IOM principles as a template for the provision of holistic offender/centric services",
         "Ensure continuation of IOM model through the new Community Rehabilitation Company" + P
         + "The continued development and delivery of holistic/offender centric plans incorporating risk, "
           "criminogenic needs, and the inclusion of a range of sanctions falling outside those attached to "
           "sentencing",
         "Number of PPOs/HCCs/DRR offenders supported through the IOM approach" + P
         + "Increased offender engagement with services and an increase in the breadth of sanctions used to ensure "
           "compliance with offender management plans",
         "",
         "IOM cohort identified and receiving co-ordinated and intensive interventions to reduce their offending "
         "behaviour." + P + "Multi-agency holistic offender management plans are used by all agencies working "
         "with offenders incorporating criminogenic needs."),
        ("2.2 Embed a restorative approach to reducing re-offending and improving victim satisfaction with the "
         "punishment of offenders",
         "Ensure restorative interventions are offered to all victims of crime." + P
         + "Explore with Cleveland Police the further development of the extension of the triage service to adults"
         + P + "Those working with offenders to receive training in restorative interventions" + P
         + "The Community Payback scheme to be supported, and in taking it forward additional training be provided "
           "for staff to equip them to effectively interact with ex-offenders in a work environment",
         "Increase in the number of victims of crime receiving restorative interventions" + P
         + "Triage scheme developed with an increase in adult offenders receiving punishments outside of the court "
           "processes" + P
         + "Increase in the number of those working with offenders receiving training in restorative "
           "interventions" + P
         + "New agreement established for the continuance of Community Payback in Hartlepool in conjunction with "
           "the CRC, and HBCs Community Safety and Environmental Services" + P
         + "Toolbox Talk developed – increase in the number of HBC staff trained on how to interact with "
           "offenders in the workplace",
         "",
         "Offenders have a Increased awareness of the impact of their offending behaviour resulting in subsequent "
         "reductions in offending" + P
         + "Victims feel that justice has been done and have an improved satisfaction with the criminal justice "
           "process" + P
         + "Increased visibility in justice being done within the community setting and an increase in the number "
           "of offenders putting something back into the community"),
        ("2.3 Improve the transition of young re-offenders into adult services.",
         "Review the needs of 16/17 year re-offenders current to YOS.",
         "Assessments are in place for all young offenders moving from child to adult offender management services",
         "",
         "Services have a better understanding of the needs of this group of offenders and are able to improve the "
         "support provided resulting in a reduction of the reoffending rate of this particular group"),
        ("2.4 Ensure adequate substance misuse support services are in place for offenders that adopt a Team "
         "Around Approach to support delivery of integrated offender management plans" + P + P
         + "Plans for the joint commissioning of the criminal justice liaison and diversion service considered by "
           "the CCG/public health and PCC",
         "Review and Re-commission drug support services through Criminal Justice Interventions Team",
         "Drug services are reviewed and successfully commissioned to ensure integration and support for the "
         "delivery of offender management plans",
         "March 2015",
         "Offenders with substance misuse issues are provided with a holistic wrap around service that address "
         "their criminogenic needs to improve outcomes across health, employment, housing, and reduced reoffending "
         "behaviour"),
    ],
    3: [
        ("3.1 Improve the identification of the most problematic offenders.",
         "Review the current Integrated Offender Management (IOM) selection and de-selection process.",
         "Standardised matrix and selection/de-selection process in place that addresses local priorities and the "
         "criminogenic needs of offenders",
         "",
         "Improved knowledge and effective management of offenders resulting in a reduction in the reoffending "
         "rate of the IOM cohort and improved public safety"),
        ("3.2 Avoid duplication and loss of effectiveness in service delivery following the reform of offender "
         "management services",
         "New NPS and CRC to be represented on the SHP as statutory partners with accountability for the "
         "management of offenders within the community and the protection of the public" + P
         + "Reducing Re-offending Task Group to take responsibility for management of the reducing reoffending "
           "strategy action plan" + P
         + "SHP /HBC to be represented on Teeswide Single IOM Steering Group",
         "Members are invited and are attending partnership meetings" + P
         + "SHP are provided with regular progress and performance updates from NPS and CRC including PBR claims "
           "etc" + P
         + "Reducing Re-offending group established supported by HBC Community Safety Team and Director of CRC "
           "(Chair)" + P
         + "Safer Hartlepool to agree Single IOM terms of reference and Partnership involvement in the Teeswide "
           "single IOM group",
         "",
         "The new NPS and CRC are integrated into local partnership arrangements resulting in improved pathways "
         "and management of offenders and reduced risk of harm to the public"),
        ("3.4 Improve understanding of the impact of interventions and benefits",
         "Adopt a suite of indicators that adequately demonstrate the impact and progress in relation to "
         "multi-agency approaches to reducing reoffending",
         "",
         "",
         "Improved understanding of the impact of interventions and benefits within the new landscape"),
    ],
}


def hartlepool_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    ws.append(["Safer Hartlepool Partnership Reducing Re-offending"])
    ws.append(["DRAFT ACTION PLAN"])
    ws.append(["This action plan accompanies the Safer Hartlepool Partnership Reducing Re-offending Strategy and "
               "underpins its implementation. This plan details how we will achieve and monitor the objectives set "
               "out in the strategy. The actions contained within this plan contribute to the overarching aim of the "
               "strategy which, is to 'Ensure that local services are co-ordinated in a manner that meets the needs "
               "of offenders, whilst at the same time ensuring local communities safe'."])
    ws["A1"].font = Font(bold=True, size=14)
    for number in (1, 2, 3):
        ws.append([])
        ws.append([OBJECTIVES[number]])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=7)
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.append(HEADINGS[number])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for priority, actions, measures, timescale, outcome in ROWS[number]:
            ws.append([priority, actions, measures, "", timescale, "", outcome])
            for cell in ws[ws.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _counts(store: Store) -> tuple[int, int, int]:
    with store.session() as s:
        return (s.scalar(select(func.count()).select_from(Objective)) or 0,
                s.scalar(select(func.count()).select_from(Priority)) or 0,
                s.scalar(select(func.count()).select_from(Action)) or 0)


def test_hartlepool_plan_imports_into_the_published_hierarchy(store: Store, actor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "SHP reducing reoffending draft action plan.xlsx"
    path.write_bytes(hartlepool_workbook())
    with store.session() as session:
        preview = preview_import(session, path)
        assert preview.ready, preview.problems
        assert preview.plan_title == "Safer Hartlepool Partnership Reducing Re-offending – Draft Action Plan"
        # The heading broken over two lines and the three tables' different wording are all recognised.
        fields = {c.heading: c.field.value for c in preview.columns}
        assert fields["Responsibility / Resource"] == "lead"
        assert fields["Key Action"] == "action" and fields["Action"] == "action"
        assert fields["Progress Measure"] == "measures" and fields["Outcome"] == "outcome"
        assert fields["Timescale"] == "timescale" and fields["Progress"] == "progress"
        assert {c.key for c in preview.columns} >= {"progress measure", "responsibility resource"}
        kinds = [f.kind for f in preview.fates]
        assert kinds.count(FateKind.HEADER) == 3 and kinds.count(FateKind.OBJECTIVE) == 3
        assert kinds.count(FateKind.PREAMBLE) == 3 and kinds.count(FateKind.ACTION) == 14
        assert all(f.kind != FateKind.SKIPPED for f in preview.fates)
        result = apply_import(session, actor, preview)

    with store.session() as session:
        rows = action_rows(session, result.plan_id)
        objectives = list(session.scalars(select(Objective).order_by(Objective.position)))
        assert [o.code for o in objectives] == ["Objective 1", "Objective 2", "Objective 3"]
        assert objectives[0].title == "Improving pathways out of re-offending"
        priorities = [[p.code for p in o.priorities] for o in objectives]
        assert priorities == [["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"], ["2.1", "2.2", "2.3", "2.4"],
                              ["3.1", "3.2", "3.4"]]
        # 24 key actions: the paragraphs of each "Key Action" cell, coded as the demo plan codes them.
        assert len(rows) == 24
        assert [r.code for r in rows if r.priority_code == "1.1"] == ["1.1a", "1.1b"]
        assert [r.code for r in rows if r.priority_code == "2.2"] == ["2.2a", "2.2b", "2.2c", "2.2d"]
        by_code = {r.code: r for r in rows}
        assert by_code["2.4a"].timescale == "March 2015"
        assert str(by_code["2.4a"].due_date) == "2015-03-31"
        assert all(r.timescale == "" and r.due_date is None for r in rows if r.code != "2.4a")
        assert all(r.status == ActionStatus.NOT_STARTED and r.lead == "" for r in rows)
        actions = {a.code: a for a in session.scalars(select(Action))}
        # Measures: one per action where the counts match, shared out in order where they do not.
        assert actions["1.2a"].measures == [
            "Increase in the number of offenders receiving Housing advice no less than 3 months prior to release "
            "from custody"]
        assert len(actions["1.1a"].measures) + len(actions["1.1b"].measures) == 3
        assert actions["1.3a"].expected_outcome == "Offenders leaving custody have increased employment and training"
        priority_24 = next(p for o in objectives for p in o.priorities if p.code == "2.4")
        assert "Plans for the joint commissioning" in priority_24.text
        assert priority_24.text.startswith("Ensure adequate substance misuse support services")
    assert _counts(store) == (3, 14, 24)


def test_one_action_per_cell_when_splitting_is_off(store: Store, tmp_path: Path) -> None:
    from desktop.services.importing import ImportOptions

    path = tmp_path / "plan.xlsx"
    path.write_bytes(hartlepool_workbook())
    with store.session() as session:
        preview = preview_import(session, path, options=ImportOptions(split_cells=False))
    assert preview.counts["actions"] == 14
    first = preview.objectives[0].priorities[0].actions[0]
    assert first.code == "1.1a" and first.text.count("\n") == 1
