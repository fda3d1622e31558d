"""Compared runs: kept, overlaid, saved with the network and replayed."""
from PySide6.QtWidgets import QFileDialog

from bpsim.paths import examples_dir


def test_two_runs_kept_are_drawn_together_and_come_back_with_the_file(window, monkeypatch,
                                                                       tmp_path):
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    for _ in range(40):
        window.stepping.step("iteration")
    window.actions["keep_run"].trigger()
    compare = window.compare
    assert window.docks["compare"].isVisible()
    assert [r.name for r in compare.runs] == ["η 2 · gd · full"]
    window.stepping.step("reset")
    window.training._type_lr(0.5)
    for _ in range(25):
        window.stepping.step("iteration")
    window.actions["keep_run"].trigger()
    window.refresh()
    assert [r.name for r in compare.runs] == ["η 2 · gd · full", "η 0.5 · gd · full"]
    assert [len(c.xData) for c in compare.curves] == [40, 25]
    pens = [c.opts["pen"] for c in compare.curves]
    assert pens[0].color() != pens[1].color() and pens[0].style() != pens[1].style()
    kept = [r.costs for r in compare.runs]
    target = tmp_path / "mine.bpsim.json"
    assert window.files.save_to(target)
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    window.files.open_path(target)
    window.refresh()
    assert window.docks["compare"].isVisible()                   # shown again with the file
    assert [r.costs for r in compare.runs] == kept               # replayed, the same numbers
    csv = tmp_path / "runs.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(csv), ""))
    compare.export_csv()
    lines = csv.read_text().splitlines()
    assert lines[0] == 'iteration,"η 2 · gd · full","η 0.5 · gd · full"' and len(lines) == 41
    compare.choice.setCurrentIndex(0)
    compare.remove_run()
    window.refresh()
    assert [r.name for r in compare.runs] == ["η 0.5 · gd · full"]
    window.undo.stack.undo()
    window.refresh()
    assert len(compare.runs) == 2


def test_kept_runs_draw_their_paths_on_the_landscape_in_their_curves_style(window):
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    for _ in range(20):
        window.stepping.step("iteration")
    window.actions["keep_run"].trigger()
    window.stepping.step("reset")
    window.refresh()
    landscape = window.plots.widgets["landscape"]
    landscape.choose("w:x1->h1", "w:x2->h1")
    window.refresh()
    [item] = landscape._run_items
    run = window.compare.runs[0]
    assert len(item.xData) == 21                      # the start and each iteration
    assert item.xData[-1] == run.path[-1][run.names.index("w:x1->h1")]
    assert item.opts["pen"].style() == window.compare.curves[0].opts["pen"].style()
