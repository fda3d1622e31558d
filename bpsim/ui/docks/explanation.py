"""The explanation dock: the current micro-step's formula in symbols, then
with the numbers substituted, then the result — big enough for a projector."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QTextBrowser, QVBoxLayout, QWidget

from ...session.explain import HTML, Numbers, explain
from ...session.vectorized import vectorized_html

MAX_LINES = 12
PHASE_COLOR = {"forward": "#c0392b", "cost": "#c0392b", "backward": "#1e8449",
               "update": "#2c5aa0"}
_INDENT = "margin-top:0;margin-bottom:0;margin-left:26px"
# The paragraphs' looks as classes of the document's style sheet, not as
# style attributes: Qt parses an attribute anew for every paragraph, and a
# backward step's dozen lines took twice as long to set and paint.
STYLE_SHEET = "".join([
    "p.head {font-size:11pt;color:#555}",
    "p.more {font-size:12pt;color:#555}",
    "p.eq {font-size:16pt;margin-top:0;margin-bottom:0}",
    "p.one {font-size:16pt;margin-top:0;margin-bottom:10px}",
    f"p.mid {{font-size:15pt;{_INDENT}}}",
    *(f"p.title_{phase} {{font-size:15pt;color:{color}}}"
      f"p.res_{phase} {{font-size:16pt;color:{color};{_INDENT};margin-bottom:10px}}"
      f"span.res_{phase} {{color:{color}}}" for phase, color in PHASE_COLOR.items()),
])


class ExplanationPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        # The text is replaced at every micro-step; with the scroll bar shown
        # only as needed it is laid out twice (without the bar, then with
        # it): half the cost of a step's explanation.
        self.text.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOn)
        self.text.document().setDefaultStyleSheet(STYLE_SHEET)
        self.vectorized = QCheckBox(self.tr("Show the vectorized form (layered networks)"))
        self.vectorized.toggled.connect(lambda _: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text)
        layout.addWidget(self.vectorized)
        self._state = None

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
        else:
            self.text.setHtml(self.render(workspace, sample, digits))

    def show_running(self) -> None:
        """While training runs the formulas would change faster than anyone
        reads: say so, once, instead of leaving an earlier text standing."""
        self.text.setHtml(
            "<p style='font-size:15pt;color:#2c5aa0'><b>" + self.tr("Training runs") +
            "</b></p><p style='font-size:12pt'>" +
            self.tr("The canvas shows each frame's step as batch means. Press Space "
                    "to pause, then → and ← to read every formula of the step shown.") +
            "</p>")

    def introduction(self, workspace) -> str:
        """Before the first micro-step: the network's title and notes (Markdown)."""
        doc = workspace.document
        parts = [f"## {doc.title}" if doc.title else "", doc.notes,
                 "*" + self.tr("Press → (or PageDown) to compute the first node of the "
                               "forward pass; Space trains continuously.") + "*"]
        return "\n\n".join(p for p in parts if p)

    def render(self, workspace, sample, digits) -> str:
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
        kinds = {n.id: n.kind for n in workspace.document.nodes}
        head = (f"<p class='head'>{self.tr('Iteration')} {stepper.iteration} · "
                f"{self.tr('micro-step')} {stepper.index}/{stepper.total}</p>")
        micro = stepper.micro
        num = Numbers(digits=digits, sample=sample, minus="−")
        expl = explain(micro, kinds, HTML, num, workspace.document.loss.kind, MAX_LINES)
        phase = micro.phase if micro.phase in PHASE_COLOR else "forward"
        rows = [head, f"<p class='title_{phase}'><b>{html.escape(expl.title)}</b></p>"]
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
            parts = [p if p is line.symbols else html.escape(p) for p in line.parts()] or [""]
            if len(parts) == 1:     # an input's value: one line, the result
                rows.append(f"<p class='one'>{line.what} {line.relation} "
                            f"<b><span class='res_{phase}'>{parts[0]}</span></b></p>")
                continue
            rows.append(f"<p class='eq'>{line.what} {line.relation} {parts[0]}</p>")
            for part in parts[1:-1]:
                rows.append(f"<p class='mid'>= {part}</p>")
            rows.append(f"<p class='res_{phase}'><b>= {parts[-1]}</b></p>")
        if more:
            rows.append("<p class='more'>"
                        + self.tr("… and {0} more: see the Parameters dock.").format(more)
                        + "</p>")
        if self.vectorized.isChecked():
            rows.append(vectorized_html(workspace.document, stepper, digits))
        return "".join(rows)
