"""The partnership's data key for a server store: sealing direct identifiers before they leave the client.

The key is derived (scrypt) from the partnership's data passphrase and a random salt kept on the server; a sealed
check value beside it tells a wrong passphrase from a right one. The server never sees the passphrase or the key.
Tokens are ``v1.`` + base64url(nonce ‖ AES-256-GCM ciphertext ‖ tag), the column name bound in as associated data
so a value cannot be moved to another column unnoticed.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from desktop.store.errors import StoreDamaged, WrongPassphrase

PREFIX = "v1."
CHECK_PLAINTEXT = "pathways data key check"
CHECK_PURPOSE = "key-check"
SALT_BYTES = 16
# scrypt cost: ~0.1 s and 32 MiB once per unlock, like the SQLCipher KDF on the desktop store.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


class DataKey:
    """Seals and unseals text with one AES-256-GCM key. Holds no passphrase."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a data key is 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def derive(cls, passphrase: str, salt: bytes) -> DataKey:
        if not passphrase:
            raise WrongPassphrase("An empty passphrase is not allowed.")
        kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
        return cls(kdf.derive(passphrase.encode("utf-8")))

    def seal(self, plaintext: str, purpose: str) -> str:
        nonce = os.urandom(12)
        body = self._aead.encrypt(nonce, plaintext.encode("utf-8"), purpose.encode("ascii"))
        return PREFIX + base64.urlsafe_b64encode(nonce + body).decode("ascii")

    def unseal(self, token: str, purpose: str) -> str:
        if not token.startswith(PREFIX):
            raise StoreDamaged("A sealed identifier on the server is not in the expected form; it was not read.")
        try:
            raw = base64.urlsafe_b64decode(token[len(PREFIX):].encode("ascii"))
            return self._aead.decrypt(raw[:12], raw[12:], purpose.encode("ascii")).decode("utf-8")
        except (InvalidTag, ValueError):
            raise StoreDamaged("A sealed identifier on the server failed its integrity check; it was not read.") \
                from None

    def check_value(self) -> str:
        return self.seal(CHECK_PLAINTEXT, CHECK_PURPOSE)

    def matches(self, check_value: str) -> bool:
        try:
            return self.unseal(check_value, CHECK_PURPOSE) == CHECK_PLAINTEXT
        except StoreDamaged:
            return False
