"""A status carries forward: the close dialog, the snapshot, the delivery-plan update, the dashboard and
``pathways plans`` count the same, and a Red action with no update stays Red (and in the exceptions)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import carry_forward_case as case
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cli import main
from desktop.models import Action, ActionStatus, Person, ReportingPeriod, Snapshot
from desktop.reports.publish import PublishOptions, publish_update
from desktop.services import periods
from desktop.services.actor import Actor
from desktop.services.frozen import PlanSnapshotData
from desktop.services.quarter_status import CARRY_FORWARD_RULE, count_statuses, is_awaiting_update, quarter_statuses
from desktop.services.queries import plan_summaries
from desktop.services.readmodels import action_detail, load_plan, status_counts
from desktop.store import Store

PASSPHRASE = "test passphrase: Tees Valley 2015"


def _pdftotext(pdf: Path, *, layout: bool = True) -> list[str]:
    """Page texts by poppler: laid out (table rows on one line) or in reading order (sentences whole)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    mode = ["-layout"] if layout else []
    out = subprocess.run([tool, *mode, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def _coordinator(s: Session, c: case.Case) -> Actor:
    person = s.get(Person, c.coordinator_id)
    assert person is not None
    return Actor.for_person(person)


def test_awaiting_rule_spares_only_finished_actions() -> None:
    for status in ActionStatus:
        expected = status not in (ActionStatus.COMPLETE, ActionStatus.CANCELLED, ActionStatus.DEFERRED)
        assert is_awaiting_update(status, updated_in_quarter=False) is expected
        assert is_awaiting_update(status, updated_in_quarter=True) is False


def test_red_without_update_is_carried_forward_in_the_quarter(store: Store) -> None:
    c = case.build(store, close_q4=False)
    with store.session() as s:
        q4 = s.get(ReportingPeriod, c.q4_id)
        assert q4 is not None
        statuses = {st.code: st for st in quarter_statuses(s, q4)}
        assert statuses["1.1a"].rag == "red" and statuses["1.1a"].mark == "not updated since 2015/16 Q3"
        assert statuses["1.1d"].rag == "green" and statuses["1.1d"].mark == ""
        assert statuses["1.1g"].rag is None and statuses["1.1g"].mark == ""
        assert tuple(code for code, st in statuses.items() if st.awaiting) == case.EXPECTED_AWAITING
        # the return chaser asks for exactly the same actions
        assert tuple(a.code for a in periods.outstanding(s, q4)) == case.EXPECTED_AWAITING
        counts = count_statuses(statuses.values())
        assert counts.by_rag == case.EXPECTED_COUNTS and counts.carried == case.EXPECTED_CARRIED


def test_every_surface_counts_the_same(
    store: Store, store_target: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = case.build(store, close_q4=False)
    with store.session() as s:
        before_close = status_counts(load_plan(s, c.plan_id))  # what the close dialog shows
    with store.session() as s:
        q4 = s.get(ReportingPeriod, c.q4_id)
        assert q4 is not None
        periods.close_period(s, _coordinator(s, c), q4)
    with store.session() as s:
        q4 = s.get(ReportingPeriod, c.q4_id)
        assert q4 is not None
        data = periods.snapshot_data(s, q4)
        snapshot = data.status_counts()
        dashboard = status_counts(load_plan(s, c.plan_id))
        summary = next(p for p in plan_summaries(s) if p.id == c.plan_id)
        publish_update(s, _coordinator(s, c), q4, tmp_path / "update.pdf", PublishOptions(sign=False),
                       html_out=tmp_path / "update.html")

    for counts in (before_close, snapshot, dashboard):
        assert counts.by_rag == case.EXPECTED_COUNTS
        assert counts.carried == case.EXPECTED_CARRIED
        assert counts.awaiting == len(case.EXPECTED_AWAITING)
    assert summary.rag_counts == case.EXPECTED_COUNTS and summary.carried_counts == case.EXPECTED_CARRIED
    assert summary.awaiting_update == len(case.EXPECTED_AWAITING)

    store.close()
    target, secret = store_target
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", secret)
    assert main(["plans", target, "--json"]) == 0
    listed = next(p for p in json.loads(capsys.readouterr().out) if p["id"] == c.plan_id)
    assert listed["rag_counts"] == case.EXPECTED_COUNTS and listed["awaiting_update"] == 4
    assert main(["plans", target]) == 0
    assert "Red (R) 2 (2 not updated), Amber (A) 1 (1 not updated)" in capsys.readouterr().out

    pages = _pdftotext(tmp_path / "update.pdf")
    summary_page = next(p for p in pages if "RAG status this quarter and last" in p)
    # Status, this quarter, share, not updated, last quarter, change
    red = re.search(r"Red\s+(\d+)\s+(\d+)%\s+(\d+)\s+(\d+)", summary_page)
    amber = re.search(r"Amber\s+(\d+)\s+(\d+)%\s+(\d+)\s+(\d+)", summary_page)
    assert red is not None and (red.group(1), red.group(3), red.group(4)) == ("2", "2", "2")
    assert amber is not None and (amber.group(1), amber.group(3)) == ("1", "1")
    assert "4 live actions are awaiting an update" in " ".join(summary_page.split())
    reading = [" ".join(p.split()) for p in _pdftotext(tmp_path / "update.pdf", layout=False)]
    assert " ".join(CARRY_FORWARD_RULE.split()) in " ".join(reading)
    exceptions = next(p for p in reading if "Exceptions: Red and Amber" in p)
    for code in ("1.1a", "1.1b", "1.1c"):
        assert code in exceptions
    assert exceptions.count("not updated since 2015/16 Q3") == 3
    plan_pages = " ".join(p for p in reading if "Priority 1.1" in p)
    assert plan_pages.count("Not updated since 2015/16 Q3") == 4  # every carried row: 1.1a, 1.1b, 1.1c, 1.1e

    # The web version of the same update counts and marks the same way.
    html = " ".join(re.sub(r"<[^>]+>", " ", (tmp_path / "update.html").read_text("utf-8")).split())
    assert re.search(r"R Red 2 \d+% 2 2", html) is not None and re.search(r"A Amber 1 \d+% 1", html) is not None
    assert " ".join(CARRY_FORWARD_RULE.split()) in html
    exceptions_html = html.split("2. Exceptions")[1].split("3. The delivery plan")[0]
    assert exceptions_html.count("not updated since 2015/16 Q3") == 3


def test_cover_names_the_person_and_role_never_the_login(store: Store, tmp_path: Path) -> None:
    c = case.build(store)
    with store.session() as s:
        q4 = s.get(ReportingPeriod, c.q4_id)
        assert q4 is not None
        desktop_login = Actor(None, "root (desktop)")  # nobody chosen at the keyboard: no name is invented
        publish_update(s, desktop_login, q4, tmp_path / "anon.pdf", PublishOptions(sign=False))
        publish_update(s, _coordinator(s, c), q4, tmp_path / "named.pdf", PublishOptions(sign=False))
    anon, named = _pdftotext(tmp_path / "anon.pdf")[0], _pdftotext(tmp_path / "named.pdf")[0]
    assert "root" not in anon and "(desktop)" not in anon
    assert "Jo Bloggs, Community Safety Co-ordinator, HBC" in named
    # the quarter was closed by the coordinator: the cover says so by name and role
    assert "by Jo Bloggs, Community Safety Co-ordinator, HBC" in " ".join(anon.split())
    # and the action editor's history names the same person for the updates they recorded
    with store.session() as s:
        action_id = s.scalars(select(Action.id).where(Action.code == "1.1a")).one()
        history = action_detail(s, action_id).history
    assert history and all(entry.author.startswith("Jo Bloggs") for entry in history)


def test_a_snapshot_frozen_before_carry_forward_keeps_its_hash(store: Store) -> None:
    c = case.build(store)
    with store.session() as s:
        snap = s.scalars(select(Snapshot).where(Snapshot.period_id == c.q3_id)).one()
        raw = json.loads(snap.payload)
        for o in raw["objectives"]:
            for p in o["priorities"]:
                for a in p["actions"]:
                    a.pop("not_updated_since", None)
                    a.pop("awaiting_update", None)
        old = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert PlanSnapshotData.from_json(old).to_json() == old
        q4 = s.scalars(select(Snapshot).where(Snapshot.period_id == c.q4_id)).one()
        assert PlanSnapshotData.from_json(q4.payload).to_json() == q4.payload
