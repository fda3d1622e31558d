"""Edge keys and parameter names: formatted and parsed in one place, and
the strings the contract writes."""
import json
import re
from pathlib import Path

from bpsim.engine import EdgeKey, ParamName


def test_names_are_the_contracts_strings_and_know_their_parts():
    w = ParamName.weight("x1", "h1")
    assert w == "w:x1->h1" and json.dumps({w: 1}) == '{"w:x1->h1": 1}'
    assert (w.kind, w.edge, w.edge.ends, w.node) == ("w", "x1->h1", ("x1", "h1"), "h1")
    b, p = ParamName.bias("h-2"), ParamName.param("w_0")
    assert (b, b.kind, b.node) == ("b:h-2", "b", "h-2")
    assert (p, p.kind, p.node) == ("p:w_0", "p", "w_0")
    key = EdgeKey.of("a_1", "b-2")
    assert key == "a_1->b-2" and (key.src, key.dst) == ("a_1", "b-2")
    assert {ParamName("w:a->b"): 1}["w:a->b"] == 1          # a str key like any other


def test_no_other_module_formats_or_parses_them():
    root = Path(__file__).resolve().parents[2] / "bpsim"
    written = re.compile(r'f"[wbp]:\{|split\("->"\)|\}->\{|partition\(":"\)')
    found = [f"{p.relative_to(root)}:{k}" for p in root.rglob("*.py")
             if p.name != "names.py"
             for k, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if written.search(line)]
    assert found == []
