"""At rest: after a scripted session of every command, nothing sensitive is left outside the store.

The session runs every headless command against a demo store with its own HOME, TMPDIR and PATHWAYS_HOME and a
permissive umask (022), importing a plan and an offender-profile cohort that carry marker strings. Then:

* no file outside the store (home, temp, the app's own folder, the store's folder) holds a marker, a passphrase
  or an identifier;
* every file the session created is readable by its owner only (0600);
* no file outside the store holds a private key (PEM, or the raw key bytes of any key the store holds).

Under `make test` the commands run in this process (the same `main`); under `make soak` each runs in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from harness import SOAK, TALLY, cli_env, files_under, run_cli
from sqlalchemy import select

from desktop.cli import main
from desktop.models import SignerCredential, SigningRoot
from desktop.store import Store

SUITE = "at rest (files checked / clean)"
PASSPHRASE = "Hartlepool headland lighthouse 1847 gulls"
NEW_PASSPHRASE = "Seaton Carew sand dunes 2016 breakwater"
PLAN_MARKERS = ("Quokkaville Reducing Re-offending Plan", "Kestrel hostel pathway for prison leavers",
                "Officer Zanzibar Plum")
IDENTIFIERS = ("Testname Quokka", "77/7777777Q", "777777/77Q", "Q7777QQ", "77 Quokka Street", "QK7 7QQ")


def _inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    plan = folder / "plan.csv"
    plan.write_text(
        f"{PLAN_MARKERS[0]}\nObjective 1: Reduce re-offending\nPriority,Key Action,Lead officer,Timescale,Status\n"
        f"1.1 Housing,{PLAN_MARKERS[1]},{PLAN_MARKERS[2]} (HBC),March 2016,On track\n", encoding="utf-8")
    cohort = folder / "cohort.csv"
    cohort.write_text(
        "name,date_of_birth,pnc_id,cro_number,prison_number,address,postcode,age,gender,district\n"
        f"{IDENTIFIERS[0]},1981-07-07,{IDENTIFIERS[1]},{IDENTIFIERS[2]},{IDENTIFIERS[3]},{IDENTIFIERS[4]},"
        f"{IDENTIFIERS[5]},34,M,Rift House\n", encoding="utf-8")
    values = folder / "values.csv"
    values.write_text("code,period,period_end,value\nRO 2,2014/15,2015-03-31,48\n", encoding="utf-8")
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    new_secret = folder / "new-passphrase.txt"
    new_secret.write_text(NEW_PASSPHRASE + "\n", encoding="utf-8")
    return {"plan": plan, "cohort": cohort, "values": values, "secret": secret, "new": new_secret}


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


class Session:
    """Runs commands as a user would, in a clean environment; in-process, or in subprocesses under soak."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.env = cli_env(root / "env", PASSPHRASE)
        self.work = root / "work"
        self.work.mkdir()
        if not SOAK:
            for key in [k for k in os.environ if k.startswith("PATHWAYS_")]:
                monkeypatch.delenv(key)
            for key, value in self.env.items():
                monkeypatch.setenv(key, value)
            monkeypatch.setattr(tempfile, "tempdir", None)  # recomputed from TMPDIR on next use
            monkeypatch.chdir(self.work)

    def run(self, *args: object) -> str:
        if SOAK:
            outcome = run_cli(args, self.env, cwd=self.work)
            assert outcome.code in (0, 1), (args, outcome.err)
            return outcome.out
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main([str(a) for a in args])
        assert code in (0, 1), (args, code)
        return out.getvalue()


def _every_command(session: Session, inputs: dict[str, Path]) -> tuple[Path, Path]:
    work = session.work
    store, empty, out = work / "plan.pathways", work / "empty.pathways", work / "out"
    run = session.run
    secret = ("--passphrase-file", inputs["secret"])
    run("demo", store, *secret)
    run("init", empty, *secret)
    run("check", store)
    run("plans", store, "--json")
    run("import", store, inputs["plan"], "--dry-run")
    run("import", store, inputs["plan"])
    run("import", empty, inputs["plan"])
    run("plans", store)
    out.mkdir()
    run("export-plan", store, "--plan", "Quokkaville", "--format", "xlsx", "--out", out / "plan.xlsx")
    run("export-plan", store, "--plan", "Quokkaville", "--format", "csv", "--out", out / "plan.csv")
    run("profile-import", store, "--plan", "Hartlepool", "--appendix", "At rest cohort", inputs["cohort"])
    run("profile-preview", store, "--plan", "Hartlepool", "--profile", "partner")
    run("indicator-import", store, "--plan", "Hartlepool", inputs["values"])
    run("indicators", store, "--plan", "Hartlepool", "--json")
    run("returns", store, "--plan", "Durham", "--period", "current", "--out-dir", out / "forms")
    run("returns", store, "--plan", "Durham", "--period", "current", "--status")
    run("returns-import", store, *sorted((out / "forms").glob("*.xlsx")), "--accept")
    run("close-quarter", store, "--plan", "Durham")
    run("update-pdf", store, "--plan", "Durham", "--period", "latest-closed", "--out", out / "update.pdf")
    run("update-pdf", store, "--plan", "Hartlepool", "--period", "latest-closed", "--profile", "partner",
        "--out", out / "hartlepool.pdf")
    run("trust-bundle", store, "--out", out / "trust", "--partnership", "Durham")
    (root_pem,) = (out / "trust").glob("*.pem")
    run("verify", out / "update.pdf", "--trust", root_pem)
    meetings = json.loads(run("meetings", store, "--json"))
    meeting = meetings[0]["meetings"][0]["id"]
    run("agenda-pack", store, "--meeting", meeting, "--out", out / "pack.pdf")
    run("cover-report", store, "--meeting", meeting, "--item", "9", "--out", out / "cover.docx")
    run("signer", store, "--person", PLAN_MARKERS[2], "--partnership", "Hartlepool")
    run("backup", store, out / "backup.pathways")
    run("restore", out / "backup.pathways", out / "restored.pathways")
    session.env["PATHWAYS_NEW_PASSPHRASE"] = NEW_PASSPHRASE
    os.environ["PATHWAYS_NEW_PASSPHRASE"] = NEW_PASSPHRASE
    run("change-passphrase", store)
    run("check", store, "--passphrase-file", inputs["new"])
    if SOAK:  # the desktop app too: a window rendered offscreen, a temporary store, a signed update verified
        run("--self-test")
    return store, out


