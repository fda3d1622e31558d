"""Opening and saving networks, the title's unsaved mark, recent files."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..document import Document, Loaded, load, load_draft, save
from ..document.building import place_unplaced
from ..errors import BpsimError
from ..paths import examples_dir, is_example
from ..session.workspace import Workspace

DEFAULT_EXAMPLE = "xor-2-2-1.bpsim.json"
MAX_RECENT = 8


def blank_document() -> Document:
    return Document(nodes=[], outputs=[], title="")


def save_folder() -> Path:
    """Where a network that has no folder of the user's is saved: Documents."""
    folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


class Files(QObject):
    """Opening and saving networks, whether there is work to save, and the
    recent files.  It holds the workspace open (``follow``); the window
    opens the workspaces it makes (``open_workspace``), parents its dialogs
    and shows what it says."""

    #: the file saved to, or the work to save, changed: the title shows it
    saved = Signal()
    #: the recent files changed
    recent_changed = Signal()

    def __init__(self, window: QWidget, settings: QSettings, undo, autosave,
                 open_workspace, say):
        super().__init__(window)
        self.window, self.settings, self.undo, self.autosave = window, settings, undo, autosave
        self._open_workspace, self._say = open_workspace, say
        self.workspace: Workspace | None = None
        self.last_error = ""
        self.error_box: QMessageBox | None = None
        self._saved_theta = None      # the weights as last saved or opened

    def follow(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.mark_saved()

    @property
    def path(self) -> Path | None:
        """The file the network was opened from or saved to."""
        return self.workspace.path if self.workspace is not None else None

    def open_path(self, path: str | Path, quiet: bool = False) -> bool:
        """Open a network file; on bad input, the one-line error in a dialog
        (``quiet``: only in ``last_error``) and the current network stays."""
        try:
            loaded = load(path)
        except BpsimError as exc:
            loaded = self._unfinished(path)
            if loaded is None:
                self.last_error = exc.one_line()
                if not quiet:
                    self.show_error(self.last_error)
                return False
        place_unplaced(loaded.document)      # before anything shows it: not an edit
        workspace = Workspace.from_loaded(loaded)
        workspace.path = Path(path)
        self._open_workspace(workspace)
        if self.workspace.problem:
            self._say(self.tr(
                "An unfinished network: {0}").format(self.workspace.problem), 10000)
        if not is_example(path):
            self._add_recent(str(Path(path).resolve()))
        return True

    def open_loaded(self, loaded, message: str = "") -> bool:
        """A network made in the window (an exercise), opened as new work
        with no file yet (False: the user kept the current network)."""
        if not self.maybe_save():
            return False
        place_unplaced(loaded.document)
        self._open_workspace(Workspace.from_loaded(loaded))
        if message:
            self._say(message, 10000)
        return True

    @staticmethod
    def _unfinished(path) -> "Loaded | None":
        """The network, if the window saved it unfinished (to go on drawing)."""
        try:
            return load_draft(path)
        except BpsimError:
            return None

    def show_error(self, text: str, title: str = "") -> None:
        """The error in the status bar and in a (non-blocking) dialog."""
        self.last_error = text
        self._say(text, 10000)
        box = QMessageBox(QMessageBox.Critical, title or self.tr("bpsim"), text,
                          QMessageBox.Ok, self.window)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.error_box = box

    def open_example(self, name: str = DEFAULT_EXAMPLE) -> bool:
        return self.open_path(examples_dir() / name)

    def new_network(self) -> bool:
        """An empty canvas (False: the user kept the current network)."""
        if not self.maybe_save():
            return False
        self._open_workspace(Workspace(blank_document()))
        self._say(self.tr(
            "A new network: add nodes from the toolbar or the right-click menu, "
            "or build a layered network (Edit ▸ Build layered network)."), 10000)
        return True

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(self.path.parent) if self.path else str(examples_dir())
        name, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open network"), start,
                                              self.tr("bpsim networks (*.bpsim.json *.json)"))
        if name:
            self.open_path(name)

    def save_to(self, path: str | Path) -> bool:
        """Save the network as it is now: its structure, the settings in force
        and the parameters at the current iteration."""
        ws = self.workspace
        doc = ws.saved_form()
        csv = ws.document.data.csv if ws.document.data is not None else None
        old_dir, new_dir = ws.base_dir, Path(path).resolve().parent
        try:
            if csv and old_dir is not None and old_dir.resolve() != new_dir and \
                    not (new_dir / csv).exists():
                # the file names its CSV relative to itself: take it along
                shutil.copyfile(old_dir / csv, new_dir / csv)
            save(doc, path)
        except BpsimError as exc:
            self.show_error(exc.with_file(str(path)).one_line(), self.tr("Not saved"))
            return False
        except OSError as exc:          # the CSV copied along
            self.show_error(BpsimError(f"cannot save: {exc.strerror or exc}",
                                       file=str(path)).one_line(), self.tr("Not saved"))
            return False
        except Exception as exc:        # never lost in a terminal: the work stays, unsaved
            self.show_error(BpsimError(f"cannot save: {type(exc).__name__}: {exc}",
                                       file=str(path)).one_line(), self.tr("Not saved"))
            return False
        ws.path = Path(path)                 # relative files (a CSV) are found beside it now
        if ws.session is not None:
            ws.session.path = ws.path
        self.undo.base_dir = ws.base_dir
        self.undo.stack.setClean()
        self.mark_saved()
        self.autosave.clear()
        self._add_recent(str(Path(path).resolve()))
        self.saved.emit()
        self._say(self.tr("Saved {0}").format(path), 5000)
        return True

    def save(self) -> bool:
        if self.path is None or is_example(self.path):
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        # an example is saved as the user's own copy, in the user's folder
        if self.path is None or is_example(self.path):
            folder = save_folder()
        else:
            folder = self.path.parent
        stem = self.path.name.removesuffix(".json").removesuffix(".bpsim") if self.path \
            else "network"
        start = str(folder / f"{stem}.bpsim.json")
        name, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save network"), start,
                                              self.tr("bpsim networks (*.bpsim.json)"))
        if not name:
            return False
        if not name.endswith(".json"):
            name += ".bpsim.json"
        return self.save_to(name)

    def mark_saved(self) -> None:
        """The parameters as saved (or opened): training changes them without
        an edit, and Save writes them, so they count as a change too."""
        session = self.workspace.session if self.workspace else None
        self._saved_theta = None if session is None else session.state.theta.copy()

    def is_modified(self) -> bool:
        if self.undo.document_changed():
            return True
        if self.path is not None and is_example(self.path):
            # a lesson stepped or trained is not work to save: only its edits
            # are (switching examples asked to save at every lesson)
            return False
        session = self.workspace.session if self.workspace else None
        saved = self._saved_theta
        if session is None or saved is None:
            return False
        return not np.array_equal(session.state.theta, saved)

    def maybe_save(self) -> bool:
        """Ask before discarding unsaved changes (edits, or training); False cancels."""
        if not self.is_modified():
            return True
        answer = self.ask_to_save()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def ask_to_save(self):
        """Save, Discard or Cancel, asked in a dialog."""
        return QMessageBox.question(
            self.window, self.tr("Unsaved changes"),
            self.tr("Save the changes to this network first?"),
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)

    def recent_files(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _add_recent(self, path: str) -> None:
        files = [path] + [f for f in self.recent_files() if f != path]
        self.settings.setValue("files/recent", files[:MAX_RECENT])
        self.recent_changed.emit()
