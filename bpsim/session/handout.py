"""A handout that looks like the board: one self-contained HTML page of an
iteration's micro-steps, the formulas in MathML.

The explanation's lines are written in the plain notation (explain.TEXT:
``z_h1``, ``∂C/∂w_x1→h1``, ``e^n``, ``p²``); :func:`mathml` reads one of them
back as a formula — identifiers and their subscripts, numbers, operators,
groups — and sets it as a blackboard would: fractions stacked, subscripts
and powers raised and lowered.  Browsers draw MathML themselves (Firefox,
Chrome and Safari alike), so the page needs no script and no network, and
it prints.
"""
from __future__ import annotations

import html
import re

from .explain import Explanation, Line, explain, formula_names, split_top

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?)
  | (?P<name>∂?(?![²Σ])[^\W\d_](?:(?!²)[\w′\u0302])*(?:→(?:(?!²)\w)+)?)
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<op>.)
""", re.VERBOSE)

_SUBSCRIPT = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _name(token: str) -> str:
    """An identifier, with its subscript (``z_h1``, ``w_x1→h1``, ``β₁``)
    lowered; ∂C as the notes set it, ∂ then the letter in italics."""
    if token.startswith("∂"):
        return f'<mrow><mo rspace="0">∂</mo>{_name(token[1:])}</mrow>'
    base, _, index = token.partition("_")
    lowered = re.fullmatch(r"(.*?)([₀-₉]+)", base)
    if lowered and not index:
        base, index = lowered.group(1), lowered.group(2).translate(_SUBSCRIPT)
    body = f"<mi>{html.escape(base)}</mi>"
    return f"<msub>{body}<mi>{html.escape(index)}</mi></msub>" if index else body


def _bare(xml: str) -> str:
    """A fraction's numerator or denominator without the parentheses that
    grouped it on one line: stacked, (y − t)/n is y − t over n."""
    if xml.startswith("<mrow><mo>(</mo>") and xml.endswith("<mo>)</mo></mrow>"):
        inner = xml[len("<mrow><mo>(</mo>"):-len("<mo>)</mo></mrow>")]
        # only if those two parentheses pair with each other
        depth = 0
        for m in re.finditer(r"<mo>([()])</mo>", inner):
            depth += 1 if m.group(1) == "(" else -1
            if depth < 0:
                return xml
        return f"<mrow>{inner}</mrow>"
    return xml


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup != "space"]


def _parse(tokens: list[tuple[str, str]], k: int = 0, closing: bool = False):
    """The MathML of the tokens from ``k``, up to a closing bracket when
    ``closing``: (its nodes, each ("atom" or "op", xml), where it stopped,
    the bracket that closed it)."""
    nodes: list[tuple[str, str]] = []
    pending: list[str] = []     # "/", "^" or "√", waiting for the atom after it

    def atom(xml: str, k: int) -> int:
        # a square binds first: −1/p² is 1 over p², not (1/p)²
        while k < len(tokens) and tokens[k] == ("op", "²"):
            xml, k = f"<msup>{xml}<mn>2</mn></msup>", k + 1
        if nodes and nodes[-1] == ("op", "<mo>∂</mo>"):       # ∂(1/p): one thing
            nodes.pop()
            xml = f"<mrow><mo>∂</mo>{xml}</mrow>"
        while pending:
            waiting = pending.pop()
            if waiting == "√":
                xml = f"<msqrt>{xml}</msqrt>"
            else:
                before = nodes.pop()[1]
                xml = f"<mfrac>{_bare(before)}{_bare(xml)}</mfrac>" if waiting == "/" else \
                    f"<msup>{before}{xml}</msup>"
        nodes.append(("atom", xml))
        return k

    while k < len(tokens):
        kind, text = tokens[k]
        k += 1
        if kind == "close" and closing:
            return nodes, k, text
        if kind == "open":
            inner, k, closed = _parse(tokens, k, True)
            body = "".join(x for _, x in inner)
            k = atom(f"<mrow><mo>{text}</mo>{body}"
                     + (f"<mo>{closed}</mo>" if closed else "") + "</mrow>", k)
        elif kind == "number":
            k = atom(f"<mn>{text}</mn>", k)
        elif kind == "name":
            k = atom(_name(text), k)
        elif text in "/^" and nodes and nodes[-1][0] == "atom":
            pending.append(text)
        elif text == "√":
            pending.append(text)
        else:
            # a hyphen is the text notation's minus sign; a sign, not a
            # subtraction, where nothing stands before it to subtract from
            text = "−" if text == "-" else text
            sign = text == "−" and (not nodes or nodes[-1][0] == "op")
            nodes.append(("op", f'<mo form="prefix">{text}</mo>' if sign else
                          f"<mo>{html.escape(text)}</mo>"))
    return nodes, k, None


def mathml(text: str) -> str:
    """One formula of the plain notation as a MathML ``<math>`` element."""
    nodes, _, _ = _parse(_tokens(text))
    return f'<math displaystyle="true"><mrow>{"".join(x for _, x in nodes)}</mrow></math>'


def _equation(line: Line) -> list[str]:
    """A line as the board has it, each step of it under the one before:
    what = symbols, then = numbers, then = the result (a page does not
    scroll sideways, and a long product of vectors would go off its edge)."""
    parts = line.parts() or [""]
    lines = [f"{line.what} {line.relation} {parts[0]}"]
    for part in parts[1:]:
        # a sum too wide for the page goes on a line a term, not off its edge
        terms = split_top(part, (" + ",)) if len(part) > WIDE else [part]
        lines += [f"= {terms[0]}"] + [f"+ {term}" for term in terms[1:]]
    return lines


WIDE = 70      # characters: wider than a printed page's line at the page's size


STYLE = """
body { font-family: serif; max-width: 46em; margin: 2em auto; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.2em; }
h3.forward, h3.cost { color: #c0392b; } h3.backward { color: #1e8449; }
h3.update { color: #7d3c98; }
p.eq { margin: 0.45em 0 0.1em 1.5em; font-size: 1.15em; }
p.then { margin: 0.1em 0 0.1em 3.5em; font-size: 1.15em; }
p.notes { white-space: pre-wrap; }
@media print { h2 { break-before: page; } h2:first-of-type { break-before: auto; } }
"""


def traced_step(document, trace) -> tuple[str, list[tuple[str, Explanation]]]:
    """An iteration's heading and its micro-steps explained, each with its
    phase (the page colours headings by it), for :func:`handout`."""
    kinds = {n.id: n.kind for n in document.nodes}
    names = formula_names(document.nodes)
    head = f"Step {trace.step} (rows {', '.join(str(int(r)) for r in trace.rows)})"
    return head, [(micro.phase.value, explain(micro, kinds, loss_kind=document.loss.kind,
                                              trace=trace, names=names))
                  for micro in trace.steps]


def handout(title: str, notes: str, steps: list[tuple[str, list[tuple[str, Explanation]]]]) -> str:
    """The page: ``steps`` are (a step's heading, [(its micro-steps' phase,
    explanation in the plain notation)])."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
           f"<h1>{html.escape(title)}</h1>"]
    if notes:
        out.append(f'<p class="notes">{html.escape(notes)}</p>')
    for head, micro in steps:
        out.append(f"<h2>{html.escape(head)}</h2>")
        for number, (phase, expl) in enumerate(micro, 1):
            out.append(f'<h3 class="{phase}">{number}. {html.escape(expl.title)}</h3>')
            for line in expl.lines:
                first, *rest = _equation(line)
                out.append(f'<p class="eq">{mathml(first)}</p>')
                out.extend(f'<p class="then">{mathml(part)}</p>' for part in rest)
            if expl.more:
                out.append(f"<p>… and {expl.more} more parameters.</p>")
    out.append("</body></html>")
    return "\n".join(out)
