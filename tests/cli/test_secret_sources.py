"""Where each command takes its secrets: the table in the code, every command's --help and docs/cli.md agree, and
the commands really read what the table says (and name that variable when it is missing)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from desktop.cli import build_parser, main
from desktop.cli.secret_sources import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    PROMPT,
    PROMPT_TWICE,
    SECRETS,
    CliError,
    Secret,
    epilog,
    markdown_table,
    read,
)
from desktop.services.demo import DEMO_PASSPHRASE
from desktop.store import Store, WrongPassphrase

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
STRONG = "Tees Valley partnership 2015 quarterly"
OTHER_STRONG = "otter kiln semaphore lantern"
ROWS = [(command, secret) for command, secrets in SECRETS.items() for secret in secrets]


def _flat(text: str) -> str:
    """Help text as argparse wraps it, unwrapped (it may break lines after a hyphen)."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text))


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_docs_show_exactly_the_table_in_the_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- secrets-table:[^>]*-->\n(.*?)\n<!-- /secrets-table -->", text, re.S)
    assert block, "docs/cli.md has lost its secrets table"
    assert block.group(1) == markdown_table()


def test_every_command_is_in_the_table_and_every_row_is_a_command() -> None:
    assert set(_subcommands()) == set(SECRETS)


@pytest.mark.parametrize("command", sorted(SECRETS))
def test_help_prints_the_commands_rows(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = _flat(capsys.readouterr().out)
    for secret in SECRETS[command]:
        assert _flat(secret.help()) in out
        assert secret.option in out
    if SECRETS[command]:
        assert _flat(epilog(command)) in out
    else:
        assert "--passphrase-file" not in out and PASSPHRASE_ENV not in out


@pytest.mark.parametrize(("command", "secret"), [r for r in ROWS if r[1].env], ids=lambda v: getattr(v, "role", v))
def test_each_command_reads_its_variable(command: str, secret: Secret, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(secret.env or "", STRONG)
    args = argparse.Namespace(command=command)
    assert read(args, secret.role) == STRONG


@pytest.mark.parametrize(("command", "secret"), [r for r in ROWS if r[1].env], ids=lambda v: getattr(v, "role", v))
def test_missing_secret_error_names_the_variable_this_command_reads(
    command: str, secret: Secret, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = NEW_PASSPHRASE_ENV if secret.env == PASSPHRASE_ENV else PASSPHRASE_ENV
    monkeypatch.setenv(other, STRONG)  # the wrong variable for this secret
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    args = argparse.Namespace(command=command)
    if secret.otherwise not in (PROMPT, PROMPT_TWICE):
        assert read(args, secret.role) is None  # demo: its fixed passphrase
        return
    with pytest.raises(CliError) as caught:
        read(args, secret.role)
    message = str(caught.value)
    assert f"set {secret.env}" in message and secret.option in message
    assert f"{other} is set, but `pathways {command}` reads {secret.env}" in message


@pytest.mark.parametrize(("command", "secret"), ROWS, ids=lambda v: getattr(v, "role", v))
def test_the_file_option_comes_first(command: str, secret: Secret, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "secret.txt"
    file.write_text(OTHER_STRONG + "\nignored second line\n", encoding="utf-8")
    for variable in (PASSPHRASE_ENV, NEW_PASSPHRASE_ENV):
        monkeypatch.setenv(variable, STRONG)
    args = argparse.Namespace(command=command, **{secret.dest: file})
    assert read(args, secret.role) == OTHER_STRONG


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_honours_the_new_passphrase_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "demo.pathways"
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, STRONG)
    code, out, _ = _run(capsys, "demo", str(store))
    assert code == 0 and DEMO_PASSPHRASE not in out
    with pytest.raises(WrongPassphrase):
        Store.open(store, DEMO_PASSPHRASE)
    Store.open(store, STRONG).close()


def test_demo_with_a_weak_passphrase_is_refused_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "demo1234")
    code, _, err = _run(capsys, "demo", str(tmp_path / "demo.pathways"))
    assert code == 2 and f"(from ${NEW_PASSPHRASE_ENV}) is too weak" in err and err.count("\n") == 1
    assert not (tmp_path / "demo.pathways").exists()


def test_init_with_only_the_open_variable_names_the_one_it_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, STRONG)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = _run(capsys, "init", str(tmp_path / "s.pathways"))
    assert code == 2 and err.count("\n") == 1
    assert f"set {NEW_PASSPHRASE_ENV}" in err
    assert f"{PASSPHRASE_ENV} is set, but `pathways init` reads {NEW_PASSPHRASE_ENV}" in err
    assert not (tmp_path / "s.pathways").exists()


@pytest.mark.parametrize("passphrase", ["held-out check passphrase 7", "my passphrase is long and unusual 93"])
def test_init_accepts_the_issues_passphrases(passphrase: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "s.pathways"
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, passphrase)
    assert _run(capsys, "init", str(store))[0] == 0
    Store.open(store, passphrase).close()


def test_change_passphrase_refuses_the_partnerships_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "demo.pathways"
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, STRONG)
    assert _run(capsys, "demo", str(store))[0] == 0
    monkeypatch.setenv(PASSPHRASE_ENV, STRONG)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "safer hartlepool partnership lantern 1987")
    code, _, err = _run(capsys, "change-passphrase", str(store))
    assert code == 2 and "your partnership's name" in err and "Nothing was changed" in err
    Store.open(store, STRONG).close()  # unchanged


def test_a_weak_backup_passphrase_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store, backup = tmp_path / "s.pathways", tmp_path / "b.pathways"
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, STRONG)
    assert _run(capsys, "init", str(store))[0] == 0
    weak = tmp_path / "weak.txt"
    weak.write_text("backup2024\n", encoding="utf-8")
    monkeypatch.setenv(PASSPHRASE_ENV, STRONG)
    code, _, err = _run(capsys, "backup", str(store), str(backup), "--backup-passphrase-file", str(weak))
    assert code == 2 and "(from weak.txt) is too weak" in err and not backup.exists()
    assert _run(capsys, "backup", str(store), str(backup))[0] == 0  # no file: the store's own passphrase
    Store.open(backup, STRONG).close()


def test_an_empty_pkcs12_password_file_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "s.pathways"
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, STRONG)
    assert _run(capsys, "init", str(store))[0] == 0
    monkeypatch.setenv(PASSPHRASE_ENV, STRONG)
    empty = tmp_path / "pw.txt"
    empty.write_text("", encoding="utf-8")
    p12 = tmp_path / "id.p12"
    p12.write_bytes(b"not really")
    code, _, err = _run(capsys, "signer", str(store), "--person", "1", "--pkcs12", str(p12),
                        "--pkcs12-password-file", str(empty))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_cli_error_is_shared() -> None:
    from desktop.cli.common import CliError as FromCommon

    assert FromCommon is CliError


def test_demo_says_when_the_open_variable_was_not_used(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, STRONG)
    code, out, _ = _run(capsys, "demo", str(tmp_path / "demo.pathways"))
    assert code == 0 and f"Demo passphrase: {DEMO_PASSPHRASE}" in out
    assert f"{PASSPHRASE_ENV} is set, but `pathways demo` reads {NEW_PASSPHRASE_ENV}" in out
