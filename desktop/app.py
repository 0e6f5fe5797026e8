"""Composition root of the desktop app: excepthook → paths → logging → QApplication → unlock → main window.

``run(store)`` opens the unlock screen (for ``store``, or the last store used); ``self_test()`` proves a build works
without a display; ``python -m desktop.app --demo`` (``make run``) creates the demonstration store on first use and
opens it. Nothing else creates application-wide objects.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from desktop import __version__, paths
from desktop.resources import resource_path

if TYPE_CHECKING:
    from desktop.settings import Settings
    from desktop.ui.context import AppContext

log = logging.getLogger("pathways.app")

HEADLESS_HELP = """\
Pathways cannot open its window: there is no display here (no DISPLAY or WAYLAND_DISPLAY).
Everything the app does with plans is also available from the command line, for example:

    pathways demo STORE          create an encrypted demonstration store
    pathways plans STORE         list its plans, quarters and RAG counts
    pathways --help              every command

To render the app without a screen (screenshots, tests) set QT_QPA_PLATFORM=offscreen.
"""

_OFFSCREEN_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


def display_available(environ: os._Environ[str] | dict[str, str] | None = None, system: str | None = None) -> bool:
    """Whether Qt can open a window. On Linux and the BSDs Qt aborts (uncatchably) without a display, so we look
    before we build a QApplication."""
    env = os.environ if environ is None else environ
    system = system or sys.platform
    if not (system.startswith("linux") or "bsd" in system):
        return True
    platform_name = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if platform_name in _OFFSCREEN_PLATFORMS:
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


# ---- excepthook and logging


def _install_excepthook() -> None:
    """Unexpected errors are logged (type and stack, never data values) and shown once, calmly; the app goes on."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        frames = "".join(traceback.format_tb(tb))
        log.error("unexpected %s\n%s", kind.__name__, frames)
        try:
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QApplication, QMessageBox

            app = QApplication.instance()
            if isinstance(app, QApplication):
                box = QMessageBox(QMessageBox.Icon.Warning, "Pathways",
                                  f"Something went wrong ({kind.__name__}). Your plan is safe: nothing further was "
                                  "written. If it happens again, please report it with the log file.",
                                  QMessageBox.StandardButton.Ok, app.activeWindow())
                box.setDetailedText(f"Log folder: {paths.log_dir()}")
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.open()
        except Exception:  # noqa: BLE001 — the hook must never raise
            pass

    sys.excepthook = hook


def _setup_logging() -> Path:
    folder = paths.log_dir()
    handler = logging.handlers.RotatingFileHandler(folder / "pathways.log", maxBytes=1_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("pathways")
    root.setLevel(logging.INFO)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    return folder


# ---- the QApplication


def _make_application(argv: Sequence[str]) -> object:
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QFontDatabase, QGuiApplication
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv) or ["pathways"])
    QCoreApplication.setOrganizationName("Pathways")
    QCoreApplication.setApplicationName("Pathways")
    QCoreApplication.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    # Ship our own font so text never renders as boxes on a bare machine (and looks the same everywhere).
    families = []
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        font_file = resource_path("fonts", name)
        if font_file.is_file():
            font_id = QFontDatabase.addApplicationFont(str(font_file))
            families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        font = app.font()
        font.setFamily(families[0])
        font.setPointSizeF(max(font.pointSizeF(), 9.5))
        app.setFont(font)
    style = resource_path("style.qss")
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def build_context(settings: Settings | None = None, *, dialogs: object | None = None,
                  runner: object | None = None) -> AppContext:
    """Everything the windows share (an :class:`~desktop.ui.context.AppContext`), built here and nowhere else.

    ``dialogs`` and ``runner`` replace the real dialog service and threaded task runner (tests, the self-test)."""
    from PySide6.QtCore import QObject

    from desktop.settings import Settings
    from desktop.ui.context import AppContext
    from desktop.ui.dialog_service import DialogService  # noqa: F811
    from desktop.ui.idle import IdleWatcher
    from desktop.ui.tasks import TaskRunner
    from desktop.ui.undo import UndoStack
    from desktop.ui.workspace import Workspace

    prefs = settings if settings is not None else Settings()
    owner = QObject()
    owner.setObjectName("app_context")
    task_runner = runner if isinstance(runner, TaskRunner) else TaskRunner()
    task_runner.setParent(owner)
    service = dialogs if dialogs is not None else DialogService(prefs)
    if isinstance(service, QObject):
        service.setParent(owner)
    workspace = Workspace(prefs, task_runner, owner)
    return AppContext(settings=prefs, dialogs=service,  # type: ignore[arg-type]  # a test double is duck-typed
                      runner=task_runner, workspace=workspace, undo=UndoStack(workspace, owner),
                      idle=IdleWatcher(prefs.idle_lock_minutes() * 60_000, owner), owner=owner)


def create_main_window(
    store: Path | None = None, context: AppContext | None = None, server: str | None = None
) -> object:
    """The application and its main window, ready to show (used by ``run``, ``self_test`` and tests)."""
    from desktop.ui.main_window import MainWindow

    window = MainWindow(context or build_context())
    window.start(store, server=server)
    return window


def shut_down(window: object) -> None:
    """After the event loop: end background work, close the store, and delete the window and the context while
    Python is still whole (objects left to the interpreter's last garbage collection are deleted in no useful
    order)."""
    import shiboken6

    from desktop.ui.main_window import MainWindow

    if not isinstance(window, MainWindow) or not shiboken6.isValid(window):
        return
    context = window.context
    context.shut_down()
    shiboken6.delete(window)
    shiboken6.delete(context.owner)


