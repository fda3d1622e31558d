"""A file picked in a dialog that is not a regular file is refused at once."""
import os

import pytest
from PySide6.QtWidgets import QFileDialog

from bpsim.paths import examples_dir

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_picked_as_csv_or_network_is_refused_without_waiting(window, tmp_path,
                                                                          monkeypatch):
    own = tmp_path / "mine.bpsim.json"
    window.files.open_path(XOR)
    assert window.files.save_to(own)
    pipe = tmp_path / "points.csv"
    os.mkfifo(pipe)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pipe), ""))
    window.training.import_csv()
    assert "not a regular file" in window.statusBar().currentMessage()
    assert not window.files.open_path(pipe, quiet=True)
    assert "not a regular file (a named pipe)" in window.files.last_error
    assert window.files.path == own
