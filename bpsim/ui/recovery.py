"""Nothing lost: unsaved work autosaved, offered back after a crash, and
unexpected errors reported in the window while the app goes on."""
from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from ..errors import BpsimError
from ..session.autosave import Autosaved, AutosaveSlot, left_behind
from ..session.workspace import Workspace

AUTOSAVE_DELAY_MS = 5000        # a change is written aside within this (the promise is 10 s)
LOG_NAME = "errors.log"
LOG_LIMIT = 1_000_000           # bytes; past it the log starts anew beside its old copy


def data_folder() -> Path:
    """The user's data folder for bpsim (AppDataLocation)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
    return Path(folder) if folder else Path.home() / ".bpsim"


def autosave_folder() -> Path:
    return data_folder() / "autosave"


class Autosaver(QObject):
    """Writes the window's unsaved work aside, within AUTOSAVE_DELAY_MS of a
    change and only when something changed since the last write; a saved
    or discarded network leaves nothing there."""

    def __init__(self, window, folder: Path | None = None):
        super().__init__(window)
        self.window = window
        self.slot = AutosaveSlot(folder or autosave_folder())
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self.write_now)
        self._written: tuple | None = None
        self._failure_said = False

    def changed(self) -> None:
        """Something may have changed: write within the delay (cheap to call
        every frame)."""
        if not self.timer.isActive():
            self.timer.start()

    def _state(self) -> tuple:
        """What the written file depends on: the document's edits and the
        parameters now."""
        win = self.window
        session = win.workspace.session if win.workspace else None
        theta = session.state.theta.tobytes() if session is not None else b""
        return win.undo.stack.index(), win.document_changes, theta

    def write_now(self) -> bool:
        """Write the work aside if it is unsaved and changed; True if written."""
        win = self.window
        ws = win.workspace
        if ws is None:
            return False
        with ws.lock:
            if not win.files.is_modified():
                self.clear()
                return False
            state = self._state()
            if state == self._written and self.slot.exists:
                return False
        doc = ws.saved_form()
        try:
            self.slot.write(doc, win.files.path)
        except (BpsimError, OSError) as exc:
            if not self._failure_said:      # said once, not every few seconds
                self._failure_said = True
                win.statusBar().showMessage(win.tr("Autosave failed: {0}").format(
                    exc.one_line() if isinstance(exc, BpsimError) else exc), 10000)
            return False
        self._written = state
        self._failure_said = False
        return True

    def clear(self) -> None:
        """The work is saved or given up: nothing of it stays aside."""
        self.timer.stop()
        self.slot.clear()
        self._written = None


# --- recovery --------------------------------------------------------------------

RECOVER, DISCARD, LATER = "recover", "discard", "later"


def ask_about(window, found: Autosaved, others: int) -> str:
    """Recover, discard, or decide later, asked in a dialog."""
    name = found.original.name if found.original else window.tr("an untitled network")
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(found.saved_at))
    title = f"“{found.title}”" if found.title else window.tr("(no title)")
    box = QMessageBox(QMessageBox.Question, window.tr("Recover unsaved work"),
                      window.tr("bpsim ended without saving this network:"), parent=window)
    box.setInformativeText(
        window.tr("{0} — {1}, autosaved {2}.").format(title, name, when)
        + ("\n\n" + window.tr("{0} more autosaved network(s) wait after this one.")
           .format(others) if others else ""))
    recover = box.addButton(window.tr("Recover"), QMessageBox.AcceptRole)
    discard = box.addButton(window.tr("Discard"), QMessageBox.DestructiveRole)
    box.addButton(window.tr("Decide later"), QMessageBox.RejectRole)
    box.setDefaultButton(recover)
    box.exec()
    clicked = box.clickedButton()
    return RECOVER if clicked is recover else DISCARD if clicked is discard else LATER


def offer_recovery(window, folder: Path | None = None, ask=ask_about) -> bool:
    """Offer each autosave a crash left, newest first; True once one is recovered."""
    found = left_behind(folder or autosave_folder())
    for k, autosaved in enumerate(found):
        answer = ask(window, autosaved, len(found) - k - 1)
        if answer == LATER:
            return False
        if answer == DISCARD:
            autosaved.discard()
            continue
        return recover(window, autosaved)
    return False


def recover(window, autosaved: Autosaved) -> bool:
    """Open the autosave as unsaved work under its original file name; it is
    then this window's to autosave, and the crash's copy goes."""
    try:
        loaded = autosaved.load()
    except BpsimError as exc:
        window.files.show_error(exc.one_line(), window.tr("Cannot recover"))
        return False
    workspace = Workspace.from_loaded(loaded)
    # saved, if at all, to the original (a CSV is found beside it), never to the autosave
    workspace.path = autosaved.original
    window.set_workspace(workspace)
    window.undo.stack.resetClean()                      # unsaved until saved
    window.refresh()
    window.autosave.write_now()
    autosaved.discard()
    window.statusBar().showMessage(window.tr(
        "Recovered the unsaved network; save it to keep it."), 10000)
    return True


# --- unexpected errors -----------------------------------------------------------

class ErrorReporter(QObject):
    """The global hook for errors nothing caught (``sys.excepthook``, which
    PySide calls for an error in a slot or an event handler, and
    ``threading.excepthook``): the work is autosaved first, the details are
    logged, a dialog says what happened, and the app goes on.  A Run is
    paused; an error that repeats is reported once."""

    reported = Signal(str, str)        # from any thread to the window's

    def __init__(self, window, log_folder: Path | None = None):
        super().__init__(window)
        self.window = window
        self.log_path = (log_folder or data_folder()) / LOG_NAME
        self.seen: Counter = Counter()
        self.box: QMessageBox | None = None
        self._previous = None
        self._previous_threading = None
        self.reported.connect(self._show, Qt.QueuedConnection)

    def install(self) -> None:
        self._previous, sys.excepthook = sys.excepthook, self.handle
        self._previous_threading = threading.excepthook
        threading.excepthook = lambda args: self.handle(args.exc_type, args.exc_value,
                                                        args.exc_traceback)

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
            threading.excepthook = self._previous_threading

    def handle(self, kind, value, tb) -> None:
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            (self._previous or sys.__excepthook__)(kind, value, tb)
            return
        try:
            details = "".join(traceback.format_exception(kind, value, tb))
            frames = traceback.extract_tb(tb)
            where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
            signature = f"{kind.__name__} at {where}"
            self.seen[signature] += 1
            self._log(details, self.seen[signature])
            if threading.current_thread() is threading.main_thread():
                self._show(signature, details)
            else:
                self.reported.emit(signature, details)
        except Exception:       # the hook itself must never be what breaks
            (self._previous or sys.__excepthook__)(kind, value, tb)

    def _log(self, details: str, count: int) -> None:
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            if self.log_path.exists() and self.log_path.stat().st_size > LOG_LIMIT:
                self.log_path.replace(self.log_path.with_suffix(".old.log"))
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} (seen {count}×)\n{details}\n")
        except OSError:
            pass

    def _show(self, signature: str, details: str) -> None:
        win = self.window
        # Pause a Run (an error in a frame comes again every frame), then
        # autosave; either may meet the same error again, which is this one.
        first = [win.runner.stop] if getattr(win, "running", False) else []
        for action in first + [win.autosave.write_now]:
            try:
                action()
            except Exception:
                pass
        if self.seen[signature] > 1:
            win.statusBar().showMessage(win.tr(
                "The same unexpected error again ({0}×); details in {1}").format(
                    self.seen[signature], self.log_path), 8000)
            return
        first_line = details.strip().splitlines()[-1] if details.strip() else signature
        box = QMessageBox(QMessageBox.Warning, win.tr("bpsim: unexpected error"),
                          win.tr("Something went wrong inside bpsim: {0}").format(first_line),
                          QMessageBox.Ok, win)
        box.setInformativeText(win.tr(
            "Your work is autosaved and bpsim goes on. If this repeats, save your network "
            "under a new name. The details are logged in {0}.").format(self.log_path))
        box.setDetailedText(details)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.box = box
