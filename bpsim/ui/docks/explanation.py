"""The explanation dock: the current micro-step's formula in symbols, then
with the numbers substituted, then the result — big enough for a projector."""
from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from ...engine import Phase
from ...session.events import Watch
from ...session.explain import HTML, Numbers, explain, formula_names, veiled
from ...session.vectorized import vectorized_html
from ..style import PHASE_COLOR, UPDATE
from .fractions import FractionBrowser, raise_powers

MAX_LINES = 12
EQ_POINTS = 16          # a formula's first line, and its fractions, at full size
SMALLEST = 0.7          # of the text's size: the least a step's text is shrunk to fit
PRESENTED_LEAST = 15.0  # presenting, the least size of any text (points, before scaling)
GROWS_BELOW = 0.75      # of the dock's height: a smaller text filling less grows again


def style_sheet(k: float = 1.0, least: float = 0.0) -> str:
    """The paragraphs' looks as classes of the document's style sheet, not as
    style attributes: Qt parses an attribute anew for every paragraph, and a
    backward step's dozen lines took twice as long to set and paint.  ``k``:
    the text's size, of its full size; ``least``: no class is smaller than
    this (points, before ``k``), as a presentation wants."""
    def pt(size: float) -> str:
        return f"font-size:{round(2 * max(size, least) * k) / 2:g}pt"
    indent = f"margin-top:0;margin-bottom:0;margin-left:{round(26 * k)}px"
    return "".join([
        f"p.head {{{pt(11)};color:#555}}",
        f"p.more {{{pt(12)};color:#555}}",
        f"p.eq {{{pt(EQ_POINTS)};margin-top:0;margin-bottom:0}}",
        f"p.one {{{pt(EQ_POINTS)};margin-top:0;margin-bottom:{round(10 * k)}px}}",
        f"p.mid {{{pt(15)};{indent}}}",
        *(f"p.title_{phase} {{{pt(15)};color:{color.name()}}}"
          f"p.res_{phase} {{{pt(16)};color:{color.name()};{indent};"
          f"margin-bottom:{round(10 * k)}px}}"
          f"span.res_{phase} {{color:{color.name()}}}" for phase, color in PHASE_COLOR.items()),
    ])


STYLE_SHEET = style_sheet()


WORD_JOINER, NO_BREAK_SPACE, BREAK_HERE = "\u2060", "\u00a0", "\u200b"


def on_the_board(part: str) -> str:
    """A formula that wraps as a blackboard's does: a fraction (∂C/∂w, or
    (y − t)/n) is never split at its slash, a long product breaks between
    its factors (after a ·), a vector between its numbers, never inside
    one.  Line breaking is left to Qt, told where it may not break (word
    joiners, no-break spaces) and where it may (zero-width spaces)."""
    # a fraction's slash, not a closing tag's
    if "/" in part:
        part = re.sub(r"(?<!<)/", f"{WORD_JOINER}/{WORD_JOINER}", part)
    part = raise_powers(part)
    # a vector too long for the line breaks between its numbers, never in one
    part = part.replace("… of ", f"…{NO_BREAK_SPACE}of{NO_BREAK_SPACE}")
    return part.replace("·", "·" + BREAK_HERE)


class ExplanationPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = FractionBrowser()
        self.text.setOpenLinks(False)
        # The text is replaced at every micro-step; with the scroll bar shown
        # only as needed it is laid out twice (without the bar, then with
        # it): half the cost of a step's explanation.
        self.text.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.text.document().setDefaultStyleSheet(STYLE_SHEET)
        self.text.viewport().installEventFilter(self)    # a new size: fitted anew
        self.scale = 1.0         # the text's size, of its full size (fitted to the dock)
        self.fitting = True      # View ▸ Shrink the explanation to fit
        self.presented: float | None = None    # presenting: the text's size (present)
        self.exercising = False                 # an exercise asks for the veiled numbers
        self._dead: tuple | None = None         # ((state, trainer), dead ReLU neurons)
        self._sheet = (1.0, 0.0)                # the style sheet's (k, least) in force
        self._fitted: dict = {}  # the size found for a kind of step, in a dock of a size
        self.vectorized = QCheckBox(self.tr("Show the vectorized form (layered networks)"))
        self.vectorized.toggled.connect(lambda _: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text)
        layout.addWidget(self.vectorized)
        self._state = None
        self._new_network = Watch("rebuilt")      # the sizes fitted are another network's

    def close_view(self) -> None:
        self._new_network.close()

    def present(self, text_px: float | None) -> None:
        """Presenting: every line at least ``text_px`` high on screen, never
        shrunk to fit (a long step's rest is read by PageDown), the
        check box hidden; None: as otherwise."""
        self.vectorized.setVisible(text_px is None)
        points = PRESENTED_LEAST * self.logicalDpiY() / 72
        self.presented = None if text_px is None else text_px / points
        font = self.font()
        if text_px is not None:
            font.setPixelSize(round(text_px))
        self.text.document().setDefaultFont(font)    # the introduction's Markdown
        self.scale = 1.0 if self.presented is None else self.presented
        self._fitted.clear()
        self.refresh()

    def show_step(self, workspace, sample: int | None, digits: int) -> None:
        self._state = (workspace, sample, digits)
        self.refresh()

    def refresh(self) -> None:
        if self._state is None:
            return
        workspace, sample, digits = self._state
        stepper = workspace.stepper
        if stepper is not None and stepper.micro is None:
            self.text.setMarkdown(self.introduction(workspace))
            return
        # explained once, then written for each size tried: its fractions are
        # images of that size
        expl = None if stepper is None else self.explained(workspace, sample, digits)

        def text(k: float) -> str:
            return self.render(workspace, sample, digits, k, expl)
        if self.presented is not None:
            self._set(text(self.presented), self.presented)
            return
        if stepper is None or not self.fitting:
            self._set(text(1.0), 1.0)
            return
        # A step's text is shrunk until it fits, down to SMALLEST: at
        # 1024x768 the result of a neuron's step was below the fold, to be
        # scrolled to at every step of a lecture.  The size found is kept
        # for that micro-step of the network, in a dock of that size: the
        # next iteration's same step is set once, not once and again.
        view = self.text.viewport()
        if self._new_network.changed(workspace.events):
            self._fitted.clear()
        key = (stepper.index, stepper.total, sample is None, digits, self.vectorized.isChecked(),
               stepper.veiled, view.width(), view.height())
        known = self._fitted.get(key)
        if known is not None:
            self._set(text(known), known)
            return
        # A step not seen yet starts at the size of the one before, its
        # neighbour in the walk and most often alike: set once, not twice.
        k = self.scale
        self._set(text(k), k)
        height, room = self.text.document().size().height(), view.height()
        if room > 0:
            # the height is about linear in the size (and fewer lines wrap)
            fits = int(20 * k * room / max(height, 1.0)) / 20
            if height > room and k > SMALLEST:
                self._set(text(max(SMALLEST, fits)), max(SMALLEST, fits))
            elif k < 1.0 and height < GROWS_BELOW * room and min(1.0, fits) > k:
                self._set(text(min(1.0, fits)), min(1.0, fits))
                if self.text.document().size().height() > room:
                    self._set(text(k), k)        # it did not fit after all
        if len(self._fitted) > 2000:
            self._fitted.clear()
        self._fitted[key] = self.scale

    def _set(self, text: str, k: float) -> None:
        self.scale = k
        sheet = (k, 0.0 if self.presented is None else PRESENTED_LEAST)
        if sheet != self._sheet:
            self._sheet = sheet
            self.text.document().setDefaultStyleSheet(style_sheet(*sheet))
        self.text.setHtml(text)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Resize and self._state is not None:
            self.refresh()
        return False

    def page(self, direction: int) -> bool:
        """Scroll a page down (``direction`` 1) or up (-1) where the step's
        text goes on out of sight: a clicker's PageDown reads a long step to
        its end before the next step, PageUp back to its start.  True if it
        scrolled."""
        if not self.isVisible():      # a plot in its place: nothing to read on
            return False
        bar = self.text.verticalScrollBar()
        # a line of the page before stays in sight, to read on from
        step = max(1, bar.pageStep() - self.text.fontMetrics().height() * 2)
        if direction > 0 and bar.value() < bar.maximum():
            bar.setValue(min(bar.maximum(), bar.value() + step))
            return True
        if direction < 0 and bar.value() > bar.minimum():
            bar.setValue(max(bar.minimum(), bar.value() - step))
            return True
        return False

    def show_running(self) -> None:
        """While training runs the formulas would change faster than anyone
        reads: say so, once, instead of leaving an earlier text standing."""
        self.text.setHtml(
            f"<p style='font-size:15pt;color:{UPDATE.name()}'><b>" + self.tr("Training runs") +
            "</b></p><p style='font-size:12pt'>" +
            self.tr("The canvas shows each frame's step as batch means. Press Space "
                    "to pause, then → and ← to read every formula of the step shown.") +
            "</p>")

    def dead_relus(self, workspace) -> list[str]:
        """The session's dead ReLU neurons, worked out once per state."""
        session = workspace.session
        if session is None:
            return []
        key = (session.state, session.trainer)
        if self._dead is None or any(a is not b for a, b in zip(self._dead[0], key)):
            self._dead = (key, session.dead_relus())
        return self._dead[1]

    def introduction(self, workspace) -> str:
        """Before the first micro-step: the network's title and notes (Markdown)."""
        doc = workspace.document
        dead = self.dead_relus(workspace)
        warning = ("**" + self.tr("{0}: 0 on every row of the data, so no gradient flows "
                                  "through {1} and {2} never learns.").format(
            ", ".join(dead) + " (ReLU)", "it" if len(dead) == 1 else "them",
            "it" if len(dead) == 1 else "they") + "** " + self.tr(
            "A small positive bias (0.1, say) or other weights bring it to life.")) \
            if dead else ""
        parts = [f"## {doc.title}" if doc.title else "", warning, doc.notes,
                 "*" + self.tr("Press → (or PageDown) to compute the first node of the "
                               "forward pass; Space trains continuously.") + "*"]
        return "\n\n".join(p for p in parts if p)

    def explained(self, workspace, sample, digits):
        """The micro-step shown, explained in rich text."""
        stepper = workspace.stepper
        # a vector fits a line of the dock at 1024x768, never broken: XOR's
        # four samples whole, a bigger batch's first two and its size
        num = Numbers(digits=digits, max_samples=4, cut_to=2, sample=sample, minus="−")
        expl = explain(stepper.micro, {n.id: n.kind for n in workspace.document.nodes}, HTML,
                       num, workspace.document.loss.kind, MAX_LINES, stepper.trace,
                       formula_names(workspace.document.nodes))
        return veiled(expl) if stepper.veiled else expl

    def render(self, workspace, sample, digits, scale: float = 1.0, expl=None) -> str:
        if workspace.stepper is None and not workspace.document.nodes:
            return (f"<p style='font-size:13pt'><b>{self.tr('An empty canvas')}</b></p>"
                    f"<p style='font-size:12pt'>" + self.tr(
                        "Build a layered network with <b>Layers</b> in the tool bar on the "
                        "left (Ctrl+B): type its sizes, such as 2-3-1, and it comes with data "
                        "to learn from. Or add inputs, neurons and gates one by one from the "
                        "same tool bar, and connect them by dragging from a node's dot to "
                        "another node.") + "</p>")
        if workspace.stepper is None:
            return (f"<p style='font-size:13pt'><b>{self.tr('The network cannot run yet')}</b></p>"
                    f"<p style='font-size:12pt'>{html.escape(workspace.problem or '')}</p>")
        stepper = workspace.stepper
        head = (f"<p class='head'>{self.tr('Iteration')} {stepper.iteration} · "
                f"{self.tr('micro-step')} {stepper.index}/{stepper.total}</p>")
        micro = stepper.micro
        if expl is None:
            expl = self.explained(workspace, sample, digits)
        phase = micro.phase if micro.phase in PHASE_COLOR else Phase.FORWARD
        # presenting, the canvas's corner says where the walk is
        rows = [] if self.presented is not None else [head]
        rows.append(f"<p class='title_{phase}'><b>{html.escape(expl.title)}</b></p>")
        lines = expl.lines
        # a big network's update: the table has the rest (but "… and 1 more"
        # in place of the one line it stands for hid a 2-3-1's last bias)
        more = expl.more
        if len(lines) > MAX_LINES + 2:
            more += len(lines) - MAX_LINES
            lines = lines[:MAX_LINES]
        # Paragraphs with a hanging indent, not a table: a table's layout costs
        # twice as much, and the text is laid out anew at every micro-step.
        for line in lines:
            # symbols (rich text), then numbers and result (plain): what repeats is left out
            parts = [on_the_board(p if line.rich(p) else html.escape(p))
                     for p in line.parts()] or [""]
            what = self.text.stacked(line.what, EQ_POINTS * scale)
            if len(parts) == 1:     # an input's value: one line, the result
                rows.append(f"<p class='one'>{what} {line.relation} "
                            f"<b><span class='res_{phase}'>{parts[0]}</span></b></p>")
                continue
            first = self.text.stacked(line.parts()[0], EQ_POINTS * scale) if line.rich(
                line.parts()[0]) else parts[0]
            rows.append(f"<p class='eq'>{what} {line.relation} {on_the_board(first)}</p>")
            # "=" stays with what it says equals, never alone at a line's end
            for part in parts[1:-1]:
                rows.append(f"<p class='mid'>={NO_BREAK_SPACE}{part}</p>")
            rows.append(f"<p class='res_{phase}'><b>={NO_BREAK_SPACE}{parts[-1]}</b></p>")
        if more:
            rows.append("<p class='more'>"
                        + self.tr("… and {0} more: see the Parameters dock.").format(more)
                        + "</p>")
        if stepper.veiled and self.exercising:
            rows.append("<p class='more'>" + self.tr(
                "What are the numbers? Type them in the Exercise dock and check them; "
                "→ or PageDown reveals them unchecked.") + "</p>")
        elif stepper.veiled:
            rows.append("<p class='more'>" + self.tr(
                "What are the numbers? The next click (→ or PageDown) reveals them.") + "</p>")
        elif self.vectorized.isChecked():
            rows.append(vectorized_html(workspace.document, stepper, digits, sample))
        return "".join(rows)
