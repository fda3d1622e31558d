"""One way to write a number, for the canvas and the explanation alike."""
from __future__ import annotations

import math

# (minus, infinity): the window's typography, and plain text's (a terminal, a file)
WINDOW = ("−", "∞")
PLAIN = ("-", "inf")


def number(x: float | None, digits: int, glyphs: tuple[str, str] = WINDOW) -> str:
    """``x`` to ``digits`` significant digits; "" for None, "nan", ±infinity,
    and 0 for a negative zero (a sign that only tells which way it rounded)."""
    if x is None:
        return ""
    x = float(x)
    minus, infinity = glyphs
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return infinity if x > 0 else minus + infinity
    s = f"{x:.{digits}g}"
    return "0" if s == "-0" else s.replace("-", minus)
