"""The audit trail: every change with actor, time, before, after and reason, hash-chained.

Each event's hash covers its own fields and the previous event's hash; the head (sequence and hash of the newest
event) is kept in store_meta so that deleting the newest events is detected too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from desktop.models import AuditEvent, StoreMeta
from desktop.services.actor import Actor
from desktop.store.units import CHAINED_BY_DATABASE

HEAD_KEY = "audit_head"


def _utc_text(when: dt.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.isoformat(timespec="microseconds")


def to_json(value: Mapping[str, Any] | None) -> str:
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def event_hash(event: AuditEvent) -> str:
    body = {
        "sequence": event.sequence,
        "at": _utc_text(event.at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "verb": event.verb,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "previous_hash": event.previous_hash,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: Actor,
    verb: str,
    entity: str,
    entity_id: int | None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Append one event to the chain (flushes first, so the caller's ids are assigned)."""
    record_many(session, actor, [Change(verb, entity, entity_id, before, after, reason)])


@dataclass(frozen=True)
class Change:
    """One change for :func:`record_many`."""

    verb: str
    entity: str
    entity_id: int | None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str = ""


def record_many(session: Session, actor: Actor, changes: Sequence[Change]) -> None:
    """Append events to the chain in one multi-row insert; no ORM objects, no ids fetched back.

    The chain's head (sequence and hash of the newest event) comes from store_meta, which the session keeps in its
    identity map: no query per change, so a 5,000-action import does not slow down as the trail grows.
    """
    if not changes:
        return
    session.flush()
    if session.info.get(CHAINED_BY_DATABASE):
        _append_for_database(session, actor, changes)
        return
    head = session.get(StoreMeta, HEAD_KEY)
    if head is not None:
        seq_text, _, previous_hash = head.value.partition(":")
        sequence = int(seq_text)
    else:
        sequence, previous_hash = 0, ""
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for change in changes:
        sequence += 1
        event = AuditEvent(
            sequence=sequence, at=at, actor_id=actor.person_id, actor_label=actor.label, verb=change.verb,
            entity=change.entity, entity_id=change.entity_id, before=to_json(change.before),
            after=to_json(change.after), reason=change.reason, previous_hash=previous_hash,
        )
        previous_hash = event_hash(event)
        rows.append({c: getattr(event, c) for c in _COLUMNS} | {"hash": previous_hash})
    session.execute(insert(AuditEvent), rows)
    value = f"{sequence}:{previous_hash}"
    if head is None:
        session.add(StoreMeta(key=HEAD_KEY, value=value))
    else:
        head.value = value


def _append_for_database(session: Session, actor: Actor, changes: Sequence[Change]) -> None:
    """On a server the database chains the events (a trigger, under a lock on the head, in this transaction):
    the client sends only what happened; sequence, time, actor id and hashes are the server's."""
    rows = [
        {"sequence": 0, "at": dt.datetime.now(dt.UTC), "actor_id": actor.person_id, "actor_label": actor.label,
         "verb": c.verb, "entity": c.entity, "entity_id": c.entity_id, "before": to_json(c.before),
         "after": to_json(c.after), "reason": c.reason, "previous_hash": "", "hash": ""}
        for c in changes
    ]
    session.execute(insert(AuditEvent), rows)


_COLUMNS = ("sequence", "at", "actor_id", "actor_label", "verb", "entity", "entity_id", "before", "after", "reason",
            "previous_hash")


@dataclass(frozen=True)
class ChainReport:
    events: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(session: Session) -> ChainReport:
    problems: list[str] = []
    previous_hash = ""
    expected_sequence = 1
    count = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)):
        count += 1
        if event.sequence != expected_sequence:
            problems.append(f"audit event {expected_sequence} is missing (next found is {event.sequence})")
        if event.previous_hash != previous_hash:
            problems.append(f"audit event {event.sequence} does not follow the event before it")
        if event_hash(event) != event.hash:
            problems.append(f"audit event {event.sequence} has been altered")
        previous_hash = event.hash
        expected_sequence = event.sequence + 1
    head = session.get(StoreMeta, HEAD_KEY)
    if head is not None:
        seq_text, _, head_hash = head.value.partition(":")
        if int(seq_text) != expected_sequence - 1 or head_hash != previous_hash:
            problems.append(f"the newest audit events are missing (the trail should end at event {seq_text})")
    elif count:
        problems.append("the audit trail's head record is missing")
    return ChainReport(count, tuple(problems))


def event_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
