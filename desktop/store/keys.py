"""A store's key, derived ahead of time while its passphrase is being typed.

The key costs 256,000 PBKDF2-HMAC-SHA512 iterations whoever derives it: that cost is what protects a stolen store
file, and nothing here lowers it. The desktop only starts paying it earlier. Each time the typing pauses, the key
for what has been typed so far is derived on a background thread, so that when Enter is pressed the key for the
passphrase is usually ready and unlocking starts straight at reading the store.

Only the newest request is kept. A key lives in this process's memory only, is handed over once (``take``) and is
then forgotten; leaving the unlock screen forgets everything (``clear``). The raw key opens the store exactly as the
passphrase does (``PRAGMA key = "x'…'"``), with the salt read from the file itself.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from functools import partial
from pathlib import Path

KDF_ITER = 256_000  # SQLCipher 4's default, which every Pathways store uses (see cipher.MIN_KDF_ITER)
KEY_BYTES = 32
SALT_BYTES = 16
TYPING_PAUSE = 0.12  # seconds without a keystroke before a key is derived


def read_salt(path: Path) -> bytes | None:
    """The store's key salt: SQLCipher keeps it in the file's first 16 bytes. None when there is no such file."""
    try:
        with path.open("rb") as fh:
            salt = fh.read(SALT_BYTES)
    except OSError:
        return None
    return salt if len(salt) == SALT_BYTES else None


def derive(passphrase: str, salt: bytes) -> bytes:
    """The key SQLCipher derives from ``passphrase`` for a store with this salt (the GIL is released meanwhile)."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITER, KEY_BYTES)


class KeyPrimer:
    """Derives keys on one background thread, newest request first; hands each over once."""

    def __init__(self) -> None:
        self._secret = os.urandom(32)  # fingerprints of requests, so nothing compares or keeps passphrases
        self._cond = threading.Condition()
        self._pending: tuple[bytes, str, bytes] | None = None  # fingerprint, passphrase, salt
        self._running: bytes | None = None
        self._done: tuple[bytes, bytes] | None = None  # fingerprint, key
        self._thread: threading.Thread | None = None

    def _fingerprint(self, path: Path, passphrase: str, salt: bytes) -> bytes:
        message = b"\0".join([os.fsencode(path.resolve()), salt, passphrase.encode("utf-8")])
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def prime(self, path: Path, passphrase: str) -> None:
        """Start deriving the key for ``passphrase`` on ``path`` (replacing any earlier request not yet started)."""
        salt = read_salt(path)
        if salt is None or not passphrase:
            return
        fp = self._fingerprint(path, passphrase, salt)
        with self._cond:
            if fp in (self._running, self._done[0] if self._done else None):
                return
            self._pending = (fp, passphrase, salt)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="pathways-key", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def take(self, path: Path, passphrase: str, timeout: float = 5.0) -> bytes | None:
        """The key for exactly this passphrase and file, if it was primed (waiting if it is being derived)."""
        salt = read_salt(path)
        if salt is None:
            return None
        fp = self._fingerprint(path, passphrase, salt)
        with self._cond:
            if self._pending is not None and self._pending[0] == fp:
                # Still queued behind an older request (typing faster than a derivation): the caller deriving it
                # now is sooner than waiting for both.
                self._pending = None
                return None
            self._cond.wait_for(lambda: self._running != fp, timeout=timeout)
            if self._done is not None and self._done[0] == fp:
                key = self._done[1]
                self._done = None
                return key
        return None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every request has been derived (what a pause before pressing Enter gives). True if idle."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and self._running is None, timeout=timeout)

    def clear(self) -> None:
        """Forget every request and key (a key being derived now is thrown away when it is ready)."""
        with self._cond:
            self._pending = None
            self._done = None
            self._running = None
            self._cond.notify_all()

    def _replaced(self, seen: tuple[bytes, str, bytes] | None) -> bool:
        return self._pending is not seen

    def _work(self) -> None:
        # The schema's newest revision is needed by every unlock; working it out now, while the passphrase is
        # typed, takes its one-off cost (importing alembic) out of the time after Enter.
        from desktop.store import schema

        schema.head_revision()
        while True:
            with self._cond:
                if not self._cond.wait_for(lambda: self._pending is not None, timeout=30.0):
                    self._thread = None
                    return
                # A short pause first: while someone types quickly, each keystroke replaces the request, and only
                # the passphrase they stop at is derived.
                while True:
                    seen = self._pending
                    self._cond.wait_for(partial(self._replaced, seen), timeout=TYPING_PAUSE)
                    if self._pending is seen or self._pending is None:
                        break
                if self._pending is None:
                    continue
                fp, passphrase, salt = self._pending
                self._pending = None
                self._running = fp
            key = derive(passphrase, salt)
            del passphrase
            with self._cond:
                if self._running == fp:
                    self._done = (fp, key)
                    self._running = None
                self._cond.notify_all()


primer = KeyPrimer()
