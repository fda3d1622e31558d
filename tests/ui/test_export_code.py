"""File ▸ Export ▸ Code: the network from its own values, as a script."""
import contextlib
import io

from PySide6.QtWidgets import QFileDialog

from bpsim.paths import examples_dir


def code_menu(window):
    file_menu = window.menuBar().actions()[0].menu()
    exports = next(a.menu() for a in file_menu.actions() if a.text() == "&Export")
    return next(a.menu() for a in exports.actions() if a.text() == "&Code")


def test_the_numpy_script_written_from_the_window_trains_from_the_files_values(
        window, monkeypatch, tmp_path):
    path = examples_dir() / "xor-2-2-1.bpsim.json"
    window.files.open_path(path)
    for _ in range(30):
        window.stepping.step("iteration")         # trained: the script starts from the file
    target = tmp_path / "xor.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    menu = code_menu(window)
    assert [a.text() for a in menu.actions()] == ["NumPy script…", "PyTorch script…",
                                                  "Jupyter notebook…"]
    menu.actions()[0].trigger()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(target.read_text(), {"__name__": "__main__"})
    first = [float(line.split()[-1]) for line in out.getvalue().splitlines()[:30]]
    # the window's own run: the same costs, step for step
    trained = window.workspace.session.history.costs.tolist()
    assert len(trained) == 30
    assert max(abs(a - b) / abs(b) for a, b in zip(first, trained)) < 1e-9
    assert str(target) in window.statusBar().currentMessage()


def test_an_unwritable_place_is_said_and_nothing_is_written(window, monkeypatch, tmp_path):
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    errors = []
    monkeypatch.setattr(window.files, "show_error", errors.append)
    target = tmp_path / "no" / "x.ipynb"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    code_menu(window).actions()[2].trigger()
    assert errors and errors[0].startswith(f"error: {target}") and not target.exists()
