"""Render every main screen offscreen at 1440×900 from the demonstration store, for docs/screenshots.

    PYTHONPATH=. .venv/bin/python tests/ui/render_screenshots.py [OUT_DIR] [--scale 1.5]

Dialogs are drawn over the main window with a plain title bar (offscreen windows have no decorations).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

SIZE = (1440, 900)


def render(out: Path, scale: float = 1.0) -> list[Path]:
    if scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(scale)
    with tempfile.TemporaryDirectory(prefix="pathways-shots-") as tmp:
        os.environ["PATHWAYS_HOME"] = tmp
        from desktop import app as app_module

        app = app_module._make_application(["pathways-screenshots"])
        try:
            return _render(app, Path(tmp), out, scale)
        finally:
            from PySide6.QtWidgets import QApplication

            for widget in QApplication.topLevelWidgets():
                widget.close()
                widget.deleteLater()


def _render(app: object, tmp: Path, out: Path, scale: float) -> list[Path]:
    from PySide6.QtCore import QEventLoop, QRect, Qt, QTimer
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QWidget

    from desktop.app import build_context
    from desktop.services.demo import DEMO_PASSPHRASE, build_demo
    from desktop.settings import Settings
    from desktop.store import Store
    from desktop.ui.main_window import VIEW_DASHBOARD, VIEW_MINE, VIEW_PEOPLE, VIEW_PLAN, VIEW_QUARTERS, MainWindow
    from desktop.ui.tasks import TaskRunner

    out.mkdir(parents=True, exist_ok=True)
    width, height = int(SIZE[0] / scale), int(SIZE[1] / scale)
    store_path = tmp / "stores" / "demo.pathways"
    with Store.create(store_path, DEMO_PASSPHRASE) as store, store.session() as session:
        build_demo(session)

    def settle() -> None:
        loop = QEventLoop()
        QTimer.singleShot(30, loop.quit)
        loop.exec()

    def shoot(widget: QWidget, name: str) -> Path:
        settle()
        path = out / name
        widget.grab().save(str(path))
        return path

    def shoot_dialog(window: QWidget, dialog: QWidget, name: str) -> Path:
        settle()
        base: QPixmap = window.grab()
        body: QPixmap = dialog.grab()
        ratio = base.devicePixelRatio()
        bar = 30
        w, h = body.width() / ratio, body.height() / ratio
        x = (base.width() / ratio - w) / 2
        y = max(10.0, (base.height() / ratio - h - bar) / 2)
        painter = QPainter(base)
        painter.fillRect(base.rect(), QColor(20, 30, 40, 60))
        for spread in range(8, 0, -1):
            shadow = QRect(int(x - spread), int(y - spread + 4), int(w + 2 * spread), int(h + bar + 2 * spread))
            painter.fillRect(shadow, QColor(0, 0, 0, 10))
        painter.fillRect(QRect(int(x), int(y), int(w), bar), QColor("#e4e9ee"))
        painter.setPen(QColor("#243340"))
        painter.drawText(QRect(int(x), int(y), int(w), bar), Qt.AlignmentFlag.AlignCenter, dialog.windowTitle())
        painter.drawPixmap(int(x), int(y + bar), body)
        painter.setPen(QColor("#9aa5b1"))
        painter.drawRect(QRect(int(x), int(y), int(w) - 1, int(h + bar) - 1))
        painter.end()
        path = out / name
        base.save(str(path))
        return path

    made: list[Path] = []
    window = MainWindow(build_context(Settings(tmp / "config"), runner=TaskRunner(inline=True)))
    window.resize(width, height)
    window.start(store_path)
    window.show()
    made.append(shoot(window, "unlock.png"))

    window.workspace.open_store(store_path, DEMO_PASSPHRASE)
    data = window.workspace.data
    assert data is not None
    lead = max(data.people, key=lambda p: sum(1 for r in data.rows if r.lead_ids[:1] == (p.id,)))
    window.workspace.set_person(lead.id)
    window.show_view(VIEW_PLAN)
    red = next((r for r in data.rows if r.rag == "red"), data.rows[0])
    window.plan_view.select_action(red.id)
    made.append(shoot(window, "main-window.png"))

    # keyboard focus as a Tab user sees it: the filter bar with its status filter focused (issue #16)
    window.activateWindow()
    window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, True)
    rag_filter = window.plan_view.filters.findChild(QWidget, "filter_rag")
    assert rag_filter is not None
    rag_filter.setFocus(Qt.FocusReason.TabFocusReason)
    made.append(shoot(window.plan_view.filters, "focus-visible.png"))
    rag_filter.clearFocus()

    window.edit_action(red.id)
    assert window.action_editor is not None
    window.action_editor.resize(min(1180, width - 60), min(790, height - 70))
    made.append(shoot_dialog(window, window.action_editor, "action-editor.png"))
    window.action_editor.reject()

    waiting = window.plan_view.awaiting_ids()
    window.record_update(waiting[0] if waiting else red.id)
    dialog = window.update_dialog
    assert dialog is not None
    dialog.resize(min(880, width - 60), min(700, height - 70))
    dialog.rag.set_value("amber")
    dialog.commentary.setPlainText("Referrals are slower than planned while the new service beds in; the provider "
                                   "has agreed a recovery plan with the commissioner.")
    made.append(shoot_dialog(window, dialog, "record-update.png"))
    dialog.reject()

    window.show_view(VIEW_DASHBOARD)
    made.append(shoot(window, "dashboard.png"))
    window.show_view(VIEW_MINE)
    made.append(shoot(window, "my-actions.png"))
    window.show_view(VIEW_QUARTERS)
    made.append(shoot(window, "quarters.png"))
    window.show_view(VIEW_PEOPLE)
    window.people.select_person(lead.id)
    made.append(shoot(window, "people.png"))
    window.close()
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--scale", type=float, default=1.0, help="render at this text/UI scale (1.5 = 150%%)")
    args = parser.parse_args(argv)
    for path in render(args.out, args.scale):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
