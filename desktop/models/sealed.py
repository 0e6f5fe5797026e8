"""Column types for direct identifiers that are sealed (encrypted) by the client before they reach a server.

On the encrypted SQLite store the whole file is encrypted, so these behave exactly like the plain types they wrap.
On PostgreSQL the value is sealed with the partnership's data key (AES-256-GCM, the column name as associated data)
and stored as text: the server, its backups and its administrators only ever see ciphertext. The key is attached to
the engine's dialect by the server store (desktop.store.server); without it nothing is written or read.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Protocol

from sqlalchemy import Date, Dialect, LargeBinary, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

SEALER_ATTRIBUTE = "pathways_sealer"
CLEAR_DIALECTS = frozenset({"sqlite"})


class Sealer(Protocol):
    def seal(self, plaintext: str, purpose: str) -> str: ...

    def unseal(self, token: str, purpose: str) -> str: ...


class SealingUnavailable(RuntimeError):
    """A sealed column was used on a server connection that holds no data key."""


def _sealer(dialect: Dialect) -> Sealer:
    sealer: Sealer | None = getattr(dialect, SEALER_ATTRIBUTE, None)
    if sealer is None:
        raise SealingUnavailable("This connection has no data key, so identifiers cannot be read or written.")
    return sealer


class SealedText(TypeDecorator[str]):
    impl = String
    cache_ok = True

    def __init__(self, length: int | None, purpose: str) -> None:
        super().__init__(length)
        self.length = length
        self.purpose = purpose

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in CLEAR_DIALECTS and self.length is not None:
            return dialect.type_descriptor(String(self.length))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return value
        return _sealer(dialect).seal(value, self.purpose)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return value
        return _sealer(dialect).unseal(value, self.purpose)


class SealedDate(TypeDecorator[dt.date]):
    impl = Date
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in CLEAR_DIALECTS:
            return dialect.type_descriptor(Date())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: dt.date | None, dialect: Dialect) -> Any:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return value
        return _sealer(dialect).seal(value.isoformat(), self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.date | None:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return value
        return dt.date.fromisoformat(_sealer(dialect).unseal(value, self.purpose))


class SealedBytes(TypeDecorator[bytes]):
    """Binary secrets (signing keys): sealed as base64 text on a server, plain bytes in the encrypted file."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in CLEAR_DIALECTS:
            return dialect.type_descriptor(LargeBinary())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> Any:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return value
        return _sealer(dialect).seal(base64.b64encode(value).decode("ascii"), self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return value
        return base64.b64decode(_sealer(dialect).unseal(value, self.purpose))
