"""The open network: its document and file, the session built from it and
the stepper walking the current iteration.

The workspace listens to the document's announcements and keeps the session
in step: a structural change recompiles (values carried over by name), a
value set by hand becomes part of the history at the current iteration, a
settings change applies from the next iteration.  A network still being
drawn may be incomplete; then ``problem`` says why it cannot run yet.
"""
from __future__ import annotations

import copy
import re
import threading
import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from ..document import INCOMPLETE, Document, Loaded
from ..document.dataset import build_dataset
from ..document.model import Change, ChangeKind
from ..document.reader import check_document
from ..engine.names import EdgeKey, ParamName
from ..engine.losses import LOSSES
from ..errors import BpsimError
from .events import Events
from .session import Session, SessionParts
from .stepper import Stepper

# A node's field that holds a parameter, and that parameter's name.
VALUE_FIELDS = {"bias": ParamName.bias, "value": ParamName.param}
SETTINGS_SECTIONS = ("loss", "regularization", "training")
KEEP_WHOLE = 2        # histories held by undo steps kept whole, the newest
THIN_EVERY = 500      # the older ones keep a state every this many iterations


@dataclass
class EditMemo:
    """What an edit replaced in the session, for its undo: the training as it
    was before a structural change (which starts the history again), and the
    values parameters had before they were set by hand."""
    parts: SessionParts | None = None
    values: dict[str, float] = field(default_factory=dict)

    @property
    def dropped_iterations(self) -> int:
        """The iterations of training a structural change started again from."""
        return self.parts.iteration if self.parts is not None else 0

    def __bool__(self) -> bool:
        return self.parts is not None or bool(self.values)


