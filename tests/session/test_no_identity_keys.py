"""No view or session object tells staleness by ``id()``: the id of a freed
object is given to the next one made, and a cache keyed on it answered for
another iteration (the stepper's next update, 34 times in a walk of 20 000
moves).  Staleness comes from the session's announcements (``Watch``)."""
import re
from pathlib import Path

import bpsim

ROOT = Path(bpsim.__file__).parent
ID_CALL = re.compile(r"(?<![\w.])(?<!def )id\(")


def test_no_module_of_the_session_or_the_window_calls_id():
    found = []
    for folder in ("session", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if ID_CALL.search(code):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
