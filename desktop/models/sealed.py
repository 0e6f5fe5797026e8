"""Column types for direct identifiers that are sealed (encrypted) by the client before they reach a server.

On the encrypted SQLite store the whole file is encrypted, so these behave exactly like the plain types they wrap.
On PostgreSQL the value is sealed with the partnership's data key (AES-256-GCM, the column name as associated data)
and stored as text: the server, its backups and its administrators only ever see ciphertext. The key is attached to
the engine's dialect by the server store (desktop.store.server); without it nothing is written or read.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import Date, Dialect, LargeBinary, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

SEALER_ATTRIBUTE = "pathways_sealer"
CLEAR_DIALECTS = frozenset({"sqlite"})
_T = TypeVar("_T")


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


class _Sealed(TypeDecorator[_T]):
    """What every sealed type shares: its plain type in the encrypted file, sealed text on a server. Subclasses say
    what the plain type is and how a value becomes text and back."""

    cache_ok = True
    purpose: str

    def _clear_type(self) -> TypeEngine[Any]:
        raise NotImplementedError

    def _to_text(self, value: _T) -> str:
        raise NotImplementedError

    def _from_text(self, text: str) -> _T:
        raise NotImplementedError

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(self._clear_type() if dialect.name in CLEAR_DIALECTS else Text())

    def process_bind_param(self, value: _T | None, dialect: Dialect) -> Any:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return value
        return _sealer(dialect).seal(self._to_text(value), self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> _T | None:
        if value is None or dialect.name in CLEAR_DIALECTS:
            return cast("_T | None", value)
        return self._from_text(_sealer(dialect).unseal(value, self.purpose))


class SealedText(_Sealed[str]):
    impl = String
    cache_ok = True

    def __init__(self, length: int | None, purpose: str) -> None:
        super().__init__(length)
        self.length = length
        self.purpose = purpose

    def _clear_type(self) -> TypeEngine[Any]:
        return String(self.length) if self.length is not None else Text()

    def _to_text(self, value: str) -> str:
        return value

    def _from_text(self, text: str) -> str:
        return text


class SealedDate(_Sealed[dt.date]):
    impl = Date
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def _clear_type(self) -> TypeEngine[Any]:
        return Date()

    def _to_text(self, value: dt.date) -> str:
        return value.isoformat()

    def _from_text(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)


class SealedBytes(_Sealed[bytes]):
    """Binary secrets (signing keys): sealed as base64 text on a server, plain bytes in the encrypted file."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def _clear_type(self) -> TypeEngine[Any]:
        return LargeBinary()

    def _to_text(self, value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")

    def _from_text(self, text: str) -> bytes:
        return base64.b64decode(text)
