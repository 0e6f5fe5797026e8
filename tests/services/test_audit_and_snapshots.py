"""The audit trail and the closed-quarter snapshots are tamper-evident."""

from __future__ import annotations

import json

from sqlalchemy import select

from desktop.models import AuditEvent, Snapshot
from desktop.services.audit import verify_chain
from desktop.services.frozen import PlanSnapshotData
from desktop.services.periods import verify_snapshots
from desktop.store import Store


def test_fresh_demo_chains_are_intact(demo_store: Store) -> None:
    with demo_store.session() as s:
        chain = verify_chain(s)
        assert chain.ok and chain.events > 100
        assert verify_snapshots(s) == []


def test_edited_audit_event_is_detected(demo_store: Store) -> None:
    with demo_store.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.sequence == 10)).one()
        event.reason = "quietly rewritten"
    with demo_store.session() as s:
        chain = verify_chain(s)
    assert not chain.ok
    assert any("audit event 10 has been altered" in p for p in chain.problems)


def test_deleted_audit_event_is_detected(demo_store: Store) -> None:
    with demo_store.session() as s:
        s.delete(s.scalars(select(AuditEvent).where(AuditEvent.sequence == 5)).one())
    with demo_store.session() as s:
        chain = verify_chain(s)
    assert any("audit event 5 is missing" in p for p in chain.problems)


def test_deleting_the_newest_events_is_detected(demo_store: Store) -> None:
    with demo_store.session() as s:
        newest = s.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc()).limit(3)).all()
        for event in newest:
            s.delete(event)
    with demo_store.session() as s:
        chain = verify_chain(s)
    assert any("newest audit events are missing" in p for p in chain.problems)


def test_altered_snapshot_is_detected(demo_store: Store) -> None:
    with demo_store.session() as s:
        snap = s.scalars(select(Snapshot).order_by(Snapshot.id)).first()
        assert snap is not None
        data = json.loads(snap.payload)
        data["objectives"][0]["priorities"][0]["actions"][0]["rag"] = "green"
        data["objectives"][0]["priorities"][0]["actions"][0]["commentary"] = "all fine really"
        snap.payload = json.dumps(data)
    with demo_store.session() as s:
        problems = verify_snapshots(s)
    assert problems and "has been altered" in problems[0].message


def test_snapshot_chain_links_quarters(demo_store: Store) -> None:
    with demo_store.session() as s:
        snaps = s.scalars(select(Snapshot).order_by(Snapshot.plan_id, Snapshot.sequence)).all()
        by_plan: dict[int, list[Snapshot]] = {}
        for snap in snaps:
            by_plan.setdefault(snap.plan_id, []).append(snap)
        for chain in by_plan.values():
            assert [c.sequence for c in chain] == [1, 2, 3]
            assert chain[0].previous_sha256 == ""
            assert chain[1].previous_sha256 == chain[0].sha256
            data = PlanSnapshotData.from_json(chain[2].payload)
            assert data.sha256() == chain[2].sha256
            assert data.previous_period_label is not None


def test_bulk_recorded_events_continue_the_same_chain(store: Store) -> None:
    from desktop.services import audit
    from desktop.services.actor import Actor

    actor = Actor(None, "Importer")
    with store.session() as s:
        audit.record(s, actor, "create", "plan", 1, after={"title": "first"})
        audit.record_many(s, actor, [audit.Change("create", "action", i, after={"code": f"1.{i}"})
                                     for i in range(1, 51)])
        audit.record(s, actor, "update", "plan", 1, before={"title": "first"}, after={"title": "second"})
    with store.session() as s:
        chain = verify_chain(s)
        assert chain.ok and chain.events == 52
        event = s.scalars(select(AuditEvent).where(AuditEvent.sequence == 30)).one()
        event.after = event.after.replace("1.29", "1.99")
    with store.session() as s:
        assert any("audit event 30 has been altered" in p for p in verify_chain(s).problems)
