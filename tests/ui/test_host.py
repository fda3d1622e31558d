"""The docks and plots reach the window only through the members of
``ui/host.py``'s Host, and the window has every one of them."""
import re
from pathlib import Path

import bpsim.ui
from bpsim.ui.host import MEMBERS

UI = Path(bpsim.ui.__file__).parent
# how a dock or a plot names the window it was given
WINDOW = re.compile(r"\b(?:self\.window|win|window)\.([A-Za-z_]\w*)")


def test_docks_and_plots_use_only_the_hosts_members():
    used = {}
    for folder in ("docks", "plots"):
        for path in sorted((UI / folder).glob("*.py")):
            for name in WINDOW.findall(path.read_text(encoding="utf-8")):
                used.setdefault(name, set()).add(path.name)
    outside = {name: files for name, files in used.items() if name not in MEMBERS}
    assert not outside, f"the window reached past its Host: {outside}"
    assert {"workspace", "push", "say"} <= set(used)      # the heart of it is in use


def test_the_window_is_a_host(window):
    missing = [name for name in MEMBERS if not hasattr(window, name)]
    assert not missing
