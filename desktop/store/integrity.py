"""The whole-file integrity check of an unlocked store, run after the first reads instead of before them.

Every page SQLCipher reads is checked against its HMAC as it is decrypted, so what the user is shown is never
silently damaged. The full check (every page's HMAC, then SQLite's own structure check) covers the pages not read
yet; it costs about as much as reading the plan, so the desktop starts it, on its own connection and thread, once
the table is filled. Until it has passed, nothing may be written: :class:`desktop.store.Store` waits for it (starting
it if need be) before any commit that changed something, and refuses every write, saying why, once it has failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from desktop.store import cipher

PENDING, INTACT, DAMAGED, STOPPED = "pending", "intact", "damaged", "stopped"


class BackgroundCheck:
    """``cipher.integrity_problems`` of the store at ``path`` on a read-only connection of its own, on a thread
    started by :meth:`start`."""

    def __init__(self, path: Path, passphrase: str, key: bytes | None = None) -> None:
        self.path = path
        self._secret: tuple[str, bytes | None] | None = (passphrase, key)
        self.state = PENDING
        self.problems: list[str] = []
        self._done = threading.Event()
        self._conn: cipher.Connection | None = None
        self._lock = threading.Lock()
        self._stopping = False
        self._listeners: list[Callable[[BackgroundCheck], None]] = []
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start checking (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None or self._secret is None:
                return
            passphrase, key = self._secret
            self._secret = None
            self._thread = threading.Thread(target=self._run, args=(passphrase, key), name="pathways-integrity",
                                            daemon=True)
            self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Start the check if it has not been, and wait for it. True when it has finished (in whatever state)."""
        self.start()
        return self._done.wait(timeout)

    def when_done(self, listener: Callable[[BackgroundCheck], None]) -> None:
        """Call ``listener(check)`` once it has finished: now if it has, else on the checking thread."""
        with self._lock:
            if not self._done.is_set():
                self._listeners.append(listener)
                return
        listener(self)

    def stop(self) -> None:
        """Interrupt the check (the store is being closed) and wait for its thread."""
        with self._lock:
            self._stopping = True
            self._secret = None
            if self._conn is not None:
                self._conn.interrupt()
            thread = self._thread
        if thread is not None:
            thread.join()
        elif not self._done.is_set():
            with self._lock:
                self.state = STOPPED
                self._done.set()
                listeners, self._listeners = self._listeners, []
            for listener in listeners:
                listener(self)

    def _run(self, passphrase: str, key: bytes | None) -> None:
        state, problems = STOPPED, []
        try:
            conn = sqlcipher.connect(str(self.path), check_same_thread=False, isolation_level=None)
            with self._lock:
                self._conn = conn
                stopping = self._stopping
            try:
                if not stopping:
                    conn.execute("PRAGMA cipher_log_level = NONE")
                    conn.execute(f"PRAGMA key = {cipher.key_literal(passphrase, key)}")
                    del passphrase
                    conn.execute("PRAGMA cipher_memory_security = ON")
                    conn.execute("PRAGMA query_only = ON")
                    problems = cipher.integrity_problems(conn, full=False)
                    state = DAMAGED if problems else INTACT
            finally:
                with self._lock:
                    self._conn = None
                conn.close()
        except sqlcipher.Error as exc:
            problems = [f"the check could not read the file ({type(exc).__name__})"]
            state = DAMAGED
        with self._lock:
            if self._stopping and state != INTACT:
                state, problems = STOPPED, []  # interrupted on close: nothing was learnt
            self.state, self.problems = state, problems
            self._done.set()
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener(self)
