"""20 people recording quarterly updates at once on a shared PostgreSQL server, for a minute.

A throwaway cluster on a Unix socket in a temporary folder (no TCP port), one database provisioned exactly as
`pathways server-setup` does it, row-level security on. Each writer is its own coordinator role with its own
ServerStore (its own connections, its own data key) and works like a person at the update dialog: read the action
and its version, think for a moment, record an update with the version it saw. Writers share 10 actions, so some
save from a stale view: those are the expected conflicts (ActionChangedElsewhere); the writer reads again and saves
again. Anything else is an error.

At the end: every saved update is in the database exactly once (0 lost), every action's version moved once per
update, the audit chain verifies unbroken, and a quarter close runs as one serialisable transaction.
`python -m bench.server_writers [--seconds 60] [--writers 20]`
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import threading
import time
from collections import Counter

from sqlalchemy import func, select

from desktop.models import Action, ActionUpdate, Plan
from desktop.services import periods, plans
from desktop.services.actor import Actor
from desktop.services.audit import verify_chain
from desktop.services.errors import ActionChangedElsewhere
from desktop.services.updates import record_update
from desktop.store import server
from desktop.store.throwaway_pg import NoPostgres, running_cluster, unavailable_reason
from desktop.store.units import run_serializable

PASSPHRASE = "bench data passphrase: Tees Valley"
DATABASE = "pathways_bench"
ACTIONS = 10


def _setup(store: server.ServerStore) -> int:
    actor = Actor(None, "Bench coordinator")
    with store.session() as s:
        sp = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        lead = plans.add_person(s, actor, name="Bench Lead", job_title="Lead officer")
        plan = plans.add_plan(s, actor, sp, "Reducing Re-offending Action Plan")
        pri = plans.add_priority(s, actor, plans.add_objective(s, actor, plan, "1", "Pathways"), "1.1", "Housing")
        for n in range(ACTIONS):
            plans.add_action(s, actor, pri, f"1.1.{n}", f"Action {n}", leads=[lead])
        periods.add_period(s, actor, plan, "2014/15 Q1", dt.date(2014, 4, 1), dt.date(2014, 6, 30))
        return plan.id


class Writer(threading.Thread):
    def __init__(self, index: int, url: str, plan_id: int, action_ids: list[int], stop_at: float) -> None:
        super().__init__(name=f"writer-{index}")
        self.index, self.url, self.plan_id, self.action_ids, self.stop_at = index, url, plan_id, action_ids, stop_at
        self.saved: list[str] = []
        self.conflicts = 0
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.rng = random.Random(index)

    def run(self) -> None:
        actor = Actor(None, f"Writer {self.index}")
        try:
            store = server.ServerStore.open(self.url, PASSPHRASE, pool_size=1)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            self.errors.append(f"open: {type(exc).__name__}: {exc}")
            return
        with store:
            n = 0
            while time.monotonic() < self.stop_at:
                action_id = self.rng.choice(self.action_ids)
                token = f"w{self.index}-{n}"
                try:
                    with store.session() as s:  # the dialog opens
                        seen = s.get(Action, action_id).version  # type: ignore[union-attr]
                    time.sleep(self.rng.uniform(0.0, 0.02))  # the person types
                    start = time.perf_counter()
                    with store.session() as s:  # and saves
                        plan = s.get(Plan, self.plan_id)
                        action = s.get(Action, action_id)
                        record_update(s, actor, action, plan.periods[0], rag="green",  # type: ignore[arg-type,union-attr]
                                      commentary=token, percent_complete=n % 100, expected_version=seen)
                    self.latencies.append(time.perf_counter() - start)
                    self.saved.append(token)
                    n += 1
                except ActionChangedElsewhere:
                    self.conflicts += 1  # expected: they look at the other update and save again
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    self.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--writers", type=int, default=20)
    args = parser.parse_args()
    reason = unavailable_reason()
    if reason:
        print(f"skipped: {reason}")
        return 0
    try:
        with running_cluster() as cluster:
            server.provision(cluster.url(), DATABASE, PASSPHRASE)
            roles = [f"writer_{i:02d}" for i in range(args.writers)]
            for role in ["bench_coordinator", *roles]:
                server.add_person(cluster.url(), DATABASE, role, "coordinator", None)
            with server.ServerStore.open(cluster.url(DATABASE, "bench_coordinator"), PASSPHRASE) as admin_store:
                plan_id = _setup(admin_store)
                with admin_store.session() as s:
                    action_ids = list(s.scalars(select(Action.id).order_by(Action.id)))
                    versions_before = dict(s.execute(select(Action.id, Action.version)).all())
                    events_before = verify_chain(s).events
                stop_at = time.monotonic() + args.seconds
                writers = [Writer(i, cluster.url(DATABASE, role), plan_id, action_ids, stop_at)
                           for i, role in enumerate(roles)]
                started = time.perf_counter()
                for w in writers:
                    w.start()
                for w in writers:
                    w.join()
                elapsed = time.perf_counter() - started
                saved = [t for w in writers for t in w.saved]
                errors = [e for w in writers for e in w.errors]
                conflicts = sum(w.conflicts for w in writers)
                latencies = sorted(x for w in writers for x in w.latencies)
                with admin_store.session() as s:
                    stored = Counter(s.scalars(select(ActionUpdate.commentary)))
                    per_action = dict(s.execute(select(ActionUpdate.action_id, func.count())
                                                .group_by(ActionUpdate.action_id)).all())
                    versions = dict(s.execute(select(Action.id, Action.version)).all())
                    chain = verify_chain(s)
                lost = sum(1 for t in saved if stored[t] != 1)
                phantom = sum(1 for t in stored if t not in set(saved))
                version_ok = all(versions[a] == versions_before[a] + per_action.get(a, 0) for a in action_ids)

                def close(s):  # type: ignore[no-untyped-def]
                    plan = s.get(Plan, plan_id)
                    return periods.close_period(s, Actor(None, "Bench coordinator"), plan.periods[0])

                t0 = time.perf_counter()
                snapshot = run_serializable(admin_store, close)
                close_s = time.perf_counter() - t0
    except NoPostgres as exc:
        print(f"skipped: {exc}")
        return 0

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, round(q * (len(latencies) - 1)))] * 1000 if latencies else 0.0

    print(f"{args.writers} writers (each its own database role and connection), {ACTIONS} shared actions, "
          f"{elapsed:.1f} s, Unix socket, RLS on\n")
    print("| what | figure |\n|---|---|")
    print(f"| updates saved | {len(saved)} ({len(saved) / elapsed:.0f}/s) |")
    print(f"| expected conflicts (stale view, told and saved again) | {conflicts} |")
    print(f"| other errors | {len(errors)} |")
    print(f"| saved updates missing or duplicated in the database | {lost} |")
    print(f"| updates in the database that no writer saved | {phantom} |")
    print(f"| action versions = updates recorded | {'yes' if version_ok else 'NO'} |")
    print(f"| audit chain | {chain.events - events_before} new events, "
          f"{'unbroken' if chain.ok else '; '.join(chain.problems[:3])} |")
    print(f"| save latency median / p95 / max | {statistics.median(latencies) * 1000 if latencies else 0:.1f} / "
          f"{pct(0.95):.1f} / {pct(1.0):.1f} ms |")
    print(f"| quarter close (serialisable, {len(saved)} updates) | {close_s * 1000:.0f} ms, snapshot "
          f"{snapshot.sha256[:12]}… |")
    if errors:
        print("\nerrors (first 5):\n" + "\n".join(f"- {e}" for e in errors[:5]))
    ok = not errors and not lost and not phantom and version_ok and chain.ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
