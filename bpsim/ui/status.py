"""The status bar's lasting part — iteration, epoch, phase, cost — and the
warning that the cost climbs as a diverging run's does."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from ..engine import Phase
from ..session.events import Watch


def times(factor: float) -> str:
    """A ratio as a reader takes it in: 6.27, 1 020, 262 144, 3.1·10⁹."""
    if factor < 100:
        return f"{factor:.3g}"
    if factor < 1e6:
        return f"{factor:,.0f}".replace(",", "\u2009")      # thin spaces between thousands
    mantissa, exponent = f"{factor:.1e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(SUPERSCRIPT)}"


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")



def phase_text(tr, stepper) -> str:
    """"backward 9/12", and " · asking" while its numbers are veiled: the
    status bar's and the presentation's corner line's words."""
    text = tr("{0} {1}/{2}").format(stepper.phase, stepper.index, stepper.total)
    return text + tr(" · asking") if stepper.veiled else text


class StatusLine(QObject):
    def __init__(self, bar: QStatusBar):
        super().__init__(bar)
        self.bar = bar
        self.labels = {k: QLabel() for k in ("iteration", "epoch", "phase", "cost")}
        # Sizes fixed, for the longest text each shows: a label whose size can
        # change re-lays the whole main window out at every new text.
        longest = {"iteration": self.tr("iteration {0}").format(9999999),
                   "epoch": self.tr("epoch {0}").format(9999999),
                   "phase": max(self.tr("incomplete network"),
                                self.tr("{0} {1}/{2}").format("backward", 9999, 9999) +
                                self.tr(" · asking"), key=len),
                   "cost": self.tr("cost {0:.6g}").format(-1.23457e-300)}
        for key, label in self.labels.items():
            label.setFixedSize(label.fontMetrics().horizontalAdvance(longest[key]) + 12,
                               label.sizeHint().height())
            bar.addPermanentWidget(label)
        bar.messageChanged.connect(self._make_room_for_message)
        self._cost_moved = Watch("iteration_changed", "history_changed", "rebuilt")
        self._warning_shown = None     # the loss plot's warning label at the last look
        self._rising = False           # and whether the cost was climbing then

    def close(self) -> None:
        self._cost_moved.close()

    def say(self, text: str, ms: int = 8000) -> None:
        self.bar.showMessage(text, ms)

    def watch_cost(self, workspace, warning: QLabel | None) -> None:
        """Say so when the cost climbs as a diverging run does, before it
        overflows: under the loss curve (``warning``, once the plots are
        built) while the iteration shown is on the climb, and once in the
        status bar as it starts."""
        session = workspace.session if workspace else None
        moved = self._cost_moved.changed(workspace.events if workspace else None)
        if not moved and self._warning_shown is warning:
            return
        self._warning_shown = warning
        rise = session.history.rise(session.iteration) if session is not None else None
        if rise is None:
            self._rising = False
            if warning is not None:
                warning.hide()
            return
        text = (self.tr("The mean cost of an epoch has risen at each of the last {0} epochs, "
                        "to {1}× where the climb started: the learning rate η = {2:g} "
                        "may be too large.") if rise.per_epoch else
                self.tr("The cost has risen at each of the last {0} iterations, to {1}× "
                        "where the climb started: the learning rate η = {2:g} may be too "
                        "large.")).format(rise.run, times(rise.factor),
                                          session.settings.learning_rate)
        if warning is not None:
            warning.setText("⚠ " + text)
            warning.show()
        if not self._rising:
            self._rising = True
            self.say(text, 10000)

    def _make_room_for_message(self, text: str) -> None:
        """A message longer than the room left of the iteration, epoch, phase
        and cost hides them while it shows (it was cut off mid-sentence); one
        longer than the whole bar can be read in full on hovering it."""
        bar = self.bar
        labels = self.labels.values()
        beside = sum(label.width() + 8 for label in labels)
        wanted = bar.fontMetrics().horizontalAdvance(text) + 24
        fits = not text or wanted <= bar.width() - beside
        for label in labels:
            label.setVisible(fits)
        bar.setToolTip(text if wanted > bar.width() else "")

    def show(self, workspace) -> None:
        """Where the walk is, and the cost to go with it."""
        labels = self.labels
        if workspace.stepper is None:
            for label in labels.values():
                label.setText("")
            labels["phase"].setText(self.tr("incomplete network") if workspace.document.nodes
                                    else self.tr("empty canvas"))
            labels["phase"].setToolTip(workspace.problem or "")
            return
        st = workspace.stepper
        session = st.session
        labels["iteration"].setText(self.tr("iteration {0}").format(st.iteration))
        # the epoch the step shown belongs to, counted from 1 like iterations
        # (while a run trains on, the session is ahead of the canvas)
        shown = st.iteration - 1
        epochs = session.history.epochs
        epoch = epochs[shown] if 0 <= shown < min(session.iteration, len(epochs)) \
            else session.state.position.epoch
        labels["epoch"].setText(self.tr("epoch {0}").format(epoch + 1))
        labels["phase"].setText(phase_text(self.tr, st))
        labels["phase"].setToolTip("")
        # This iteration's cost once its cost micro-step is shown, else the last one's.
        tip = ""
        if st.shown(Phase.COST):
            cost = st.trace.cost
            tip = self.tr("The cost of iteration {0}").format(st.iteration)
        elif session.iteration and session.history.changed_at(session.iteration):
            # taken before a value or setting changed by hand: not the cost now
            cost = None
            tip = self.tr("Changed since iteration {0}'s cost: the cost micro-step "
                          "computes it anew.").format(session.iteration)
        else:
            costs = session.history.costs[:session.iteration]
            cost = costs[-1] if costs else None
            if cost is not None:
                tip = self.tr("The cost of iteration {0}").format(session.iteration)
        labels["cost"].setText(self.tr("cost —") if cost is None else
                               self.tr("cost {0:.6g}").format(cost))
        labels["cost"].setToolTip(tip)
