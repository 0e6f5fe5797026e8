"""Errors a user can act on. Each message is one sentence, safe to show, and carries no personal data."""

from __future__ import annotations

from desktop.errors import ConcurrentChange, PathwaysError

__all__ = ["ConcurrentChange", "DisclosureBlocked", "NotFound", "PathwaysError", "PeriodClosed", "ValidationError"]


class ValidationError(PathwaysError):
    """Input breaks a rule of the plan (e.g. a Red status without a remedial action)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(PathwaysError):
    """A plan, period, action or meeting named by the user does not exist (or is ambiguous)."""


class PeriodClosed(PathwaysError):
    """A closed quarter is frozen and cannot be edited."""


class DisclosureBlocked(PathwaysError):
    """An export failed the disclosure check; nothing was written."""


class ActionChangedElsewhere(ConcurrentChange):
    """Someone recorded an update for the same action while this one was being written; ``latest`` is theirs."""

    def __init__(self, message: str, latest: object | None = None) -> None:
        super().__init__(message)
        self.latest = latest
