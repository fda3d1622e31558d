"""The one way edits reach the document: through the undo stack.

An :class:`EditCommand` wraps a Qt-free document edit; consecutive edits with
the same merge key (a slider dragged, a value retyped) become one undo step.
It also keeps what the edit replaced in the training (the workspace's
EditMemo), so that its undo gives back the trained values and the run, not
only the document as it was.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..document.edits import Edit, check_edit
from ..errors import BpsimError
from ..session.workspace import EditMemo

_MERGE_IDS: dict[str, int] = {}


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, len(_MERGE_IDS) + 1)


class EditCommand(QUndoCommand):
    def __init__(self, document, edit: Edit, workspace=None):
        super().__init__(edit.text)
        self.document = document
        self.edit = edit
        self.workspace = workspace
        self.memo = None        # what the edit replaced in the session (Workspace.restore)

    def _collecting(self, change, restoring=None):
        """Run ``change(document)``; what it replaced in the session, if any
        (``restoring``: an undo's memo, given back to the session as the
        edit ends)."""
        ws = self.workspace
        if ws is None:
            change(self.document)
            return None
        ws.begin_edit()
        try:
            change(self.document)
        finally:
            memo = ws.end_edit(restoring)
        return memo

    def redo(self):
        self.memo = self._collecting(self.edit.apply)

    def undo(self):
        # The document as it was is not the training as it was: the revert
        # recompiles or sets the document's values, then the session gets
        # back what the edit replaced (a trained weight, a run's history).
        self._collecting(self.edit.revert, self.memo or None)

    def id(self) -> int:
        return _merge_id(self.edit.merge_key)

    def mergeWith(self, other) -> bool:
        if other.id() != self.id() or self.id() < 0:
            return False
        # Apply the later value on top of the earlier command: undo then goes
        # back to what was there before the first one.
        return self.edit.merge(other.edit)


class ResetCommand(QUndoCommand):
    """Reset: the training as it was stays on the stack (an accidental
    Ctrl+R in a lecture cost the whole run).  The document is untouched, so
    it does not make the file unsaved (``changes_document``)."""
    changes_document = False

    def __init__(self, workspace):
        super().__init__(QCoreApplication.translate("undo", "Reset training"))
        self.workspace = workspace
        self.parts = None

    def redo(self):
        self.parts = self.workspace.reset_training()

    def undo(self):
        if self.parts is not None:
            self.workspace.restore(EditMemo(parts=self.parts))


class UndoAdapter:
    """Checks an edit, then pushes it; a refused edit returns its reason."""

    def __init__(self, document, base_dir=None, parent=None, workspace=None):
        self.stack = QUndoStack(parent)
        self.document = document
        self.base_dir = base_dir
        self.workspace = workspace
        self.last_memo = None       # what the last pushed edit replaced in the session

    def push(self, edit: Edit) -> str | None:
        try:
            check_edit(self.document, edit, self.base_dir)
        except BpsimError as exc:
            return exc.problem if not exc.path else f"{exc.path}: {exc.problem}"
        command = EditCommand(self.document, edit, self.workspace)
        self.stack.push(command)
        self.last_memo = command.memo
        return None

    def push_reset(self) -> None:
        self.stack.push(ResetCommand(self.workspace))
        self.last_memo = None

    def document_changed(self) -> bool:
        """Whether the commands between the saved state and now edit the document."""
        clean, now = self.stack.cleanIndex(), self.stack.index()
        if clean < 0:
            return True
        return any(getattr(self.stack.command(k), "changes_document", True)
                   for k in range(min(clean, now), max(clean, now)))

    def reset(self, document, base_dir=None, workspace=None) -> None:
        self.stack.clear()
        self.document = document
        self.base_dir = base_dir
        self.workspace = workspace
        self.last_memo = None
