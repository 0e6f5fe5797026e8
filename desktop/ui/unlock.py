"""The unlock screen: open a recent store or choose a file; connect to a shared server; or create a new store with
a strong passphrase.

The screen never opens a store itself: it asks (``unlock_requested``/``create_requested``) and shows the outcome.
The passphrase leaves the field as soon as it is handed over, and the field is cleared after every attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__, paths
from desktop.store import keys
from desktop.store.errors import StoreError
from desktop.store.passphrase import MIN_LENGTH, assess
from desktop.ui.icons import icon
from desktop.ui.widgets import (
    add_shortcut,
    chooser,
    column_of,
    heading_label,
    named,
    plural,
    row_of,
    separator,
    subtle_label,
    wrapped_label,
)

FILE_FOOTER = "your data stays on this computer, encrypted (SQLCipher, AES-256)"
SERVER_FOOTER = ("your data is kept on the partnership's server; offender identifiers are encrypted on this computer "
                 "before they are sent")

# Index 3 ("Almost there") is still refused, so only "Strong" is green.
STRENGTH_COLOURS = ("#c0392b", "#d35400", "#b7950b", "#9a7d0a", "#1e6b33")


def _password(name: str, accessible: str) -> QLineEdit:
    edit = named(QLineEdit(), name, accessible)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhNoPredictiveText
                             | Qt.InputMethodHint.ImhSensitiveData)
    reveal = QAction(icon("eye"), "Show passphrase", edit)
    reveal.setCheckable(True)
    reveal.setToolTip("Show or hide the passphrase")
    reveal.toggled.connect(lambda on: edit.setEchoMode(QLineEdit.EchoMode.Normal if on
                                                       else QLineEdit.EchoMode.Password))
    edit.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
    return edit


def _with_button(field: QWidget, button: QPushButton) -> QHBoxLayout:
    """A field taking the width, with its "Choose…" button after it."""
    row = QHBoxLayout()
    row.setSpacing(8)
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


class UnlockScreen(QWidget):
    """Signals:
        unlock_requested(object, str): open this store path with this passphrase.
        create_requested(object, str): create a store at this path with this (accepted) passphrase.
        choose_file_requested(): the user wants to pick a store file (answer with :meth:`set_store`).
        choose_new_file_requested(): the user wants to pick where to create a store (answer with
            :meth:`set_new_path`).
        connect_requested(str, str): connect to this server address (docs/server.md) with this data passphrase.
        cancel_requested(): stop the unlock in progress.
    """

    unlock_requested = Signal(object, str)
    create_requested = Signal(object, str)
    connect_requested = Signal(str, str)
    choose_file_requested = Signal()
    choose_new_file_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlock_screen")

        title = QLabel("Pathways")
        title.setObjectName("app_title")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        subtitle = subtle_label("Delivery plans for community safety partnerships — encrypted, offline")

        # ---- unlock page
        self.store = chooser("store_chooser", "Store", 28)
        self.choose_button = named(QPushButton(icon("open"), "C&hoose file…"), "choose_store")
        store_row = _with_button(self.store, self.choose_button)
        self.passphrase = _password("passphrase", "Passphrase")
        self.passphrase.setPlaceholderText("The store's passphrase")
        # ---- the server form (shown instead of the store row by "Connect to server…")
        self.server_names: set[Path] = set()  # entries of the store list that name a server (`pathways --server`)
        self.server_address = named(QLineEdit(), "server_address", "Server address")
        self.server_address.setPlaceholderText("postgresql://role@host/database")
        self.server_address.setToolTip("Your own database role, the server and the partnership's database, as your "
                                       "administrator gave them")
        self.server_password = _password("server_password", "Your server password")
        self.server_password.setPlaceholderText("Your role's password (not needed if it is in ~/.pgpass)")
        self.server_button = named(QPushButton("Connect to se&rver…"), "connect_server", "Connect to server")
        self.server_button.setCheckable(True)
        self.message = wrapped_label(object_name="unlock_message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.hint = subtle_label()
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.hide()
        self.unlock_button = QPushButton(icon("lock"), "&Unlock")
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        self.new_button = QPushButton(icon("new-store"), "Create a &new store…")
        self.new_button.setObjectName("new_store")
        self.new_button.setFlat(False)

        unlock_form = QFormLayout()
        unlock_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        unlock_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        unlock_form.setVerticalSpacing(10)
        store_label = QLabel("&Store")
        store_label.setBuddy(self.store)
        self.pass_label = QLabel("&Passphrase")
        self.pass_label.setBuddy(self.passphrase)
        server_label = QLabel("Ser&ver")
        server_label.setBuddy(self.server_address)
        server_pass_label = QLabel("Your pass&word")
        server_pass_label.setBuddy(self.server_password)
        unlock_form.addRow(store_label, store_row)
        unlock_form.addRow(server_label, self.server_address)
        unlock_form.addRow(server_pass_label, self.server_password)
        unlock_form.addRow(self.pass_label, self.passphrase)
        self.unlock_form = unlock_form
        unlock_page = QWidget()
        self.unlock_heading = heading_label("Unlock a store")
        column_of(self.unlock_heading, unlock_form, self.message, self.hint,
                  row_of(self.new_button, self.server_button, None, self.unlock_button), parent=unlock_page,
                  spacing=12)

        # ---- create page
        self.new_path = named(QLineEdit(), "new_path", "New store file")
        self.new_path.setPlaceholderText("Where to keep the new encrypted store")
        self.new_choose = named(QPushButton(icon("open"), "Ch&oose…"), "choose_new_path")
        path_row = _with_button(self.new_path, self.new_choose)
        self.new_pass = _password("new_passphrase", "New passphrase")
        self.new_pass.setPlaceholderText(f"At least {MIN_LENGTH} characters; a few unrelated words is easiest")
        self.repeat = _password("repeat_passphrase", "Repeat the passphrase")
        self.meter = named(QProgressBar(), "strength_meter", "Passphrase strength")
        self.meter.setRange(0, 4)
        self.meter.setValue(0)
        self.meter.setTextVisible(False)
        self.meter.setFixedHeight(8)
        self.strength = wrapped_label("Strength: –", "strength_label")
        self.create_message = wrapped_label(object_name="create_message")
        self.create_message.hide()
        self.create_button = QPushButton(icon("new-store"), "C&reate store")
        self.create_button.setObjectName("create_store")
        self.back_button = QPushButton("&Back")
        self.back_button.setObjectName("back")
        create_form = QFormLayout()
        create_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        create_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        create_form.setVerticalSpacing(10)
        for text, widget in (("&File", path_row), ("&Passphrase", self.new_pass), ("&Repeat", self.repeat)):
            label = QLabel(text)
            label.setBuddy(self.new_path if text == "&File" else widget)  # type: ignore[arg-type]
            create_form.addRow(label, widget)
        create_form.addRow(QLabel("Strength"), column_of(self.meter, self.strength, spacing=4))
        create_page = QWidget()
        explain = subtle_label("The store is one encrypted file. Its passphrase is the only key: Pathways cannot "
                               "recover it, so keep it somewhere safe (a password manager).")
        column_of(heading_label("Create a new store"), explain, create_form, self.create_message,
                  row_of(self.back_button, None, self.create_button), parent=create_page, spacing=12)

        self.pages = QStackedWidget()
        self.pages.addWidget(unlock_page)
        self.pages.addWidget(create_page)
        self.pages.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        # ---- busy row
        self.busy = QWidget()
        busy_layout = QHBoxLayout(self.busy)
        busy_layout.setContentsMargins(0, 0, 0, 0)
        self.busy_text = QLabel()
        self.busy_text.setObjectName("busy_text")
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busy_bar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(8)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancel_unlock")
        busy_layout.addWidget(self.busy_text)
        busy_layout.addWidget(self.busy_bar, 1)
        busy_layout.addWidget(self.cancel_button)
        self.busy.hide()

        card = QFrame()
        card.setObjectName("unlock_card")
        card.setMaximumWidth(640)
        card.setMinimumWidth(560)
        column_of(title, subtitle, separator(), self.pages, self.busy, parent=card, margins=(32, 28, 32, 24),
                  spacing=14)
        self.footer = footer = QLabel(f"Pathways {__version__} · {FILE_FOOTER}")
        footer.setObjectName("subtle")
        footer.setAccessibleName("Where your data is kept")
        footer.setWordWrap(True)
        footer.setAlignment(Qt.AlignmentFlag.AlignCenter)

        outer = QVBoxLayout(self)
        outer.addStretch(2)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addSpacing(10)
        outer.addWidget(footer)
        outer.addStretch(3)

        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        self.passphrase.returnPressed.connect(self._on_unlock_clicked)
        self.passphrase.textChanged.connect(self._prime_key)
        self.choose_button.clicked.connect(self.choose_file_requested)
        self.new_button.clicked.connect(self.show_create)
        self.back_button.clicked.connect(self.show_unlock)
        self.new_choose.clicked.connect(self.choose_new_file_requested)
        self.new_pass.textChanged.connect(self._on_new_pass_changed)
        self.repeat.returnPressed.connect(self._on_create_clicked)
        self.create_button.clicked.connect(self._on_create_clicked)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.server_button.toggled.connect(self._on_server_toggled)
        self.server_address.returnPressed.connect(self._on_unlock_clicked)
        self.server_password.returnPressed.connect(self._on_unlock_clicked)
        self.store.currentIndexChanged.connect(self._on_store_changed)
        add_shortcut(self, QKeySequence.StandardKey.Open, self.choose_file_requested.emit)
        self.setTabOrder(self.store, self.choose_button)
        self.setTabOrder(self.choose_button, self.server_address)
        self.setTabOrder(self.server_address, self.server_password)
        self.setTabOrder(self.server_password, self.passphrase)
        self.setTabOrder(self.passphrase, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.new_button)
        self.setTabOrder(self.new_button, self.server_button)
        self._set_server_form(False)

    # ---- the store list

    def set_recent(self, stores: Sequence[Path], current: Path | None = None) -> None:
        self.store.blockSignals(True)
        self.store.clear()
        seen: list[Path] = []
        for path in ([current] if current else []) + list(stores):
            if path is None or path in seen:
                continue
            seen.append(path)
            self.store.addItem(path.name, str(path))
            self.store.setItemData(self.store.count() - 1, str(path), Qt.ItemDataRole.ToolTipRole)
        self.store.blockSignals(False)
        self._on_store_changed()

    def set_store(self, path: Path) -> None:
        found = self.store.findData(str(path))
        if found < 0:
            self.store.insertItem(0, path.name, str(path))
            self.store.setItemData(0, str(path), Qt.ItemDataRole.ToolTipRole)
            found = 0
        self.store.setCurrentIndex(found)
        self._on_store_changed()
        self.passphrase.setFocus()

    def selected_store(self) -> Path | None:
        data = self.store.currentData()
        return Path(data) if data else None

    def _on_store_changed(self, *_: object) -> None:
        path = self.selected_store()
        self.store.setToolTip(str(path) if path else "")
        demo = path is not None and path.resolve() == paths.demo_store_path().resolve()
        if demo:
            from desktop.services.demo import DEMO_PASSPHRASE  # the demo loader is heavy; only the hint needs it

            self.hint.setText(f"Demonstration store passphrase: {DEMO_PASSPHRASE}")
        else:
            self.hint.setText("")
        self.hint.setVisible(demo)
        self._set_footer(path in self.server_names)

    # ---- the server form

    @property
    def server_mode(self) -> bool:
        """True while the server form (address, password, data passphrase) is shown instead of the store list."""
        return self.server_button.isChecked()

    def show_server(self, address: str = "", password: str = "", note: str = "") -> None:
        """The server form, filled in (after a lock, say), with the data passphrase to type."""
        self.pages.setCurrentIndex(0)
        if address:
            self.server_address.setText(address)
        self.server_password.setText(password)
        self.server_button.setChecked(True)
        self._set_server_form(True)
        if note:
            self.show_message(note, calm=True)
        self.passphrase.setFocus()

    def _on_server_toggled(self, on: bool) -> None:
        self._set_server_form(on)
        self.message.hide()
        self.passphrase.clear()
        (self.server_address if on and not self.server_address.text() else
         self.passphrase if self.store.count() or on else self.choose_button).setFocus()

    def _set_server_form(self, on: bool) -> None:
        form = self.unlock_form
        form.setRowVisible(0, not on)
        form.setRowVisible(1, on)
        form.setRowVisible(2, on)
        self.pass_label.setText("&Data passphrase" if on else "&Passphrase")
        self.passphrase.setAccessibleName("The partnership's data passphrase" if on else "Passphrase")
        self.passphrase.setPlaceholderText("The partnership's data passphrase" if on else "The store's passphrase")
        self.server_button.setText("Use a &file instead" if on else "Connect to se&rver…")
        self.server_button.setAccessibleName("Use a file instead" if on else "Connect to server")
        self.unlock_button.setText("&Connect" if on else "&Unlock")
        self.unlock_heading.setText("Connect to a server" if on else
                                    "Unlock a store" if self.store.count() else "Open a store")
        if on:
            self.hint.hide()
            keys.primer.clear()
            self._set_footer(True)
        else:
            self.server_password.clear()
            self._on_store_changed()

    def _set_footer(self, server: bool) -> None:
        self.footer.setText(f"Pathways {__version__} · {SERVER_FOOTER if server else FILE_FOOTER}")

    # ---- pages and messages

    def show_unlock(self, note: str = "") -> None:
        self.pages.setCurrentIndex(0)
        self.server_button.setChecked(False)
        self.unlock_heading.setText("Unlock a store" if self.store.count() else "Open a store")
        if note:
            self.show_message(note, calm=True)
        else:
            self.message.hide()
        self.passphrase.clear()
        (self.passphrase if self.store.count() else self.choose_button).setFocus()

    def show_locked(self, path: Path, minutes: int | None) -> None:
        self.server_button.setChecked(False)
        self.set_store(path)
        self.unlock_heading.setText("Locked")
        why = f" after {plural(minutes, 'minute')} without activity" if minutes else ""
        self.show_message(f"Pathways locked{why}: the store is closed and its key dropped. Enter the passphrase "
                          "to carry on where you left off.", calm=True)
        self.passphrase.clear()
        self.passphrase.setFocus()

    def show_create(self) -> None:
        keys.primer.clear()
        self.pages.setCurrentIndex(1)
        self.create_message.hide()
        if not self.new_path.text():
            self.new_path.setText(str(paths.stores_dir() / "partnership.pathways"))
        self.new_pass.clear()
        self.repeat.clear()
        self.new_path.setFocus()

    def set_new_path(self, path: Path) -> None:
        self.new_path.setText(str(path))
        self.new_pass.setFocus()

    def show_message(self, text: str, *, calm: bool = True) -> None:
        self.message.setProperty("tone", "calm" if calm else "error")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.show()

    def unlock_failed(self, text: str) -> None:
        """A calm message; the passphrase field cleared and focused; nothing else changed."""
        self.set_busy(False)
        self.pages.setCurrentIndex(0)
        self.show_message(text, calm=True)
        self.passphrase.clear()
        self.passphrase.setFocus()

    def create_failed(self, text: str) -> None:
        self.set_busy(False)
        self.pages.setCurrentIndex(1)
        self.create_message.setText(text)
        self.create_message.show()
        self.new_pass.clear()
        self.repeat.clear()
        self.new_pass.setFocus()

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy.setVisible(busy)
        self.busy_text.setText(text)
        self.pages.setEnabled(not busy)

    # ---- actions

    def _on_unlock_clicked(self) -> None:
        if self.server_mode:
            self._on_connect_clicked()
            return
        path = self.selected_store()
        secret = self.passphrase.text()
        self.passphrase.clear()
        if path is None:
            self.show_message("Choose a store file first (Choose file…), or create a new store.")
            return
        if self._begin(secret, "Enter the store's passphrase.", f"Unlocking {path.name}…"):
            self.unlock_requested.emit(path, secret)

    def _on_connect_clicked(self) -> None:
        from desktop.store.server import connection_address, display_name  # server modules load only when used

        secret = self.passphrase.text()
        self.passphrase.clear()
        try:
            address = connection_address(self.server_address.text(), self.server_password.text())
        except StoreError as exc:
            self.show_message(str(exc))
            self.server_address.setFocus()
            return
        if self._begin(secret, "Enter the partnership's data passphrase.", f"Connecting to {display_name(address)}…"):
            self.connect_requested.emit(address, secret)

    def _begin(self, secret: str, missing: str, busy: str) -> bool:
        """Show the busy row and say yes if a passphrase was typed; otherwise ask for it (``missing``)."""
        if not secret:
            self.show_message(missing)
            self.passphrase.setFocus()
            return False
        self.message.hide()
        self.set_busy(True, busy)
        return True

    def _prime_key(self, text: str) -> None:
        """Derive the key for what is typed so far on a background thread, so Enter finds it ready (keys.py).
        Store.open takes the key; an unused one is forgotten on the next keystroke or on leaving for "new store"."""
        path = self.selected_store()
        if text and path is not None and not self.server_mode and path not in self.server_names:
            keys.primer.prime(path, text)

    def _on_new_pass_changed(self, text: str) -> None:
        if not text:
            self.meter.setValue(0)
            self.strength.setText("Strength: –")
            return
        result = assess(text)
        self.meter.setValue(result.score)
        colour = STRENGTH_COLOURS[result.score]
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        advice = f" — {result.message}" if result.problems else ""
        self.strength.setText(f"Strength: {result.label}{advice}")
        self.meter.setAccessibleDescription(self.strength.text())

    def _on_create_clicked(self) -> None:
        text_path = self.new_path.text().strip()
        secret, again = self.new_pass.text(), self.repeat.text()
        if not text_path:
            self.create_failed("Choose where to keep the new store.")
            self.new_path.setFocus()
            return
        path = Path(text_path).expanduser()
        if path.suffix == "":
            path = path.with_suffix(".pathways")
        if path.exists():
            self.create_failed(f"{path.name} already exists; choose a new file name.")
            self.new_path.setFocus()
            return
        strength = assess(secret)
        if not strength.acceptable:
            self.create_failed(f"That passphrase is too weak. {strength.message}")
            return
        if secret != again:
            self.create_failed("The two passphrases differ; type the same passphrase twice.")
            return
        self.new_pass.clear()
        self.repeat.clear()
        self.create_message.hide()
        self.set_busy(True, f"Creating {path.name}…")
        self.create_requested.emit(path, secret)
