"""The composition root: no crash without a display, the self-test, the demo store for `make run`."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import app, paths
from desktop.services.demo import DEMO_PASSPHRASE


@pytest.mark.parametrize(
    ("environ", "system", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),
        ({}, "win32", True),
        ({}, "darwin", True),
        ({}, "freebsd14", False),
    ],
)
def test_display_available(environ: dict[str, str], system: str, expected: bool) -> None:
    assert app.display_available(environ, system) is expected


def test_run_without_a_display_explains_the_command_line_instead(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(app.sys, "platform", "linux")
    assert app.run(None) == 1
    assert app.run_demo() == 1
    err = capsys.readouterr().err
    assert "pathways demo STORE" in err and "pathways plans STORE" in err
    assert not paths.demo_store_path().exists()  # nothing was created


def test_demo_store_is_created_once_and_the_passphrase_printed(capsys: pytest.CaptureFixture[str]) -> None:
    path = app.ensure_demo_store()
    assert path == paths.demo_store_path() and path.is_file()
    first = path.stat().st_mtime_ns
    out = capsys.readouterr().out
    assert DEMO_PASSPHRASE in out and "Creating" in out
    app.ensure_demo_store()
    assert path.stat().st_mtime_ns == first
    assert "Creating" not in capsys.readouterr().out


def test_self_test(capsys: pytest.CaptureFixture[str], qapp: object) -> None:
    seen: list[Path] = []

    def step(context: app.SelfTestContext) -> str:
        seen.append(context.store_path)
        return "extra step: ok"

    app.SELF_TEST_STEPS.append(step)
    try:
        assert app.self_test() == 0
    finally:
        app.SELF_TEST_STEPS.remove(step)
    out = capsys.readouterr().out
    assert "self-test: OK" in out and "SQLCipher 4." in out and "Qt 6." in out and "extra step: ok" in out
    assert "signed update verified" in out and "INTACT:TRUSTED,UNTOUCHED" in out
    assert seen and not seen[0].exists()  # the temporary store is gone


def test_main_dispatches(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(app, "self_test", lambda: calls.append("self-test") or 0)
    monkeypatch.setattr(app, "run_demo", lambda: calls.append("demo") or 0)
    monkeypatch.setattr(app, "run", lambda store: calls.append(store) or 0)
    assert app.main(["--self-test"]) == 0
    assert app.main(["--demo"]) == 0
    assert app.main(["x.pathways"]) == 0
    assert calls == ["self-test", "demo", Path("x.pathways")]
