"""The Qt binding itself: PySide6 6.12.0's ``SignalInstance.emit`` returned ``True`` without a new reference, so every
signal emitted from Python took one reference from ``True`` until the interpreter aborted ("Fatal Python error:
bool_dealloc") on quit. pyproject.toml excludes that release; this test fails on any binding with the same fault."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    flag = Signal(bool)


def test_emitting_a_signal_keeps_the_references_to_true_and_false(qapp: object) -> None:
    emitter = _Emitter()
    seen: list[bool] = []
    emitter.flag.connect(seen.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.plain.emit()
        emitter.flag.emit(False)
    seen.clear()
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
