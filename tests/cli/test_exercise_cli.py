"""bpsim exercise new and check, as a teacher grades with them."""
import json

from bpsim.cli.main import main
from bpsim.paths import examples_dir

XOR = str(examples_dir() / "xor-2-2-1.bpsim.json")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def first_step(capsys, path) -> dict:
    code, out, _ = run(capsys, "trace", str(path), "--format", "json")
    assert code == 0
    return json.loads(out)["steps"][0]


def test_a_new_exercise_is_an_ordinary_network_file_the_same_for_a_seed(capsys, tmp_path):
    a, b = tmp_path / "a.bpsim.json", tmp_path / "b.bpsim.json"
    for path in (a, b):
        code, _, err = run(capsys, "exercise", "new", "--kind", "layered", "--seed", "5",
                           "-o", str(path))
        assert code == 0 and not err
    assert a.read_text() == b.read_text()
    assert run(capsys, "train", str(a), "--steps", "3", "--format", "json")[0] == 0
    doc = json.loads(a.read_text())
    assert [n["kind"] for n in doc["nodes"]].count("neuron") == 3


def test_the_traces_own_first_step_scores_full_marks(capsys, tmp_path):
    net = tmp_path / "c.bpsim.json"
    run(capsys, "exercise", "new", "--kind", "circuit", "--seed", "2", "-o", str(net))
    step = first_step(capsys, net)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(step))            # a trace step, given back whole
    code, out, _ = run(capsys, "exercise", "check", str(net), str(answers), "--format", "json")
    doc = json.loads(out)
    assert code == 0
    n = sum(len(v) for v in step["nodes"].values()) + len(step["grads"]) + \
        len(step["updated"]) + 1                     # and the cost
    assert doc["score"] == doc["of"] == n
    assert all(a["correct"] and "diagnosis" not in a for a in doc["answers"])


def test_a_wrong_answer_is_graded_with_its_diagnosis_and_the_worked_formula(capsys, tmp_path):
    step = first_step(capsys, XOR)
    name = "w:h1->o"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"grads": {name: -step["grads"][name]},
                                   "nodes": {"h1": {"out": step["nodes"]["h1"]["out"]}}}))
    code, out, _ = run(capsys, "exercise", "check", XOR, str(answers), "--format", "json")
    assert code == 0                                # whatever the score
    doc = json.loads(out)
    assert (doc["score"], doc["of"]) == (1, 2)
    wrong = next(a for a in doc["answers"] if not a["correct"])
    assert wrong["path"] == f"grads.{name}" and wrong["diagnosis"] == "sign"
    assert wrong["expected"] == step["grads"][name]
    assert wrong["worked"].startswith("∂C/∂w_h1→o = Σ a_h1·δ_o")
    code, out, _ = run(capsys, "exercise", "check", XOR, str(answers))
    assert "wrong: sign" in out and "worked: ∂C/∂w_h1→o" in out and "score: 1 of 2" in out


def test_bad_answers_are_refused_in_one_line_naming_the_file_and_the_path(capsys, tmp_path):
    answers = tmp_path / "answers.json"
    for text, where in [('{"nodes": {"h9": {"out": 1}}}', "nodes.h9.out"),
                        ('{"grads": {"b:o": "abc"}}', "grads.b:o"),
                        ('{"grads": ', "line 1")]:
        answers.write_text(text)
        code, out, err = run(capsys, "exercise", "check", XOR, str(answers))
        assert code == 2 and not out
        assert err.startswith(f"error: {answers}: {where}") and err.count("\n") == 1
    code, _, err = run(capsys, "exercise", "check", str(tmp_path / "none.json"), str(answers))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "exercise", "new", "--kind", "circuit", "--seed", "1",
                       "-o", str(tmp_path / "no" / "x.json"))
    assert code == 2 and "no such folder" in err