class Workspace:
    def __init__(self, document: Document, path: Path | None = None, dataset=None):
        """``dataset``: the data of a document just loaded (and so checked):
        it is neither checked nor read again."""
        self.document = document
        self.path = path
        self.session: Session | None = None
        self.stepper: Stepper | None = None
        self.problem: str | None = None
        # Held by whoever reads or changes the session while a background
        # run trains it (re-entrant: a change may call back into a reader).
        self.lock = threading.RLock()
        # Called, under the lock, before a change reaches the session: a run
        # training elsewhere (another process) records its steps and stops.
        self.before_session_change: list[Callable[[], None]] = []
        self.events = Events()       # what views subscribe to (see session/events.py)
        self._memo: EditMemo | None = None      # collected while an edit applies
        self._editing = False                    # an edit applies: rebuild at its end
        self._stale = False                      # a rebuild waits for the edit's end
        self._pending: list[Change] = []         # changes to apply after that rebuild
        self._renamed: dict[str, str] = {}        # node ids the next rebuild renames
        self._held: list[weakref.ref] = []       # the histories undo steps hold, oldest first
        document.subscribe(self._on_change)
        self._build(fresh=True, loaded=dataset)

    @classmethod
    def from_loaded(cls, loaded: Loaded) -> "Workspace":
        return cls(loaded.document, loaded.path, loaded.dataset)

    @property
    def base_dir(self) -> Path | None:
        return self.path.parent if self.path else None

    def saved_form(self) -> Document:
        """The document as Save writes it: the structure, the settings in
        force and the parameters now.  An unfinished network says why in its
        ``view``, so the window opens it again to go on drawing."""
        with self.lock:
            doc = self.session.trained_document() if self.session else \
                copy.deepcopy(self.document)
        doc.view = {k: v for k, v in doc.view.items() if k != INCOMPLETE}
        if self.problem:
            doc.view[INCOMPLETE] = self.problem
        return doc

    def close(self) -> None:
        self.document.unsubscribe(self._on_change)
        self._set_stepper(None)

    def _set_stepper(self, stepper: Stepper | None) -> None:
        if self.stepper is not None:
            self.stepper.close()
        self.stepper = stepper

    # --- keeping the session in step --------------------------------------------

    def _build(self, fresh: bool, loaded=None, stepper: bool = True) -> None:
        """A session for the document as it is now, or the problem that stops
        it (``loaded``: the dataset of a document the reader has checked;
        without ``stepper``, restore() makes the session's stepper)."""
        try:
            if loaded is None:
                check_document(self.document)
                dataset = build_dataset(self.document, self.base_dir)
            else:
                dataset = loaded
            if fresh or self.session is None:
                self.session = Session(self.document, dataset, self.path, events=self.events)
            else:
                self._remember(self.session.detach())
                self.session.dataset = dataset
                self.session.restructure(self._renamed)
            self._set_stepper(Stepper(self.session) if stepper else None)
            self.problem = None
        except BpsimError as exc:
            if self.session is not None and not fresh:
                self._remember(self.session.detach())
            self.session = None
            self._set_stepper(None)
            self.problem = self._named(exc)
        self._renamed = {}
        self.events.rebuilt.emit()

    def value_of(self, name: str, default: float | None = None) -> float | None:
        """A parameter's value now ("w:x1->h1", "b:h1", "p:w"): once trained,
        not the starting value the document holds."""
        with self.lock:
            if self.session is None or name not in self.session.param_names:
                return default
            return self.session.parameters()[name]

    # --- undo ------------------------------------------------------------------

    def begin_edit(self) -> None:
        """An edit is about to apply: collect what it replaces in the
        session, and rebuild the session once, when it ends, however many
        changes it announces (deleting a neuron with 18 edges rebuilt 19
        times)."""
        self._memo = EditMemo()
        self._editing = True

    def end_edit(self, restoring: EditMemo | None = None) -> EditMemo | None:
        """The edit has applied: rebuild the session if it changed the
        network.  ``restoring``: an undo's memo, restored here (restore()),
        so that the session rebuilt gets one stepper, not one for the
        rebuild and another for the training restored."""
        with self.lock:
            self._editing = False
            if self._stale:
                self._stale = False
                pending, self._pending = self._pending, []
                # the changes still to apply refresh the stepper: made now
                self._build(fresh=False, stepper=restoring is None or bool(pending))
                if self.session is not None:
                    # values and settings the edit changed after the change
                    # that needed the rebuild, on the session rebuilt
                    for change in pending:
                        self._apply(change)
            memo, self._memo = self._memo, None
            if restoring is not None:
                self.restore(restoring)
        return memo or None

    def _remember(self, parts: SessionParts) -> None:
        # the first of an edit's structural changes replaced the training as it was
        if self._memo is not None and self._memo.parts is None:
            self._memo.parts = parts
            self._held_by_undo(parts)

    def _held_by_undo(self, parts: SessionParts) -> None:
        """An undo step now holds ``parts``' history.  Beyond the newest
        KEEP_WHOLE of those, a history is thinned to a state every
        THIN_EVERY iterations: each reset of a long run of a big network
        held on to a hundred MB of states."""
        held = [ref for ref in self._held if ref() is not None]
        held.append(weakref.ref(parts.history))
        live = self.session.history if self.session is not None else None
        for ref in held[:-KEEP_WHOLE]:
            history = ref()
            if history is not None and history is not live:
                history.thin(THIN_EVERY)
        self._held = held

    def reset_training(self) -> SessionParts | None:
        """Back to the network's own values with a fresh history; what the
        training was, for its undo (``restore(EditMemo(parts))``)."""
        with self.lock:
            if self.session is None:
                return None
            for hook in list(self.before_session_change):
                hook()
            parts = self.session.detach()
            self.session.rebuild()
            self._set_stepper(Stepper(self.session))
            self._held_by_undo(parts)
        self.events.rebuilt.emit()
        return parts

    def restore(self, memo: EditMemo) -> None:
        """After an edit's undo put the document back: the session too.  A
        value set by hand returns to the one it replaced (at the current
        iteration); a structural change returns to the training it started
        again from: its history, iteration and state."""
        with self.lock:
            for hook in list(self.before_session_change):
                hook()
            session = self.session
            if session is None:
                return
            if memo.parts is not None and memo.parts.param_names == session.param_names:
                session.attach(memo.parts)
                self._set_stepper(Stepper(session))
            elif self.stepper is None:          # end_edit left it to be made here
                self._set_stepper(Stepper(session))
            for name, value in memo.values.items():
                if name in session.param_names:
                    session.set_value(name, value)
            self.stepper.refresh()
        self.events.rebuilt.emit()

    def _named(self, exc: BpsimError) -> str:
        """The problem as a canvas user reads it: the node or edge by its
        name, not only its place in the file ("nodes[5]")."""
        match = re.match(r"(nodes|edges)\[(\d+)\]", exc.path)
        if match:
            k = int(match.group(2))
            items = self.document.nodes if match.group(1) == "nodes" else self.document.edges
            if k < len(items):
                item = items[k]
                what = f"node {item.id}" if match.group(1) == "nodes" else \
                    f"edge {item.src} → {item.dst}"
                return f"{what}: {exc.problem} ({exc.path})"
        return str(exc)

    def _on_change(self, change: Change) -> None:
        with self.lock:
            if change.what == ChangeKind.NODE_RENAMED:
                # the rebuild this asks for keeps the renamed parameters' values
                self._renamed[change.field] = change.id
            if self._touches_session(change):
                for hook in list(self.before_session_change):
                    hook()
            if self._editing and self._stale:
                if not change.structural:      # the rebuild takes the structure in
                    self._pending.append(change)
                return
            self._apply(change)

    def _rebuild(self) -> None:
        """Rebuild the session now, or once the edit under way ends."""
        if self._editing:
            self._stale = True
        else:
            self._build(fresh=False)

    def _touches_session(self, change: Change) -> bool:
        """Whether applying ``change`` changes what the session computes
        (the cases ``_apply`` acts on; a moved node or a new title do not)."""
        if change.structural:
            return True
        if change.what == ChangeKind.NODE_CHANGED:
            return change.field in VALUE_FIELDS
        if change.what == ChangeKind.EDGE_CHANGED:
            return change.field == "weight"
        if change.what == ChangeKind.SECTION_CHANGED:
            return change.field in SETTINGS_SECTIONS or self.session is None or \
                change.field in ("data", "outputs")
        return False

    def _apply(self, change: Change) -> None:
        if change.structural or self.session is None:
            if change.structural or change.what == ChangeKind.SECTION_CHANGED:
                self._rebuild()
            return
        if change.what == ChangeKind.NODE_CHANGED and change.field in VALUE_FIELDS:
            node = self.document.node(change.id)
            name = VALUE_FIELDS[change.field](node.id)
            if node.kind != "neuron" and node.kind != "param":
                self._rebuild()     # an input's value or a gate's constant
                return
            self._set_value(name, getattr(node, change.field))
        elif change.what == ChangeKind.EDGE_CHANGED and change.field == "weight":
            edge = self.document.edge(*EdgeKey(change.id).ends)
            self._set_value(edge.name, edge.weight)
        elif change.what == ChangeKind.SECTION_CHANGED and change.field in SETTINGS_SECTIONS:
            if change.field == "loss" and LOSSES[self.document.loss.kind].needs_targets != \
                    LOSSES[self.session.settings.loss].needs_targets:
                # targets read, or no longer: the data the session holds has
                # them or not, and only a rebuild checks them (a loss change
                # bringing its targets along changes the data in the same edit)
                self._rebuild()
                return
            self.session.change_settings(**asdict(self.document.settings()))
            self.stepper.retrace()

    def _set_value(self, name: str, value: float | None) -> None:
        if value is None or name not in self.session.param_names:
            self._rebuild()
            return
        memo = self._memo
        if memo is not None and memo.parts is None and name not in memo.values:
            memo.values[name] = self.session.parameters()[name]
        self.session.set_value(name, value)
        self.stepper.refresh()