def run(store_path: Path | None, *, exit_when_shown: bool = False, server: str | None = None) -> int:
    """Open the desktop app at the unlock screen of ``store_path`` (or the last store). Returns the exit code.

    ``exit_when_shown``: print "shown" and quit once the first frame is on screen (start-up benchmarks, the venv
    and the bundle timed the same way).
    """
    if not display_available():
        print(HEADLESS_HELP, file=sys.stderr, end="")
        return 1
    _install_excepthook()
    # Every file the app writes (exports, backups, trust bundles, settings, logs) is its owner's alone, whatever the
    # session's umask: the command line does the same (desktop/cli).
    os.umask(0o077)
    paths.config_dir()
    _setup_logging()
    log.info("starting Pathways %s", __version__)
    app = _make_application(sys.argv[:1])
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    if store_path is not None and not Path(store_path).is_file():
        print(f"pathways: no store at {store_path}; choose one in the window.", file=sys.stderr)
        store_path = None
    window = create_main_window(Path(store_path).resolve() if store_path else None, server=server)
    window.show()  # type: ignore[attr-defined]
    if exit_when_shown:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    code = int(app.exec())
    shut_down(window)
    return code


def ensure_demo_store() -> Path:
    """The demonstration store (created on first use) at ``paths.demo_store_path()``."""
    from desktop.services.demo import DEMO_PASSPHRASE, build_demo
    from desktop.store import Store

    path = paths.demo_store_path()
    if not path.exists():
        print(f"Creating the demonstration store at {path} …")
        with Store.create(path, DEMO_PASSPHRASE) as store, store.session() as session:
            build_demo(session)
    print(f"Demo store: {path}\nDemo passphrase: {DEMO_PASSPHRASE}")
    return path


def run_demo() -> int:
    """``make run``: the app on the demonstration store."""
    if not display_available():
        print(HEADLESS_HELP, file=sys.stderr, end="")
        return 1
    return run(ensure_demo_store())


# ---- self-test


@dataclass
class SelfTestContext:
    """What a self-test step gets: a temporary folder, an unlocked demo store and the rendered window."""

    folder: Path
    store_path: Path
    passphrase: str
    window: object
    store: object


# Later features add their own checks here (e.g. "build and sign a small update, verify it"); each returns a line.
def _check_signed_update(context: SelfTestContext) -> str:
    from desktop.reports.self_check import publish_and_verify
    from desktop.store import Store

    assert isinstance(context.store, Store)
    return publish_and_verify(context.store)


SELF_TEST_STEPS: list[Callable[[SelfTestContext], str]] = [_check_signed_update]


def self_test() -> int:
    """Create a temporary encrypted demo store, render the main window offscreen, print versions; 0 when all is well."""
    if not display_available():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    try:
        return _self_test()
    except Exception as exc:  # noqa: BLE001 — report, don't crash
        print(f"self-test FAILED: {type(exc).__name__}: {exc}")
        traceback.print_exc()
        return 1


def _self_test() -> int:
    import pyqtgraph
    import PySide6
    import sqlalchemy
    import sqlcipher3.dbapi2 as sqlcipher
    from PySide6.QtCore import QEventLoop, QTimer, qVersion
    from PySide6.QtWidgets import QApplication

    from desktop.services.demo import DEMO_PASSPHRASE, build_demo
    from desktop.settings import Settings
    from desktop.store import Store
    from desktop.ui.main_window import MainWindow
    from desktop.ui.tasks import TaskRunner

    app = _make_application(["pathways-self-test"])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="pathways-self-test-") as tmp:
        folder = Path(tmp)
        store_path = folder / "self-test.pathways"
        with Store.create(store_path, DEMO_PASSPHRASE) as store, store.session() as session:
            build_demo(session)
        app_context = build_context(Settings(folder / "config"), runner=TaskRunner(inline=True))
        window = MainWindow(app_context)
        window.resize(1440, 900)
        window.start(store_path)
        failures: list[BaseException] = []
        window.workspace.open_store(store_path, DEMO_PASSPHRASE, on_error=failures.append)
        if failures:
            raise failures[0]
        if window.workspace.data is None:
            raise RuntimeError("the demo plan did not load")
        window.show()
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        image = window.grab().toImage()
        if image.isNull() or image.width() < 800:
            raise RuntimeError("the main window did not render")
        rows = len(window.workspace.data.rows)
        context = SelfTestContext(folder, store_path, DEMO_PASSPHRASE, window, window.workspace.store)
        lines = [step(context) for step in SELF_TEST_STEPS]
        window.close()
        app_context.shut_down()
        window.deleteLater()
        app_context.owner.deleteLater()
        with sqlcipher.connect(":memory:") as conn:
            cipher_version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    print(f"Pathways {__version__} self-test: OK")
    print(f"  Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    print(f"  Qt {qVersion()} · PySide6 {PySide6.__version__} · pyqtgraph {pyqtgraph.__version__}")
    print(f"  SQLCipher {cipher_version} · SQLAlchemy {sqlalchemy.__version__}")
    print(f"  encrypted demo store created, unlocked, {rows} actions shown; window rendered {image.width()}×"
          f"{image.height()} ({app.platformName()})")
    for line in lines:
        print(f"  {line}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.app", description="Open the Pathways desktop app.")
    parser.add_argument("store", nargs="?", type=Path, help="a .pathways store to unlock")
    parser.add_argument("--demo", action="store_true", help="open the demonstration store (created on first use)")
    parser.add_argument("--self-test", action="store_true", help="check this installation and exit")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.demo:
        return run_demo()
    return run(args.store)


if __name__ == "__main__":
    sys.exit(main())
