"""What the import wizard asks of the store (through ``desktop.services.importing``): the preview of a file with
the user's choices (nothing written), and the import itself in one unit of work. The wizard holds no sessions.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from desktop.models import Plan
from desktop.services.actor import Actor
from desktop.services.importing import ImportOptions, ImportPlan, ImportResult, apply_import, preview_import
from desktop.services.importing.reading import Source, read_source
from desktop.ui.context import SessionSource
from desktop.ui.tasks import TaskState


def preview(store: SessionSource, path: Path, source: Source | None, options: ImportOptions,
            plan_id: int | None) -> tuple[Source, ImportPlan]:
    """The file (read once, then reused) and what importing it with ``options`` would do, into the plan
    ``plan_id`` (None: a new plan). Runs on the worker."""
    src = source or read_source(path)
    with store.session() as session:
        plan = session.get(Plan, plan_id) if plan_id is not None else None
        return src, preview_import(session, src, plan=plan, options=options)


def apply(previewed: ImportPlan, session: Session, actor: Actor, _: TaskState) -> ImportResult:
    """Import what was previewed (``Workspace.run_change``'s unit of work, audited under ``actor``)."""
    return apply_import(session, actor, previewed)
