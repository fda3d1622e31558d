"""The command line answers as contract §2 says."""
import json
import subprocess
import sys

import numpy as np
import pytest

from bpsim import __version__
from bpsim.cli.main import main
from bpsim.document import load
from bpsim.paths import examples_dir

XOR = str(examples_dir() / "xor-2-2-1.bpsim.json")
CIRCUIT = str(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
SINGLE = str(examples_dir() / "single-weight-regression.bpsim.json")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_trace_json_has_the_contract_shape(capsys):
    code, out, _ = run(capsys, "trace", XOR, "--format", "json", "--steps", "2")
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "bpsim-trace" and doc["version"] == 1
    assert [s["step"] for s in doc["steps"]] == [1, 2]
    step = doc["steps"][0]
    assert step["rows"] == [0, 1, 2, 3]
    assert step["cost"] == step["loss"] + step["penalty"]
    assert set(step["nodes"]["x1"]) == {"out", "dout"}
    assert set(step["nodes"]["h1"]) == {"z", "out", "dz", "dout"}
    assert all(len(v) == 4 for v in step["nodes"]["h1"].values())
    names = {"w:x1->h1", "w:x2->h1", "b:h1", "w:x1->h2", "w:x2->h2", "b:h2",
             "w:h1->o", "w:h2->o", "b:o"}
    assert set(step["params"]) == set(step["grads"]) == set(step["updated"]) == names
    lr = 2.0
    for k in names:
        assert step["updated"][k] == pytest.approx(step["params"][k] - lr * step["grads"][k],
                                                   rel=1e-15)
        assert doc["steps"][1]["params"][k] == step["updated"][k]


def test_trace_text_and_markdown_are_handouts(capsys):
    code, out, _ = run(capsys, "trace", CIRCUIT)
    assert code == 0
    assert "q = x + y = (-2) + 5 = 3" in out
    assert "f = q·z = 3·(-4) = -12" in out
    # a circuit's output is its cost, and the notes write the gradients ∂f/∂x
    assert "∂f/∂x = ∂q/∂x·∂f/∂q = 1·(-4) = -4" in out
    assert "Backward: mul gate f\n    ∂f/∂f = 1\n" in out and "∂L" not in out and "∂C" not in out
    code, out, _ = run(capsys, "trace", XOR, "--format", "markdown")
    assert "∂C/∂a_o = ∂L/∂a_o" in out
    assert out.startswith("# XOR")
    assert "δ_o = σ′(z_o)·∂C/∂a_o" in out
    assert "w_x1→h1 ← w_x1→h1 − η·g" in out


def test_trace_text_and_json_write_each_local_derivative_by_its_rule(capsys):
    code, out, _ = run(capsys, "trace", CIRCUIT)
    assert "∂f/∂q = ∂(q·z)/∂q = z = -4" in out and "∂q/∂x = ∂(x + y)/∂x = 1" in out
    # read by the output alone, q's gradient is its local derivative: said once
    assert "∂f/∂q·∂f/∂f" not in out
    code, out, _ = run(capsys, "trace", XOR)
    assert "σ′(z_o) = σ(z_o)·(1 − σ(z_o)) = " in out
    assert "∂L/∂a_o = 2·(y − t)/n = 2·(" in out
    code, out, _ = run(capsys, "trace", CIRCUIT, "--format", "json")
    explained = json.loads(out)["steps"][0]["explanation"]
    assert len(explained) == 12 and explained[0]["title"] == "Forward: input x"
    rules = {line["what"]: line["rule"] for micro in explained for line in micro["lines"]
             if "rule" in line}
    # the cost's own (a circuit's output is the cost), then each gate's
    assert rules == {"∂f/∂f": "1", "∂f/∂q": "z", "∂f/∂z": "q", "∂q/∂y": "1", "∂q/∂x": "1"}
    # only a local derivative's line has a rule
    chain = next(line for line in explained[10]["lines"] if line["what"] == "∂f/∂x")
    assert "rule" not in chain and chain["numbers"] == "1·(-4)" and chain["result"] == "-4"


def test_train_json_and_out(capsys, tmp_path):
    out_file = tmp_path / "trained.bpsim.json"
    code, out, _ = run(capsys, "train", XOR, "--steps", "50", "--format", "json",
                       "--out", str(out_file))
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "bpsim-train" and doc["steps"] == 50
    assert len(doc["costs"]) == 50 and doc["stopped"] == "max_steps"
    assert doc["costs"][-1] < doc["costs"][0]
    trained = load(out_file).document
    assert trained.edges[0].weight == doc["params"]["w:x1->h1"]
    # and the trained file continues where training stopped
    code, out, _ = run(capsys, "train", str(out_file), "--steps", "1", "--format", "json")
    assert json.loads(out)["costs"][0] < doc["costs"][-1]


def test_train_defaults_to_max_steps(capsys):
    code, out, _ = run(capsys, "train", SINGLE, "--format", "json")
    assert json.loads(out)["steps"] == 100          # the file's max_steps


def test_train_divergence_exits_3_with_null_cost(capsys, tmp_path):
    net = json.loads(open(SINGLE).read())
    net["training"]["learning_rate"] = 1.0
    path = tmp_path / "blowup.bpsim.json"
    path.write_text(json.dumps(net))
    code, out, _ = run(capsys, "train", str(path), "--steps", "2000", "--format", "json")
    assert code == 3
    doc = json.loads(out)
    assert doc["stopped"] == "diverged"
    assert doc["steps"] == len(doc["costs"]) - 1
    assert all(np.isfinite(v) for v in doc["params"].values())
    code, out, _ = run(capsys, "trace", str(path), "--steps", "2000", "--format", "json")
    assert code == 3
    last = json.loads(out)["steps"][-1]
    assert "updated" not in last


def test_gradcheck(capsys):
    code, out, _ = run(capsys, "gradcheck", XOR, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["max_rel_error"] < 1e-6
    for v in doc["params"].values():
        assert v["analytic"] == pytest.approx(v["numeric"], rel=1e-6, abs=1e-9)
    code, out, _ = run(capsys, "gradcheck", XOR)
    assert "max relative error" in out


def test_test_costs_are_reported_with_a_split(capsys, tmp_path):
    net = json.loads(open(SINGLE).read())
    net["data"]["test_fraction"] = 0.25
    path = tmp_path / "split.bpsim.json"
    path.write_text(json.dumps(net))
    code, out, _ = run(capsys, "train", str(path), "--steps", "5", "--format", "json")
    doc = json.loads(out)
    assert len(doc["test_costs"]) == 5
    w, x, t = 0.0, np.array([1.0, 2, 3]), np.array([2.1, 3.9, 6.2])
    assert doc["test_costs"][0] == pytest.approx((4 * w - 7.8) ** 2)
    for _ in range(1):
        w -= net["training"]["learning_rate"] * np.sum(2 * x * (x * w - t))
    assert doc["test_costs"][1] == pytest.approx((4 * w - 7.8) ** 2, rel=1e-12)


def test_version_and_python_m():
    out = subprocess.run([sys.executable, "-m", "bpsim", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == f"bpsim {__version__}"
    out = subprocess.run([sys.executable, "-m", "bpsim", "trace", CIRCUIT, "--format", "json"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["steps"][0]["cost"] == -12.0


def test_json_output_is_strict(capsys, tmp_path):
    net = json.loads(open(CIRCUIT).read())
    net["nodes"][0]["value"] = 1e308
    net["nodes"][1]["value"] = 1e308
    path = tmp_path / "inf.bpsim.json"
    path.write_text(json.dumps(net))
    code, out, _ = run(capsys, "trace", str(path), "--format", "json")
    assert code == 3                      # the cost is -inf
    assert "Infinity" not in out and "NaN" not in out
    assert json.loads(out)["steps"][0]["cost"] is None


def test_out_into_a_missing_folder_is_refused_before_training(capsys, tmp_path):
    out = tmp_path / "nowhere" / "x.bpsim.json"
    code, stdout, err = run(capsys, "train", XOR, "--out", str(out))
    assert code == 2 and stdout == ""
    assert err == f'error: {out}: no such folder "{out.parent}"\n'


def test_a_key_given_twice_is_refused_with_its_path(capsys, tmp_path):
    text = open(CIRCUIT).read().replace('"value": -2,', '"value": -2, "value": 7,', 1)
    path = tmp_path / "twice.bpsim.json"
    path.write_text(text)
    code, _, err = run(capsys, "trace", str(path))
    assert code == 2 and err == f'error: {path}: nodes[0].value: key "value" given twice\n'


def test_a_byte_order_mark_is_accepted(capsys, tmp_path):
    path = tmp_path / "bom.bpsim.json"
    path.write_bytes(b"\xef\xbb\xbf" + open(CIRCUIT, "rb").read())
    code, out, _ = run(capsys, "trace", str(path), "--format", "json")
    assert code == 0 and json.loads(out)["steps"][0]["cost"] == -12.0


def test_progress_bar_on_a_terminal_only():
    import io

    from bpsim.cli.commands import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    class Result:
        step, cost = 100, 0.125

    term, pipe = Terminal(), io.StringIO()
    for stream in (term, pipe):
        bar = Progress(100, stream)
        bar(Result())
        bar.close()
    assert "100/100" in term.getvalue() and "cost 0.125" in term.getvalue()
    assert pipe.getvalue() == ""
