"""The command line: one clear line on failure, never a traceback; JSON for automation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.services.demo import DEMO_PASSPHRASE

STRONG = "Tees Valley partnership 2015 quarterly"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_plans_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "demo.pathways"
    code, out, _ = _run(capsys, "demo", str(store))
    assert code == 0 and DEMO_PASSPHRASE in out
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", DEMO_PASSPHRASE)
    code, out, _ = _run(capsys, "plans", str(store), "--json")
    assert code == 0
    plans = json.loads(out)
    titles = [p["title"] for p in plans]
    assert any("County Durham and Darlington" in t for t in titles)
    assert any("Hartlepool" in t for t in titles)
    durham = next(p for p in plans if "Durham" in p["title"])
    assert durham["objectives"] == 2 and durham["is_demo"] is True
    assert [p["closed"] for p in durham["periods"]] == [True, True, True, False]
    assert sum(durham["rag_counts"].values()) == durham["actions"]
    code, out, _ = _run(capsys, "plans", str(store))
    assert "DEMONSTRATION DATA" in out and "Green (G)" in out


def test_init_refuses_weak_passphrase(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATHWAYS_NEW_PASSPHRASE", "short")
    code, _, err = _run(capsys, "init", str(tmp_path / "s.pathways"))
    assert code == 2 and "too weak" in err and err.count("\n") == 1
    assert not (tmp_path / "s.pathways").exists()


def test_wrong_passphrase_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.pathways"
    monkeypatch.setenv("PATHWAYS_NEW_PASSPHRASE", STRONG)
    assert _run(capsys, "init", str(store))[0] == 0
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", "wrong wrong wrong")
    code, out, err = _run(capsys, "plans", str(store))
    assert code == 2
    assert err.startswith("pathways: The passphrase is not correct") and err.count("\n") == 1
    assert "Traceback" not in err


def test_passphrase_file_backup_restore_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(STRONG + "\n")
    other = tmp_path / "backup-secret.txt"
    other.write_text("another long backup passphrase\n")
    store = tmp_path / "s.pathways"
    assert _run(capsys, "demo", str(store), "--passphrase-file", str(secret))[0] == 0
    code, out, _ = _run(capsys, "check", str(store), "--passphrase-file", str(secret))
    assert code == 0 and "Store is healthy" in out
    backup = tmp_path / "b.pathways"
    assert _run(capsys, "backup", str(store), str(backup), "--passphrase-file", str(secret),
                "--backup-passphrase-file", str(other))[0] == 0
    code, _, err = _run(capsys, "restore", str(backup), str(tmp_path / "r.pathways"), "--passphrase-file", str(secret))
    assert code == 2 and "passphrase" in err  # the backup has its own passphrase
    assert _run(capsys, "restore", str(backup), str(tmp_path / "r.pathways"), "--passphrase-file", str(other))[0] == 0
    code, out, _ = _run(capsys, "check", str(tmp_path / "r.pathways"), "--passphrase-file", str(other), "--json")
    assert code == 0 and json.loads(out)["items"]


def test_change_passphrase(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.pathways"
    monkeypatch.setenv("PATHWAYS_NEW_PASSPHRASE", STRONG)
    _run(capsys, "init", str(store))
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", STRONG)
    monkeypatch.setenv("PATHWAYS_NEW_PASSPHRASE", "a completely different long sentence")
    assert _run(capsys, "change-passphrase", str(store))[0] == 0
    assert _run(capsys, "plans", str(store))[0] == 2
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", "a completely different long sentence")
    assert _run(capsys, "plans", str(store))[0] == 0


def test_no_passphrase_without_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = _run(capsys, "plans", str(tmp_path / "x.pathways"))
    assert code == 2 and "PATHWAYS_PASSPHRASE" in err