def _leaks(files: list[Path], secrets: list[bytes]) -> list[str]:
    """Files holding any of ``secrets`` (as UTF-8 or UTF-16 text)."""
    found = []
    for path in files:
        data = path.read_bytes()
        hits = [s.decode() for s in secrets if s in data or s.decode().encode("utf-16-le") in data]
        if hits:
            found.append(f"{path}: {hits[0]!r}")
    return found


def _private_keys(store: Path) -> list[bytes]:
    """Every private key the store holds, as the byte strings that would betray it in a file."""
    found: list[bytes] = []
    with Store.open(store, NEW_PASSPHRASE) as opened, opened.session() as s:
        pems = [r.private_key_pem for r in s.scalars(select(SigningRoot))]
        pems += [r.private_key_pem for r in s.scalars(select(SignerCredential))]
    for pem in pems:
        key = serialization.load_pem_private_key(pem, password=None)
        found.append(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
        if isinstance(key, ec.EllipticCurvePrivateKey):
            found.append(key.private_numbers().private_value.to_bytes((key.curve.key_size + 7) // 8, "big"))
        elif isinstance(key, rsa.RSAPrivateKey):
            p = key.private_numbers().p
            found.append(p.to_bytes((p.bit_length() + 7) // 8, "big"))
    assert found, "the session should have made a root and signer keys"
    return found


def _is_store(path: Path) -> bool:
    return path.name.endswith((".pathways", ".pathways-wal", ".pathways-shm"))


def test_nothing_sensitive_is_left_outside_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _inputs(tmp_path / "inputs")
    session = Session(tmp_path, monkeypatch)
    with _umask(0o022):
        store, out = _every_command(session, inputs)
    env = [Path(session.env[k]) for k in ("HOME", "TMPDIR", "PATHWAYS_HOME")]
    outputs = set(files_under([out]))
    created = [p for p in files_under([*env, session.work])]
    assert any(p.name == "plan.pathways" for p in created)
    unencrypted = [p for p in created if p not in outputs and not _is_store(p)]
    secrets = [m.encode() for m in (*PLAN_MARKERS, *IDENTIFIERS, PASSPHRASE, NEW_PASSPHRASE)]

    leaks = _leaks(unencrypted, secrets)
    planted = Path(session.env["TMPDIR"]) / "planted-by-the-test.txt"  # the control: the scan does find one
    planted.write_text(f"left behind: {IDENTIFIERS[1]}", encoding="utf-16")
    assert _leaks([planted], secrets) and _leaks([p for p in files_under(env)], secrets)
    planted.unlink()
    fig = TALLY.figure(SUITE, "no plan string or identifier outside the store")
    fig.tried += len(unencrypted)
    fig.held += len(unencrypted) - len(leaks)
    fig.extra["files in home, temp and app folders"] += len(files_under(env))

    loose = [f"{p.relative_to(tmp_path)} {stat.filemode(p.stat().st_mode)}" for p in created
             if p.stat().st_mode & 0o077]
    TALLY.figure(SUITE, "created files are 0600").tried += len(created)
    TALLY.figure(SUITE, "created files are 0600").held += len(created) - len(loose)

    keys = _private_keys(store)
    everywhere = [p for p in created if not _is_store(p) or p in outputs and not p.name.endswith(".pathways")]
    exposed = [str(p.relative_to(tmp_path)) for p in everywhere
               if b"PRIVATE KEY" in p.read_bytes() or any(k in p.read_bytes() for k in keys)]
    TALLY.figure(SUITE, "private keys never outside the store").tried += len(everywhere)
    TALLY.figure(SUITE, "private keys never outside the store").held += len(everywhere) - len(exposed)

    assert not leaks, leaks
    assert not loose, loose
    assert not exposed, exposed
