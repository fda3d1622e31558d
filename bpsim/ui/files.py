"""Opening and saving networks, the title's unsaved mark, recent files."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..document import Document, load, save
from ..document.building import place_unplaced
from ..errors import BpsimError
from ..paths import examples_dir
from ..session.workspace import Workspace
from . import editing

DEFAULT_EXAMPLE = "xor-2-2-1.bpsim.json"
MAX_RECENT = 8


def blank_document() -> Document:
    return Document(nodes=[], outputs=[], title="")


class FilesMixin:
    """The main window's file handling (it owns ``workspace``, ``path``,
    ``undo`` and ``settings``)."""

    def open_path(self, path: str | Path, quiet: bool = False) -> bool:
        """Open a network file; on bad input, the one-line error in a dialog
        (``quiet``: only in ``last_error``) and the current network stays."""
        try:
            loaded = load(path)
        except BpsimError as exc:
            self.last_error = exc.one_line()
            if not quiet:
                self.show_error(self.last_error)
            return False
        place_unplaced(loaded.document)      # before anything shows it: not an edit
        self.set_workspace(Workspace.from_loaded(loaded), Path(path))
        if Path(path).resolve().parent != examples_dir().resolve():
            self._add_recent(str(Path(path).resolve()))
        return True

    def show_error(self, text: str) -> None:
        """The error in the status bar and in a (non-blocking) dialog."""
        self.last_error = text
        self.statusBar().showMessage(text, 10000)
        box = QMessageBox(QMessageBox.Critical, self.tr("bpsim"), text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.error_box = box

    def open_example(self, name: str = DEFAULT_EXAMPLE) -> bool:
        return self.open_path(examples_dir() / name)

    def new_network(self) -> None:
        if not self.maybe_save():
            return
        self.set_workspace(Workspace(blank_document()), None)
        self.statusBar().showMessage(self.tr(
            "A new network: add nodes from the toolbar or the right-click menu, "
            "or build a layered network (Edit ▸ Build layered network)."), 10000)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(self.path.parent) if self.path else str(examples_dir())
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open network"), start,
                                              self.tr("bpsim networks (*.bpsim.json *.json)"))
        if name:
            self.open_path(name)

    def save_to(self, path: str | Path) -> bool:
        """Save the network as it is now: its structure, the settings in force
        and the parameters at the current iteration."""
        ws = self.workspace
        doc = ws.session.trained_document() if ws.session else ws.document
        try:
            save(doc, path)
        except (OSError, BpsimError) as exc:
            self.show_error(f"error: {path}: cannot save: {exc}")
            return False
        self.path = Path(path)
        self.undo.stack.setClean()
        self._add_recent(str(Path(path).resolve()))
        self._update_title()
        self.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)
        return True

    def save(self) -> bool:
        if self.path is None or self.path.resolve().parent == examples_dir().resolve():
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        start = str(self.path.with_suffix("")) if self.path else "network"
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save network"), start,
                                              self.tr("bpsim networks (*.bpsim.json)"))
        if not name:
            return False
        if not name.endswith(".json"):
            name += ".bpsim.json"
        return self.save_to(name)

    def maybe_save(self) -> bool:
        """Ask before discarding unsaved changes; False cancels."""
        if self.undo.stack.isClean():
            return True
        answer = self.ask_to_save()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def ask_to_save(self):
        """Save, Discard or Cancel, asked in a dialog."""
        return QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("Save the changes to this network first?"),
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)

    def _update_title(self, *_) -> None:
        name = self.path.name if self.path else self.tr("untitled")
        title = self.workspace.document.title if self.workspace else ""
        self.setWindowTitle(f"{name}[*] — {title} — bpsim" if title else f"{name}[*] — bpsim")
        self.setWindowModified(not self.undo.stack.isClean())

    def recent_files(self) -> list[str]:
        value = self.settings.value("files/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _add_recent(self, path: str) -> None:
        files = [path] + [f for f in self.recent_files() if f != path]
        self.settings.setValue("files/recent", files[:MAX_RECENT])
        editing.fill_recent_menu(self)
