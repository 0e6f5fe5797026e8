"""A process killed mid-stream (flat battery, force-quit) loses nothing that was committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select

from desktop.models import ActionUpdate
from desktop.services.health import check_store
from desktop.store import Store

WRITER = textwrap.dedent(
    """
    import sys
    from desktop.models import Action, ReportingPeriod
    from desktop.services.actor import Actor
    from desktop.services.updates import record_update
    from desktop.store import Store

    store = Store.open(sys.argv[1], sys.argv[2])
    actor = Actor(None, "crash test")
    n = 0
    while True:
        with store.session() as s:
            action = s.get(Action, 1)
            period = s.get(ReportingPeriod, int(sys.argv[3]))
            rag = ("green", "amber")[n % 2]
            record_update(s, actor, action, period, rag=rag, commentary=f"update {n}",
                          remedial_action="in hand", remedial_owner=action.primary_lead)
        n += 1
        print(n, flush=True)
    """
)


def test_sigkill_during_committed_updates_loses_nothing(demo_store_path: Path, passphrase: str) -> None:
    with Store.open(demo_store_path, passphrase) as store, store.session() as s:
        from desktop.models import Plan
        from desktop.services.queries import current_period

        plan = s.scalars(select(Plan).order_by(Plan.id)).first()
        assert plan is not None
        period = current_period(s, plan.id)
        assert period is not None and not period.is_closed
        period_id = period.id
        before = s.scalar(select(func.count()).select_from(ActionUpdate)) or 0

    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(demo_store_path), passphrase, str(period_id)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ},
    )
    assert proc.stdout is not None
    committed = 0
    for line in proc.stdout:
        committed = int(line)
        if committed >= 40:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert committed >= 40, proc.stderr.read() if proc.stderr else ""

    report = check_store(demo_store_path, passphrase)
    assert report.ok, report.items
    with Store.open(demo_store_path, passphrase) as store, store.session() as s:
        after = s.scalar(select(func.count()).select_from(ActionUpdate)) or 0
    assert after - before >= committed
