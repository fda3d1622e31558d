"""Where bpsim's shipped files are: examples and the JSON Schema."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

# resources/ at the top of the checkout installs as the bpsim.resources package.
_CHECKOUT = Path(__file__).resolve().parent.parent / "resources"


def resources_dir() -> Path:
    # the schema tells bpsim's own folder from another package's "resources"
    if (_CHECKOUT / "bpsim.schema.json").is_file():
        return _CHECKOUT
    from importlib.resources import files
    return Path(str(files("bpsim.resources")))


def examples_dir() -> Path:
    return resources_dir() / "examples"


def examples() -> list[Path]:
    return sorted(examples_dir().glob("*.bpsim.json"))


@dataclass(frozen=True)
class Lesson:
    path: Path
    title: str
    vectorized: bool = False     # the explanation shows the vectorized form


def example_title(path: Path) -> str:
    """An example's title (its file name if it has none)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("title") or path.name
    except (OSError, ValueError):
        return path.name


def lessons() -> list[Lesson]:
    """The examples in the course's order (``examples/lessons.json``), each
    titled as its lesson; an example the list leaves out comes after."""
    folder = examples_dir()
    listed = json.loads((folder / "lessons.json").read_text(encoding="utf-8"))["lessons"]
    out = [Lesson(folder / entry["file"], entry.get("title") or example_title(folder / entry["file"]),
                  bool(entry.get("vectorized", False))) for entry in listed]
    named = {lesson.path.name for lesson in out}
    return out + [Lesson(p, example_title(p)) for p in examples() if p.name not in named]


def is_example(path: str | Path | None) -> bool:
    """One of bpsim's own examples: opened to learn from, saved elsewhere."""
    return path is not None and _in_examples(str(path))


@functools.lru_cache(maxsize=64)
def _in_examples(path: str) -> bool:
    # asked at every refresh of the window (is the work modified?): the
    # paths resolved once, not with eight lstat calls a micro-step
    return Path(path).resolve().parent == examples_dir().resolve()
