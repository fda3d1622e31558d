"""Runs kept to compare: kept, written in the view section, replayed to the
same numbers."""
import json

import pytest

from bpsim.document import load, loads
from bpsim.document.writer import to_json
from bpsim.errors import BpsimError
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.runs import from_view, keep, replay, runs_csv, with_runs


def xor() -> Session:
    return Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))


def test_a_kept_run_with_a_setting_and_a_value_changed_replays_to_the_same_costs():
    s = xor()
    s.train(20)
    s.change_settings(learning_rate=0.5, optimizer="momentum")
    s.train(15)
    s.set_value("w:x1->h1", 0.25)
    s.train(10)
    run = keep(s)
    assert run.iterations == 45 and len(run.costs) == 45
    assert [k for k, _ in run.timeline] == [0, 20] and run.edits == ((35, {"w:x1->h1": 0.25}),)
    again = replay(s.document, s.dataset, run)
    assert again.costs == run.costs                     # training is deterministic


def test_runs_go_through_the_file_and_come_back_the_same():
    s = xor()
    s.train(30)
    first = keep(s, "η 2")
    s.rebuild()
    s.change_settings(learning_rate=0.1)
    s.train(30)
    second = keep(s, "η 0.1")
    doc = s.document
    doc.view = with_runs(doc.view, [first, second])
    loaded = loads(to_json(doc))
    runs = from_view(loaded.document.view)
    assert [r.name for r in runs] == ["η 2", "η 0.1"]
    assert [replay(loaded.document, loaded.dataset, r).costs for r in runs] == \
        [first.costs, second.costs]
    # the engine ignores the view: the file still trains as before
    assert Session.from_loaded(loaded).train(5).costs == list(first.costs[:5])
    assert "runs" not in with_runs(doc.view, [])


def test_a_malformed_kept_run_is_refused_by_its_place():
    for view in ({"runs": {}}, {"runs": [{"name": "x"}]},
                 {"runs": [{"name": "x", "iterations": 3, "settings": [{"from": 2}]}]},
                 {"runs": [{"name": "x", "iterations": 3,
                            "settings": [{"from": 0, "os.system": 1}]}]}):
        with pytest.raises(BpsimError) as info:
            from_view(view)
        assert info.value.path.startswith("view.runs")


def test_the_comparison_as_csv_a_column_per_run():
    s = xor()
    s.train(3)
    a = keep(s, "a")
    s.train(2)
    b = keep(s, 'say "b"')
    lines = runs_csv([a, b]).splitlines()
    assert lines[0] == 'iteration,"a","say ""b"""'
    assert lines[1] == f"1,{a.costs[0]!r},{b.costs[0]!r}"
    assert lines[5] == f"5,,{b.costs[4]!r}" and len(lines) == 6
    assert json.loads(json.dumps(a.as_view()))["iterations"] == 3
