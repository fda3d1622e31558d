"""The handout: one self-contained HTML page whose formulas are MathML that
parses as XML (issue 19, point 7)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bpsim.cli.main import main
from bpsim.paths import examples_dir
from bpsim.session.handout import mathml

MATHML = {"math", "mrow", "mi", "mn", "mo", "mfrac", "msub", "msup", "msqrt"}


def parsed(text: str) -> ET.Element:
    element = ET.fromstring(mathml(text))
    assert {e.tag for e in element.iter()} <= MATHML
    return element


def test_a_fraction_is_stacked_and_a_square_binds_before_it():
    math = parsed("∂f/∂p = −1/p² = −1/1.368² = -0.5344")
    fractions = math.findall(".//mfrac")
    assert [[child.tag for child in f] for f in fractions] == [["mrow", "mrow"],
                                                               ["mn", "msup"], ["mn", "msup"]]
    # ∂ then the letter: ∂f over ∂p
    assert [[e.text for e in part] for part in fractions[0]] == [["∂", "f"], ["∂", "p"]]
    assert [mo.text for mo in math.iter("mo")].count("−") == 3      # a hyphen is a minus


def test_subscripts_powers_and_groups():
    math = parsed("m̂ = m/(1 − β₁^t) = w_x1→h1·x1")
    subs = [(s[0].text, s[1].text) for s in math.iter("msub")]
    assert ("β", "1") in subs and ("w", "x1→h1") in subs
    denominator = math.find(".//mfrac")[1]
    assert [c.tag for c in denominator] == ["mn", "mo", "msup"]        # no parentheses stacked
    assert parsed("δ = (a − t)/n").find(".//mfrac")[0].find("mo").text == "−"


def test_trace_html_is_one_page_of_xml_valid_mathml(capsys):
    code = main(["trace", str(examples_dir() / "xor-2-2-1.bpsim.json"), "--format", "html"])
    page = capsys.readouterr().out
    assert code == 0 and page.startswith("<!DOCTYPE html>") and page.endswith("</html>")
    assert "<script" not in page and "http" not in page          # nothing fetched to view it
    maths = re.findall(r"<math.*?</math>", page, re.S)
    assert len(maths) > 40
    for math in maths:
        element = ET.fromstring(math)
        assert {e.tag for e in element.iter()} <= MATHML
    assert len(re.findall(r"<h3 class=", page)) == 12              # XOR's micro-steps
    assert '<h3 class="backward">' in page
    # a sum too wide for a printed line goes on a line a term: x2 reads two weights
    assert page.count('<p class="then"><math displaystyle="true"><mrow><mo>+</mo>') >= 2
    assert '<mfrac><mrow><mo rspace="0">∂</mo><mi>C</mi></mrow>' in page


@pytest.mark.parametrize("name", sorted(p.name for p in examples_dir().glob("*.bpsim.json")))
def test_every_examples_handout_parses(name, capsys):
    main(["trace", str(examples_dir() / name), "--format", "html"])
    for math in re.findall(r"<math.*?</math>", capsys.readouterr().out, re.S):
        ET.fromstring(math)
