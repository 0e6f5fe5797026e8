"""Crash suite: the real write commands, SIGKILLed at seeded random points, never cost a committed update.

Each trial copies a prepared demo store, starts one write command of the real CLI (`python -m desktop ...`) in a
subprocess and kills it with SIGKILL (no clean-up code runs, as with a flat battery or a force-quit). Under
`make test` every kill lands while the command works with its store (timed from the moment it opens it, or starts
the backup file); under `make soak` a quarter land anywhere from the start instead. After each kill:

* the store opens with the same passphrase (change-passphrase: with exactly one of the old and the new);
* `pathways check` passes (cipher, every page's HMAC, integrity, audit chain, snapshot chain);
* the write is all-or-nothing: every table holds either the counts before the command or the counts after an
  uninterrupted run of it, and a backup file is either absent or a complete backup that opens;
* no row of the update history (updates, audit events, snapshots, indicator values) committed before is gone;
* a command that had already said it was done left its whole write behind.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from harness import (
    PASSPHRASE,
    SEED,
    SOAK,
    TALLY,
    Fingerprint,
    cli_env,
    command,
    fingerprint,
    opens,
    run_cli,
    scale,
)

from desktop.cli import main
from desktop.services.health import check_store
from desktop.services.queries import find_period, find_plan
from desktop.services.returns import COL_COMMENTARY, COL_RAG, FORM_SHEET, HEADER_ROW, issue_return_forms
from desktop.store import Store

NEW_PASSPHRASE = "Stockton ferry lantern quartz 2016 harbour"
STORE = "plan.pathways"
BACKUP = "backup.pathways"


@dataclass(frozen=True)
class WriteCommand:
    name: str
    args: Callable[[Path, Path], list[object]]  # (store, inputs) -> arguments
    watch: str  # the file whose appearance shows the command has opened the store (or begun the backup)
    rekeys: bool = False
    makes_backup: bool = False


COMMANDS = (
    WriteCommand("import (3,000-row plan)", lambda s, i: ["import", s, i / "plan-3000.csv"], STORE + "-wal"),
    WriteCommand("returns-import --accept",
                 lambda s, i: ["returns-import", s, *sorted((i / "forms").glob("*.xlsx")), "--accept"],
                 STORE + "-wal"),
    WriteCommand("indicator-import", lambda s, i: ["indicator-import", s, "--plan", "Hartlepool",
                                                    i / "indicators.csv"], STORE + "-wal"),
    WriteCommand("profile-import", lambda s, i: ["profile-import", s, "--plan", "Hartlepool", "--appendix",
                                                  "Crash suite cohort", i / "cohort.csv"], STORE + "-wal"),
    WriteCommand("change-passphrase", lambda s, i: ["change-passphrase", s], STORE + "-wal", rekeys=True),
    WriteCommand("backup", lambda s, i: ["backup", s, s.with_name(BACKUP)], BACKUP, makes_backup=True),
    WriteCommand("close-quarter", lambda s, i: ["close-quarter", s, "--plan", "Durham"], STORE + "-wal"),
)


# ---------------------------------------------------------------- inputs


def _plan_csv(path: Path, actions: int = 3000) -> None:
    rows: list[list[str]] = [["Crash Suite Partnership Reducing Re-offending Plan"]]
    n = 0
    per_priority = actions // 100
    for o in range(1, 11):
        rows.append([f"Objective {o}: Objective number {o}"])
        rows.append(["Priority", "Key Action", "Lead officer", "Timescale", "Status"])
        for p in range(1, 11):
            for _ in range(per_priority):
                n += 1
                rows.append([f"{o}.{p} Priority {o}.{p}", f"Action {n} of the crash suite plan",
                             f"Officer {n % 40} (Org {n % 7})", "March 2016",
                             ("On track", "Not started", "Complete")[n % 3]])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _cohort_csv(path: Path, rows: int = 300) -> None:
    lines = ["name,date_of_birth,pnc_id,age,gender,district,flags,offence:Shoplifting,need:Accommodation"]
    for n in range(rows):
        lines.append(f"Crashname {n:04d},1980-01-{n % 28 + 1:02d},{n % 90 + 10}/{n:07d}Q,{20 + n % 40},"
                     f"{'MF'[n % 2]},Rift House,PPO,{n % 4},{'yes' if n % 3 else 'no'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _indicators_csv(path: Path) -> None:
    lines = ["code,period,period_end,value"]
    for n in range(1, 7):
        lines.append(f"RO {n},2014/15,2015-03-31,{40 + n * 3}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _filled_forms(store_path: Path, passphrase: str, out: Path) -> None:
    with Store.open(store_path, passphrase) as store, store.session() as session:
        plan = find_plan(session, "Durham")
        issue_return_forms(session, plan, find_period(session, plan.id, "current"), out)
    for form in sorted(out.glob("*.xlsx")):
        wb = openpyxl.load_workbook(form)
        ws = wb[FORM_SHEET]
        for row in range(HEADER_ROW + 1, ws.max_row + 1):
            if ws.cell(row, 1).value:
                ws.cell(row, COL_RAG).value = "Green"
                ws.cell(row, COL_COMMENTARY).value = "Delivered to plan this quarter"
        wb.save(form)


@dataclass(frozen=True)
class Calibrated:
    before: Fingerprint
    after: Fingerprint
    last_line: str  # what the command prints once its write is committed
    work: float  # seconds the command spends once its store is open


@dataclass
class Bench:
    root: Path
    base: Path
    inputs: Path
    passphrase: str
    calibrated: dict[str, Calibrated]


def _start(spec: WriteCommand, store: Path, bench: Bench, home: Path) -> subprocess.Popen[bytes]:
    """Output goes to files beside the store: a pipe nobody reads while polling would stall a chatty command."""
    env = cli_env(home, bench.passphrase, NEW_PASSPHRASE if spec.rekeys else None)
    with (store.parent / "stdout.txt").open("wb") as out, (store.parent / "stderr.txt").open("wb") as err:
        return subprocess.Popen(command(spec.args(store, bench.inputs)), env=env, cwd=store.parent,
                                stdout=out, stderr=err)


def _output(folder: Path) -> tuple[str, str]:
    return ((folder / "stdout.txt").read_text(encoding="utf-8", errors="replace"),
            (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace"))


def _trial_dir(bench: Bench, name: str) -> Path:
    folder = bench.root / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copyfile(bench.base, folder / STORE)
    return folder


def _calibrate(spec: WriteCommand, bench: Bench, monkeypatch: pytest.MonkeyPatch) -> Calibrated:
    """One uninterrupted run, in this process (the same `main` the subprocess runs, without its start-up): the
    store before and after, what the command prints when done, and how long its work with the store takes."""
    folder = _trial_dir(bench, "calibrate")
    store = folder / STORE
    before = fingerprint(store, bench.passphrase)
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", bench.passphrase)
    if spec.rekeys:
        monkeypatch.setenv("PATHWAYS_NEW_PASSPHRASE", NEW_PASSPHRASE)
    monkeypatch.chdir(folder)
    out = io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in spec.args(store, bench.inputs)])
    work = time.monotonic() - start
    assert code == 0, f"{spec.name} exited {code}"
    after = fingerprint(store, NEW_PASSPHRASE if spec.rekeys else bench.passphrase)
    if spec.makes_backup:
        after = fingerprint(folder / BACKUP, bench.passphrase)
    else:
        assert after.counts != before.counts or spec.rekeys, f"{spec.name} wrote nothing to calibrate against"
    return Calibrated(before, after, out.getvalue().strip().splitlines()[-1], work)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Bench:
    passphrase = PASSPHRASE
    root = tmp_path_factory.mktemp("crash")
    inputs = root / "inputs"
    (inputs / "forms").mkdir(parents=True)
    base = root / "base.pathways"
    shutil.copyfile(demo_template, base)
    _filled_forms(base, passphrase, inputs / "forms")
    _plan_csv(inputs / "plan-3000.csv")
    _cohort_csv(inputs / "cohort.csv")
    _indicators_csv(inputs / "indicators.csv")
    return Bench(root, base, inputs, passphrase, {})


# ---------------------------------------------------------------- one kill


def _kill_at_random_point(spec: WriteCommand, bench: Bench, cal: Calibrated, rng: random.Random,
                          folder: Path) -> tuple[bool, str]:
    """Start the command, SIGKILL it; True when it was still running at the kill. Returns (killed, stdout)."""
    store = folder / STORE
    watch = folder / spec.watch
    aim_at_work = not SOAK or rng.random() < 0.75
    proc = _start(spec, store, bench, bench.root / "home")
    if aim_at_work:
        while proc.poll() is None and not watch.exists():
            time.sleep(0.001)
        deadline = time.monotonic() + rng.uniform(0, cal.work * (1.1 if SOAK else 0.9))
    else:  # anywhere from the start, start-up included
        deadline = time.monotonic() + rng.uniform(0, 1.5 + cal.work)
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return killed, _output(folder)[0]


@dataclass(frozen=True)
class Verdict:
    consistent: bool
    problem: str = ""
    lost: int = 0
    state: str = "unknown"


def _judge(spec: WriteCommand, bench: Bench, cal: Calibrated, folder: Path, said_done: bool) -> Verdict:
    """Whether the store left behind by a killed command is consistent, what went wrong, history rows lost."""
    store = folder / STORE
    passphrase = bench.passphrase
    if spec.rekeys:
        old, new = opens(store, bench.passphrase), opens(store, NEW_PASSPHRASE)
        if old == new:
            return Verdict(False, f"old passphrase opens: {old}, new passphrase opens: {new}")
        if said_done and not new:
            return Verdict(False, "said the passphrase was changed, but the old one still opens the store")
        passphrase = NEW_PASSPHRASE if new else bench.passphrase
    if SOAK:
        checked = run_cli(["check", store], cli_env(bench.root / "home", passphrase))
        if checked.code != 0:
            return Verdict(False, f"pathways check failed: {checked.out.strip().splitlines()[-1:]}")
    else:
        try:
            report = check_store(store, passphrase)
        except Exception as exc:  # noqa: BLE001 — a store that will not open is the finding
            return Verdict(False, f"the store no longer opens with its passphrase ({type(exc).__name__}: {exc})")
        if not report.ok:
            return Verdict(False, "check failed: " + "; ".join(f"{i.name}: {i.detail}" for i in report.items
                                                               if not i.ok))
    now = fingerprint(store, passphrase)
    lost = cal.before.missing_from(now)
    if lost:
        return Verdict(False, f"{lost} committed history rows gone", lost)
    if spec.makes_backup:
        if now.counts != cal.before.counts:
            return Verdict(False, "a backup changed the store")
        backup = folder / BACKUP
        if backup.exists():
            try:
                copied = fingerprint(backup, passphrase)
            except Exception:  # noqa: BLE001 — a backup that will not open is the finding
                return Verdict(False, "a half-written backup file was left at the destination")
            if copied.counts != cal.after.counts:
                return Verdict(False, "the backup file left behind is incomplete")
        elif said_done:
            return Verdict(False, "said the backup was written, but there is none")
        return Verdict(True, state="backup complete" if backup.exists() else "no backup file")
    expected = [cal.before.counts, cal.after.counts]
    if now.counts not in expected:
        changed = sorted(t for t in now.counts if now.counts[t] not in (cal.before.counts.get(t),
                                                                         cal.after.counts.get(t)))
        return Verdict(False, f"half-written: tables {', '.join(changed)} match neither before nor after")
    if said_done and now.counts != cal.after.counts:
        return Verdict(False, "said it was done, but its write is not all there")
    state = "complete" if now.counts == cal.after.counts else "nothing written"
    if spec.rekeys:
        state += " (new passphrase)" if passphrase == NEW_PASSPHRASE else " (old passphrase)"
    return Verdict(True, state=state)


@pytest.mark.parametrize("spec", COMMANDS, ids=[c.name.split(" ")[0] for c in COMMANDS])
def test_sigkill_at_random_points_loses_nothing(spec: WriteCommand, bench: Bench,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cal = _calibrate(spec, bench, monkeypatch)
    rng = random.Random(f"{SEED}:{spec.name}")
    kills = scale(1, 8)
    failures: list[str] = []
    fig = TALLY.figure("crash (kills / consistent / updates lost)", spec.name)
    attempts = 0
    while fig.extra["kills"] < kills and attempts < kills * 3:
        attempts += 1
        folder = _trial_dir(bench, f"trial-{attempts}")
        killed, out = _kill_at_random_point(spec, bench, cal, rng, folder)
        if not killed:
            fig.extra["finished before the kill"] += 1
        else:
            fig.extra["kills"] += 1
        said_done = cal.last_line in out
        verdict = _judge(spec, bench, cal, folder, said_done)
        fig.extra["updates lost"] += verdict.lost
        if verdict.consistent:
            fig.extra[f"left {verdict.state}"] += 1
        TALLY.record("crash (kills / consistent / updates lost)", spec.name, verdict.consistent,
                     f"trial {attempts}: {verdict.problem}")
        if not verdict.consistent:
            failures.append(f"trial {attempts}: {verdict.problem}")
        shutil.rmtree(folder, ignore_errors=True)
    assert fig.extra["kills"] >= 1, f"{spec.name}: every run finished before its kill"
    assert not failures, failures
