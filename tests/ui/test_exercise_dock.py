"""The Exercise dock: a step's hidden numbers typed, checked and revealed."""
from PySide6.QtCore import Qt

from bpsim.session.exercise import DIAGNOSES


def start(window, kind="neuron", seed=1):
    ex = window.exercise
    ex.kind.setCurrentText(kind)
    ex.seed.setValue(seed)
    ex.new_exercise()
    return ex


def step_to_veiled(window):
    for _ in range(40):
        window.stepping.step("next")
        if window.stepper.veiled:
            return
    raise AssertionError("no step was asked")


def test_a_new_exercise_opens_as_new_work_and_asks_each_hidden_number(window, qtbot):
    ex = start(window)
    assert window.workspace.document.title == "Exercise: neuron, seed 1"
    assert window.workspace.path is None and ex.active and ex.start.isChecked()
    window.stepping.step("next")                      # x1: given, not asked
    assert window.stepper.index == 1 and not window.stepper.veiled
    step_to_veiled(window)
    st = window.stepper
    assert list(ex.fields) == ["nodes.a.z", "nodes.a.out"]
    assert window.scene.nodes["a"].forward_text.text() == "?"
    assert "Exercise dock" in window.explanation.text.toPlainText()
    z, out = float(st.micro.z[0]), float(st.micro.out[0])
    ex.fields["nodes.a.z"].setText(repr(z))
    ex.fields["nodes.a.out"].setText(repr(-out))        # the sign flipped
    qtbot.keyClick(ex.fields["nodes.a.out"], Qt.Key_Return)
    assert not st.veiled                                  # checked, then revealed
    text = ex.feedback.text()
    assert "✓" in text and "✗" in text and DIAGNOSES["sign"] in text
    assert ex.score_label.text() == "Score: 1 of 2"
    assert window.scene.nodes["a"].forward_text.text() != "?"


def test_hiding_gradients_alone_asks_the_backward_pass_only(window):
    ex = start(window, "layered", 2)
    ex.hide_boxes["values"].setChecked(False)
    ex.hide_boxes["updates"].setChecked(False)
    step_to_veiled(window)
    st = window.stepper
    assert st.phase == "backward" and st.micro.node == "o"
    assert list(ex.fields) == ["nodes.o.dout", "nodes.o.dz", "grads.w:h1->o", "grads.w:h2->o",
                               "grads.b:o"]


def test_a_wrong_kind_of_text_is_said_and_the_step_stays_asked(window):
    ex = start(window)
    step_to_veiled(window)
    ex.fields["nodes.a.z"].setText("abc")
    ex.check_answers()
    assert window.stepper.veiled and "not a number" in ex.feedback.text()
    assert ex.score_label.text() == "Score: 0 of 0"


def test_stopping_reveals_and_the_clicker_steps_as_before(window):
    ex = start(window)
    step_to_veiled(window)
    ex.start.setChecked(False)
    assert not ex.active and window.stepping.exercise is None
    assert not window.stepper.veiled
    index = window.stepper.index
    window.stepping.step("next")
    assert window.stepper.index == index + 1 and not window.stepper.veiled


def test_a_batch_is_answered_row_by_row_or_for_the_sample_picked(window):
    from bpsim.paths import examples_dir
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    ex = window.exercise
    ex.start.setChecked(True)
    step_to_veiled(window)                           # h1: z over the batch's 4 rows
    z = window.stepper.micro.z
    assert "4 rows" in ex.question.text()
    ex.fields["nodes.h1.z"].setText("; ".join(repr(float(v)) for v in z))
    ex.fields["nodes.h1.out"].setText("0.5")          # one value for four rows: said, not graded
    ex.check_answers()
    assert window.stepper.veiled and "separated by ;" in ex.feedback.text()
    assert "a_h1" in ex.feedback.text()
    window.stepping.set_sample(3)                    # the tool bar's "sample 2": asked for it
    assert window.stepper.veiled and "sample 2" in ex.question.text()
    ex.fields["nodes.h1.z"].setText(repr(float(z[2])))
    ex.check_answers()
    assert not window.stepper.veiled and ex.score_label.text() == "Score: 1 of 1 (1 left blank)"

