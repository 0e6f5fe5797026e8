"""The one counting rule on a large plan: each action's carried-forward status in one quarter and in every quarter,
and the action rows the desktop loads (with every quarter's commentary for search). Prints a markdown table."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from bench.common import build_large_plan, ms, table, timed
from desktop.models import ReportingPeriod
from desktop.services.quarter_status import count_statuses, quarter_statuses, statuses_by_quarter
from desktop.services.readmodels import load_rows
from desktop.store import Store

PASSPHRASE = "benchmark passphrase for the quarter statuses"


def main() -> None:
    path = Path(tempfile.mkdtemp(prefix="pathways-bench-")) / "plan.pathways"
    with Store.create(path, PASSPHRASE) as store:
        with store.session() as s:
            plan_id = build_large_plan(s, actions=10_000, updates_per_action=10)
        with store.session() as s:
            periods = list(s.scalars(select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id)
                                     .order_by(ReportingPeriod.start_date)))
            last = periods[-1]

            def one() -> None:
                assert count_statuses(quarter_statuses(s, last)).total == 10_000

            def every() -> None:
                assert len(statuses_by_quarter(s, plan_id)) == len(periods)

            def rows() -> None:
                assert len(load_rows(s, plan_id)) == 10_000

            measured = [
                ("statuses and counts of one quarter (close dialog, snapshot, `pathways plans`)", timed(one)[0]),
                (f"statuses of every quarter ({len(periods)}; the dashboard's RAG mix)", timed(every, repeat=3)[0]),
                ("action rows with carried-forward status and every quarter's commentary", timed(rows)[0]),
            ]
    print("10,000 actions, 100,000 updates, encrypted store (median)\n")
    print(table(["measure", "median"], [[name, ms(seconds)] for name, seconds in measured]))


if __name__ == "__main__":
    main()
