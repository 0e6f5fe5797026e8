"""The document half of `pathways --self-test`: publish a small signed update from a store and verify it."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from desktop.models import Plan
from desktop.reports.publish import PublishOptions, publish_update
from desktop.reports.signing import verify_pdf
from desktop.services import signing_setup
from desktop.services.actor import Actor
from desktop.services.queries import find_period
from desktop.store import Store


def publish_and_verify(store: Store) -> str:
    """Sign the first plan's latest closed quarter, verify it against the partnership root; one line or raise."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pathways-self-check-") as folder, store.session() as session:
        plan = session.scalars(select(Plan).order_by(Plan.id)).first()
        if plan is None:
            raise RuntimeError("the store has no plan to publish")
        period = find_period(session, plan.id, "latest-closed")
        out = Path(folder) / "self-test-update.pdf"
        result = publish_update(session, Actor(None, "self-test"), period, out, PublishOptions())
        root = signing_setup.root_pem(session, plan.partnership)
        report = verify_pdf(out.read_bytes(), [root])
        session.rollback()  # the self-test leaves no audit event behind
    if not report.ok:
        raise RuntimeError(f"the signed update did not verify: {report.summary}")
    return (f"signed update verified: {result.pages} pages, {report.summary}, "
            f"{time.perf_counter() - started:.2f} s to build, sign and verify")
