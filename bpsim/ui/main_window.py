"""The main window: the canvas in the centre, docks around it, the step
controls in the toolbar, the position in the status bar."""
from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from ..session.display import Picks, display
from ..session.events import Watch
from ..session.workspace import Workspace
from .actions import Actions, leave_keys_to_the_canvas
from .canvas.scene import NetworkScene
from .editing import Editor
from .canvas.view import NetworkView
from .docks.explanation import ExplanationPanel
from .docks.exercise import ExercisePanel
from .docks.inspector import InspectorPanel
from .docks.table import DataTablePanel
from .docks.params import ParameterPanel
from .docks.training import TrainingPanel
from .files import Files, blank_document
from .plots import Plots
from .presentation import Presentation
from .recovery import Autosaver
from .relay import Relay
from .running import Runner
from .status import StatusLine
from .stepping import Stepping
from .arrangement import Arrangement, refresh_when_raised
from .blank import Blank
from .style import flatten
from .undo import UndoAdapter

SLOW_PANEL_S = 0.25      # while running, text panels refresh at most this often

class MainWindow(QMainWindow):
    #: another network is shown (opened, recovered, new), after everything follows it
    workspace_changed = Signal(object)

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings("bpsim", "bpsim")
        self.setWindowTitle("bpsim[*]")
        self.digits = int(self.settings.value("display/digits", 4))
        self.workspace: Workspace | None = None
        self.relay = Relay(self)       # the workspace's announcements, in this thread
        self.relay.announced.connect(self._on_announced)
        self.undo = UndoAdapter(blank_document(), parent=self)
        self.autosave = Autosaver(self)
        self.files = Files(self, self.settings, self.undo, self.autosave,
                           open_workspace=self.set_workspace, say=self.say)
        self.files.saved.connect(self._update_title)
        self.files.recent_changed.connect(lambda: self.actions.refill_recent())
        self._close_failed = False
        self.undo.stack.cleanChanged.connect(self._update_title)
        self.undo.stack.indexChanged.connect(self._update_title)
        # An edit, its undo or redo has ended: shown at once, not at the
        # next turn of the event loop, where the window's pending paint comes
        # first and would paint the canvas twice, before its numbers and after.
        self.undo.stack.indexChanged.connect(self._refresh_if_due)

        self.scene = NetworkScene(blank_document(), self)
        self.scene.value_of = lambda name, default: (
            self.workspace.value_of(name, default) if self.workspace else default)
        self.view = NetworkView(self.scene, self)
        self.setCentralWidget(self.view)
        self.editor = Editor(self, self.scene, self.view, self.undo, self.files, self.say,
                             history_replaced=lambda *a: self.runner.say_history_replaced(*a))
        self.scene.selectionChanged.connect(self._on_selection)

        self.explanation = ExplanationPanel()
        self.inspector = InspectorPanel(self)
        self.training = TrainingPanel(self)
        self.params = ParameterPanel(self)
        self.exercise = ExercisePanel(self)
        self.table = DataTablePanel(self)
        # made when first wanted (show_compare): its plot would bring
        # pyqtgraph in before the window's first paint
        self.compare = None
        self.arrangement = Arrangement(self, self.settings, {
            "explanation": (self.tr("Explanation"), self.explanation, Qt.RightDockWidgetArea),
            "inspector": (self.tr("Inspector"), self.inspector, Qt.RightDockWidgetArea),
            "training": (self.tr("Training"), self.training, Qt.RightDockWidgetArea),
            "exercise": (self.tr("Exercise"), self.exercise, Qt.RightDockWidgetArea),
            "params": (self.tr("Parameters"), self.params, Qt.BottomDockWidgetArea),
            "table": (self.tr("Rows"), self.table, Qt.BottomDockWidgetArea)})
        self.docks = self.arrangement.docks
        # raised from behind a tab: the table as the step shown has it
        refresh_when_raised(self.docks["params"], self.params.refresh_if_stale)
        self.plots = Plots(self, self.arrangement.add_plots(Plots.titles(self.tr)))
        self.status = StatusLine(self.statusBar())
        self.runner = Runner(self, say=self.say, show_frame=self._show_frame,
                             paint=lambda: self.plots.flush(), refresh=self.refresh,
                             speed=lambda: self.actions.speed.value())
        self._picks = Picks()        # the trace's numbers, kept between micro-steps
        self._panels_shown = 0.0
        # the settings in force change with the iteration, a setting or an edit
        self._settings_moved = Watch("iteration_changed", "settings_changed", "rebuilt")
        self._training_changes = None  # the document's changes the Training dock shows
        self._document_changes = 0     # a merged edit (a slider dragged) leaves the undo index
        self._edges_of: tuple = (None, 0, [])    # (document, changes, its edges' ends)
        self._refresh_pending = False

        self.blank = Blank(self)          # the clicker's black and white screens
        self.presentation = Presentation(self)
        self.stepping = Stepping(self, self.runner, self.undo, self.say, self.refresh,
                                 page=self.explanation.page)
        self.actions = Actions(self)
        self.runner.running_changed.connect(self.actions.show_running)
        self.runner.running_changed.connect(
            lambda running: running and self.explanation.show_running())
        self.editor.actions = self.stepping.actions = self.actions
        fit = self.settings.value("display/fit_explanation", True, type=bool)
        self.explanation.fitting = fit
        self.actions["fit_explanation"].setChecked(fit)
        flatten(self)
        leave_keys_to_the_canvas(self)
        self.arrangement.restore(self.actions.history_bar)
        # the plots come once the window has painted (or soon, whatever happens)
        self.plots.build_after_first_paint(self.view.viewport())
        QTimer.singleShot(1000, self, self.plots.build)   # dropped with the window
        self.set_workspace(Workspace(blank_document()))

    def show_compare(self) -> None:
        """The Compare dock, made the first time, shown and raised."""
        dock = self.docks.get("compare")
        if dock is None:
            from .docks.compare import ComparePanel
            self.compare = ComparePanel(self)
            dock = self.arrangement.add_dock("compare", self.tr("Compare"), self.compare,
                                             Qt.BottomDockWidgetArea)
            flatten(dock)
            # in the landscape's place, behind a tab: as large as a plot
            self.tabifyDockWidget(self.docks["plot_landscape"], dock)
            # five tabs in that group: each title whole, the bar scrolling,
            # rather than "Lands…", "Tan…", "Com…" (seen at 1024 px wide)
            QTimer.singleShot(0, self, self._whole_tab_titles)
        dock.show()
        dock.raise_()
        self.compare.refresh()

    def _whole_tab_titles(self) -> None:
        from PySide6.QtWidgets import QTabBar
        for bar in self.findChildren(QTabBar):
            bar.setElideMode(Qt.ElideNone)
            bar.setUsesScrollButtons(True)

    def set_workspace(self, workspace: Workspace) -> None:
        """Show ``workspace``: a network opened, recovered or new (its
        ``path``: the file it was opened from, or None)."""
        self.runner.stop()
        self.autosave.clear()          # the work it held was saved or given up
        if self.workspace is not None:
            self.workspace.document.unsubscribe(self._on_document_change)
            self.workspace.close()
        self.workspace = workspace
        self.files.follow(workspace)
        self.editor.follow(workspace)
        self.stepping.follow(workspace)
        doc = workspace.document
        self.undo.reset(doc, workspace.base_dir, workspace)
        self.scene.set_document(doc)
        doc.subscribe(self._on_document_change)
        self.relay.follow(workspace.events)
        self.runner.follow(workspace)
        if workspace.session is not None and len(workspace.session.param_names) < 2:
            self.plots.docks["tangent"].raise_()    # one parameter: a curve, not a surface
        self.training.set_document(doc)
        self._update_title()
        self.refresh()
        self.view.fit()
        self.workspace_changed.emit(workspace)

    # --- edits from the canvas ------------------------------------------------------

    def push(self, edit) -> bool:
        """Push an edit through the undo stack; a refused one is explained."""
        return self.editor.push(edit)

    def _on_document_change(self, change) -> None:
        self._document_changes += 1
        self.scene.on_change(change)
        self.presentation.on_change(change)
        self.schedule_refresh()

    def _on_selection(self) -> None:
        if shiboken6.isValid(self.scene):     # not while the window is torn down
            self.inspector.show_selection()
            self.training.show_activation()

    # --- stepping ------------------------------------------------------------------

    @property
    def stepper(self):
        return self.workspace.stepper if self.workspace else None

    # --- showing -------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        """Refresh once, after the current burst of changes (an edit ends
        sooner: _refresh_if_due)."""
        if not self._refresh_pending:
            self._refresh_pending = True
            QTimer.singleShot(0, self, self._refresh_if_due)

    def _refresh_if_due(self, *_) -> None:
        if self._refresh_pending:       # not if a step has refreshed since
            self.refresh()

    def _update_title(self, *_) -> None:
        path = self.files.path
        name = path.name if path else self.tr("untitled")
        title = self.workspace.document.title if self.workspace else ""
        self.setWindowTitle(f"{name}[*] — {title} — bpsim" if title else f"{name}[*] — bpsim")
        self.setWindowModified(self.files.is_modified())

    @property
    def running(self) -> bool:
        return self.runner.running

    def say(self, text: str, ms: int = 8000) -> None:
        """A message in the status bar, for ``ms`` milliseconds."""
        self.statusBar().showMessage(text, ms)

    def _show_frame(self) -> None:
        """A frame of a run training beside the window (under its lock)."""
        self._refresh_pending = False
        self._refresh()

    def _on_announced(self, names: frozenset) -> None:
        # a run's frames show its steps; anything else moved: show it
        if not self.running:
            self.schedule_refresh()

    def refresh(self) -> None:
        self._refresh_pending = False
        self.relay.discard()           # shown now, not again at the next turn
        with self.workspace.lock:      # a background run waits, this frame's numbers hold
            self._refresh()
        self.plots.flush()             # their painting needs no lock: the run goes on

    def _refresh(self) -> None:
        ws = self.workspace
        stepper = ws.stepper
        if ws.document is not self._edges_of[0] or self._document_changes != self._edges_of[1]:
            self._edges_of = (ws.document, self._document_changes,
                              [(e.src, e.dst) for e in ws.document.edges])
        edges = self._edges_of[2]
        # while running, a frame's step comes as batch means (see process_run)
        sample = None if self.running else self.stepping.sample
        shown = display(stepper, edges, sample, self._picks) if stepper else None
        if self.scene.digits != self.digits:
            self.scene.digits = self.digits
            self.scene.place_edge_labels()      # longer numbers need more room
        self.scene.show(shown, edge_gradients=not self.running)
        # While running, the canvas and status show every frame; text panels a
        # few times a second (the explanation of the update is long).
        now = time.perf_counter()
        if not self.running or now - self._panels_shown > SLOW_PANEL_S:
            self._panels_shown = now
            if not self.running:
                self.explanation.show_step(ws, self.stepping.sample, self.digits)
            self.params.refresh()
            self.inspector.show_selection()
            self.exercise.refresh()
            self.table.refresh()
            if "compare" in self.docks and self.docks["compare"].isVisible():
                self.compare.refresh()
            elif "runs" in ws.document.view and "compare" not in self.docks:
                self.show_compare()       # a network with kept runs shows them again
            # the settings in force change only with the iteration or an edit
            if self._settings_moved.changed(ws.events) or \
                    self._document_changes != self._training_changes:
                self._training_changes = self._document_changes
                self.training.refresh()
        self.status.show(ws)
        self.presentation.show_walk()
        self.stepping.show()
        self.status.watch_cost(ws, self.plots.loss.warning if self.plots.built else None)
        self.setWindowModified(self.files.is_modified())   # training changes what Save writes
        self.plots.refresh()
        self.autosave.changed()

    def set_fit_explanation(self, on: bool) -> None:
        self.explanation.fitting = on
        self.actions["fit_explanation"].setChecked(on)
        self.settings.setValue("display/fit_explanation", on)
        self.explanation.refresh()

    def set_digits(self, digits: int) -> None:
        self.digits = digits
        self.settings.setValue("display/digits", digits)
        self.refresh()

    # --- window state -------------------------------------------------------------

    def showEvent(self, event):
        super().showEvent(event)
        self.arrangement.shown()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.arrangement.resized()

    @property
    def document_changes(self) -> int:
        """How many changes the document has announced (an edit may make several)."""
        return self._document_changes

    def closeEvent(self, event):
        try:
            if not self.files.maybe_save():
                event.ignore()
                return
            self.runner.stop()
            if self.plots.built:
                self.plots.close_views()         # no grid computes behind a closed window
            self.explanation.close_view()
            self.relay.close()
            self._settings_moved.close()
            self.status.close()
            self.arrangement.save()
            self.autosave.clear()                # a clean exit: nothing to recover
        except Exception:
            # The error hook reports it (after autosaving); the window stays
            # open with the work, and a second try closes it, the autosave kept.
            if self._close_failed:
                super().closeEvent(event)
            else:
                self._close_failed = True
                event.ignore()
            raise
        super().closeEvent(event)
