"""The explanation wraps as a blackboard does (issue 19, point 3): a number
or a fraction is never split across lines, a long product breaks between
its factors; a batch's vector is cut to a few numbers and its size."""
from __future__ import annotations

import re

from bpsim.paths import examples_dir
from bpsim.ui.docks.explanation import BREAK_HERE, NO_BREAK_SPACE, WORD_JOINER, on_the_board


def test_where_a_formula_may_break_and_where_it_may_not():
    part = on_the_board("∂C/∂w = [0.5, 0.25, … of 6]·[1, 2, … of 6]")
    assert f"∂C{WORD_JOINER}/{WORD_JOINER}∂w" in part
    assert f"…{NO_BREAK_SPACE}of{NO_BREAK_SPACE}6]·{BREAK_HERE}[1" in part
    # a power raised, as on the board
    assert on_the_board("e^n = e^(−1) = 0.9^3") == "e<sup>n</sup> = e<sup>(−1)</sup> = " \
        "0.9<sup>3</sup>"


def breaks(document) -> list[tuple[str, str]]:
    """The characters either side of each line break the layout made."""
    found = []
    block = document.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        for k in range(layout.lineCount() - 1):
            line = layout.lineAt(k)
            end = line.textStart() + line.textLength()
            found.append((text[max(0, end - 3):end], text[end:end + 3]))
        block = block.next()
    return found


def test_at_1024x768_no_line_of_a_walk_breaks_inside_a_number_or_a_fraction(window):
    window.resize(1024, 768)
    for name in ("xor-2-2-1.bpsim.json", "logistic-regression.bpsim.json",
                 "sigmoid-neuron-gates.bpsim.json"):
        window.files.open_path(examples_dir() / name)
        stepper = window.workspace.stepper
        for _ in range(stepper.total):
            window.stepping.step("forward")
            window.refresh()
            for before, after in breaks(window.explanation.text.document()):
                assert not (re.search(r"[\d.]$", before) and re.match(r"[\d.]", after)), \
                    (name, stepper.index, before, after)
                assert not before.endswith(("∂", "/")) and not after.startswith("/"), \
                    (name, stepper.index, before, after)


def test_a_derivative_is_a_stacked_fraction_drawn_once(qtbot):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFontMetricsF, QTextDocument

    from bpsim.ui.docks.fractions import FractionBrowser
    browser = FractionBrowser()
    qtbot.addWidget(browser)
    html = browser.stacked("∂C/∂w<sub>x1→h1</sub> = Σ x1·δ", 16)
    assert html.startswith("<img src='fraction:0'") and html.endswith("= Σ x1·δ")
    assert "alt='∂C/∂wx1→h1'" in html
    again = browser.stacked("∂f/∂q·∂C/∂w<sub>x1→h1</sub>", 16)
    assert again.count("<img") == 2 and "fraction:0" in again      # drawn once, kept
    image = browser.loadResource(QTextDocument.ImageResource, QUrl("fraction:0"))
    line = QFontMetricsF(browser.font()).height()
    ratio = image.devicePixelRatio()
    assert image.height() / ratio > 1.5 * line and image.width() > 0     # one over the other
    # a gate's formula in the numerator: ∂(q·z) over ∂q
    assert browser.stacked("∂(q·z)/∂q = z", 16).startswith("<img src='fraction:2'")
    assert browser.stacked("(y − t)/n", 16) == "(y − t)/n"             # not a derivative
