"""Walking an iteration micro-step by micro-step, and the workspace keeping the
session in step with edits."""
import numpy as np
import pytest

from bpsim.document import load
from bpsim.document.edits import AddEdge, AddNode, RemoveElements, SetEdgeWeight, \
    SetNodeField, SetSection
from bpsim.document.model import Edge, Node
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.display import display
from bpsim.session.stepper import Stepper
from bpsim.session.workspace import Workspace


def xor_stepper() -> Stepper:
    return Stepper(Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json")))


def test_a_walk_visits_every_phase_in_order_and_commits_at_the_update():
    st = xor_stepper()
    assert st.phase == "ready" and st.total == 2 * 5 + 2
    phases = []
    for _ in range(st.total):
        assert st.session.iteration == 0
        st.forward()
        phases.append(st.phase)
    assert phases == ["forward"] * 5 + ["cost"] + ["backward"] * 5 + ["update"]
    assert st.complete and st.session.iteration == 1
    st.forward()                                   # the next iteration begins
    assert st.iteration == 2 and st.index == 1 and st.phase == "forward"


def test_back_undoes_the_update_and_crosses_iterations():
    st = xor_stepper()
    start = st.session.parameters()
    st.finish_iteration()
    after = st.session.parameters()
    assert after != start
    st.back()                                      # off the update: not taken any more
    assert st.session.iteration == 0 and st.session.parameters() == start
    st.forward()
    assert st.session.parameters() == after
    st.forward()                                   # iteration 2, micro-step 1
    st.back()                                      # back to iteration 1, complete
    assert st.iteration == 1 and st.complete and st.session.iteration == 1
    while st.back():
        pass
    assert st.index == 0 and st.session.iteration == 0


def test_finish_phase_moves_phase_by_phase():
    st = xor_stepper()
    seen = []
    for _ in range(4):
        st.finish_phase()
        seen.append((st.phase, st.index))
    assert seen == [("forward", 5), ("cost", 6), ("backward", 11), ("update", 12)]


def test_next_epoch_with_minibatches():
    s = Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))
    s.change_settings(batch=2)
    st = Stepper(s)
    st.next_epoch()
    assert s.iteration == 2 and s.state.position.epoch == 1


def test_display_matches_the_trace_number_for_number():
    st = xor_stepper()
    edges = [(e.src, e.dst) for e in st.session.document.edges]
    while True:
        st.forward()
        shown = display(st, edges, sample=2)
        for m in st.shown("forward"):
            assert shown.nodes[m.node].out == m.out[2]
        for m in st.shown("backward"):
            assert shown.nodes[m.node].dout == m.dout[2]
            for g in m.grads:
                if g.source:
                    assert shown.edges[f"{g.source}->{m.node}"].grad == g.value
        if st.complete:
            break
    update = st.trace.steps[-1]
    mean = display(st, edges, None)
    assert mean.edges["x1->h1"].weight == update.after[update.names.index("w:x1->h1")]
    assert mean.nodes["o"].out == pytest.approx(np.mean(st.trace.steps[4].out))


def test_weights_kept_between_micro_steps_follow_the_update_and_the_edges():
    """One Picks for a whole walk, as the window keeps: the weights it keeps
    become the updated ones at the update, the next iteration's after, and
    an edge list of its own gets its own keys."""
    from bpsim.session.display import Picks
    st = xor_stepper()
    edges = [(e.src, e.dst) for e in st.session.document.edges]
    picks = Picks()
    k = st.trace.steps[-1].names.index("w:x1->h1")
    for _ in range(2):                          # two iterations
        st.forward()
        update = st.trace.steps[-1]
        assert display(st, edges, None, picks).edges["x1->h1"].weight == update.before[k]
        while not st.complete:
            st.forward()
        assert display(st, edges, None, picks).edges["x1->h1"].weight == update.after[k]
    reordered = edges[::-1]                     # another list: its own keys, in its order
    shown = display(st, reordered, None, picks)
    assert list(shown.edges) == [f"{a}->{b}" for a, b in reordered]
    assert shown.edges["x1->h1"].weight == update.after[k]


def test_current_and_read_marks():
    st = xor_stepper()
    for _ in range(3):
        st.forward()                               # forward h1 reads x1, x2
    shown = display(st, [(e.src, e.dst) for e in st.session.document.edges])
    assert shown.current == "h1" and shown.nodes["h1"].mark == "current"
    assert shown.nodes["x1"].mark == shown.nodes["x2"].mark == "read"
    assert shown.edges["x1->h1"].mark == "read" and shown.edges["h1->o"].mark is None
    while not (st.micro.phase == "backward" and st.micro.node == "h1"):
        st.forward()                               # backward h1: reads δ_o through h1->o
    shown = display(st, [(e.src, e.dst) for e in st.session.document.edges])
    assert shown.edges["h1->o"].mark == "read"
    # and works out ∂C/∂w of its incoming weights
    assert shown.edges["x1->h1"].mark == shown.edges["x2->h1"].mark == "computed"
    assert shown.edges["x1->h2"].mark is None


def xor_workspace() -> Workspace:
    return Workspace.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))


def test_a_weight_set_by_hand_mid_run_is_part_of_the_history():
    ws = xor_workspace()
    ws.session.train(5)
    SetEdgeWeight("h1", "o", 3.0).apply(ws.document)
    assert ws.session.parameters()["w:h1->o"] == 3.0
    ws.session.train(5)
    costs, final = list(ws.session.history.costs), ws.session.parameters()
    ws.session.goto(2)
    ws.session.train(8)                            # replays through the hand-set value
    assert ws.session.history.costs == costs and ws.session.parameters() == final


def test_settings_edits_apply_from_the_next_iteration():
    ws = xor_workspace()
    ws.session.train(3)
    loss = ws.document.loss
    SetSection("loss", type(loss)("mae", "mean")).apply(ws.document)
    assert ws.session.iteration == 3 and ws.session.settings.loss == "mae"
    assert ws.session.history.settings_at(1).loss == "mse"


def test_structural_edits_recompile_keeping_trained_values():
    ws = xor_workspace()
    ws.session.train(10)
    trained = ws.session.parameters()
    AddNode(Node("h3", "neuron", activation="tanh", bias=0.0)).apply(ws.document)
    AddEdge(Edge("x1", "h3", 0.2)).apply(ws.document)
    AddEdge(Edge("h3", "o", -0.1)).apply(ws.document)
    assert ws.problem is None and ws.session.iteration == 0
    params = ws.session.parameters()
    assert params["w:x1->h3"] == 0.2
    assert all(params[k] == v for k, v in trained.items())


def test_an_incomplete_network_says_why_and_recovers():
    ws = xor_workspace()
    AddNode(Node("g", "op", op="mul")).apply(ws.document)
    assert ws.session is None and "needs at least one input" in ws.problem
    assert ws.problem.startswith("node g: ")        # by its name, as the canvas shows it
    RemoveElements(["g"]).apply(ws.document)
    assert ws.problem is None and ws.stepper is not None


def test_changing_an_activation_recompiles():
    ws = xor_workspace()
    SetNodeField("h1", "activation", "relu").apply(ws.document)
    forward = {m.node: m for m in ws.stepper.trace.steps if m.phase == "forward"}
    np.testing.assert_array_equal(forward["h1"].out, np.maximum(forward["h1"].z, 0))


def test_adams_update_is_written_with_hats_that_render():
    """m̂ and v̂ in the text handout; in rich text the hatted letters are set
    in the serif face, where Qt places the circumflex over its letter (with
    DejaVu Sans it drew the marks elsewhere in the paragraph)."""
    from bpsim.session.explain import HTML, TEXT, Numbers, explain
    st = Stepper(Session.from_loaded(load(examples_dir() / "circle-with-test-split.bpsim.json")))
    st.finish_iteration()
    assert st.session.settings.optimizer == "adam"
    kinds = {n.id: n.kind for n in st.session.document.nodes}
    # the first parameter's m, v, m̂, v̂, then the parameter itself
    text = explain(st.micro, kinds, TEXT, Numbers()).lines[4].symbols
    rich = explain(st.micro, kinds, HTML, Numbers()).lines[4].symbols
    assert "m\u0302/(√v\u0302 + ε)" in text
    assert rich.count("<span style='font-family:serif'>") == 2 and "m\u0302</span>" in rich


def test_the_window_writes_negative_numbers_with_a_minus_sign_text_output_with_a_hyphen():
    from bpsim.session.explain import Numbers
    window, text = Numbers(digits=4, minus="−"), Numbers(digits=4)
    assert window.scalar(-9.287e-05) == "−9.287e−05" and text.scalar(-9.287e-05) == "-9.287e-05"
    assert window.factor(-0.5) == "(−0.5)" and text.factor(-0.5) == "(-0.5)"
    assert window.factor(0.5) == "0.5" and window.scalar(-0.0) == "0"
    # the window writes infinity as its canvas does; text output in ASCII
    assert window.scalar(float("-inf")) == "−∞" and window.scalar(float("nan")) == "nan"
    assert text.scalar(float("-inf")) == "-inf" and text.scalar(float("inf")) == "inf"


def test_one_sample_shown_writes_a_batch_sum_with_that_samples_term():
    """∂C/∂w is one number for the batch: with one sample picked, its line
    shows that sample's term of the sum, never the sample's factors alone
    next to the batch's result (which their product would not give)."""
    from bpsim.session.explain import TEXT, Numbers, explain
    st = xor_stepper()
    kinds = {n.id: n.kind for n in st.session.document.nodes}
    st.finish_phase()
    st.finish_phase()                      # forward, cost: now on the backward pass
    lines = explain(st.trace.steps[st.index - 1], kinds, TEXT, Numbers(sample=2)).lines
    output, target, cost = lines[:3]       # what the loss compares, then the cost
    step = st.trace.steps[st.index - 1]
    assert (output.what, output.result) == ("y = a_o", Numbers().scalar(step.y[0][2]))
    assert (target.what, target.result) == ("t_o", Numbers().scalar(step.t[0][2]))
    assert cost.what == "C = L"
    assert cost.numbers.startswith("mean(…, ") and cost.result == Numbers().scalar(st.trace.cost)
    while not any(g.name.startswith("w:") for g in getattr(st.micro, "grads", ())):
        st.forward()
    micro = st.micro
    g = next(g for g in micro.grads if g.name.startswith("w:"))
    num = Numbers(sample=2)
    line = next(x for x in explain(micro, kinds, TEXT, num).lines
                if x.what.endswith(f"w_{g.source}→{micro.node}"))
    assert line.symbols.startswith("Σ ")
    assert line.numbers == f"… + {num.factor(g.a_prev[2])}·{num.factor(g.delta[2])} + …"
    assert line.result == num.scalar(g.value)
    assert np.isclose(g.value, np.sum(g.a_prev * g.delta) + g.penalty)
    whole = next(x for x in explain(micro, kinds, TEXT, Numbers()).lines if x.what == line.what)
    assert whole.numbers.startswith("Σ [") and whole.result == line.result


def test_a_line_that_would_say_one_thing_twice_says_it_once():
    from bpsim.session.explain import Line, render_text, Explanation
    line = Line("∂C/∂a_o", "∂L/∂a_o", "[0.1, 0.2]", "[0.1, 0.2]")
    assert line.parts() == ["∂L/∂a_o", "[0.1, 0.2]"]
    assert Line("x1", "x1", "", "0.5").parts() == ["0.5"]
    assert render_text(Explanation("t", (line,))).endswith("∂C/∂a_o = ∂L/∂a_o = [0.1, 0.2]")


def test_titles_name_a_node_alike_both_ways_and_a_circuits_cost_is_its_output():
    from bpsim.session.explain import TEXT, Numbers, explain
    st = Stepper(Session.from_loaded(load(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")))
    kinds = {n.id: n.kind for n in st.session.document.nodes}
    titles = []
    for _ in range(st.total):
        st.forward()
        titles.append(explain(st.micro, kinds, TEXT, Numbers()).title)
    ops = [n for n, k in kinds.items() if k == "op"]
    for node in ops:
        fn = next(x.op for x in st.session.document.nodes if x.id == node)
        assert f"Forward: {fn} gate {node}" in titles
        assert f"Backward: {fn} gate {node}" in titles
    assert "Cost: the output itself" in titles
    assert not any("Backward: op" in t or "Backward: const " in t for t in titles)


def test_the_vectorized_form_shows_the_engines_numbers_a_matrix_to_a_cell():
    import re
    from bpsim.engine.trace import BackwardStep
    from bpsim.session.vectorized import _number, vectorized_html
    st = xor_stepper()
    doc = st.session.document
    st.forward()
    st.forward()
    st.forward()                                    # forward h1: the hidden layer h1, h2
    page = vectorized_html(doc, st, 4)
    z = {m.node: m.z for m in st.trace.steps if getattr(m, "kind", "") == "neuron"
         and m.phase == "forward"}
    for node in ("h1", "h2"):
        for v in z[node]:
            assert f">{_number(v, 4)}</td>" in page
    assert not re.search(r">-\d", page)             # minus signs, not hyphens
    # Z = W·A + b: the operands side by side, in one row of the equation
    row = re.search(r"<tr><td[^>]*></td><td[^>]*>=</td><td><table[^>]*><tr>(.*?)</tr></table>"
                    r"</td></tr>", page.split("W·A")[1]).group(1)
    assert row.count("<table") == 3 and "·" in row and "+" in row
    while not (isinstance(st.micro, BackwardStep) and st.micro.node in ("h1", "h2")):
        st.forward()
    page = vectorized_html(doc, st, 6)
    grads = {(g.source, m.node): g.value for m in st.trace.steps if isinstance(m, BackwardStep)
             for g in m.grads if g.source is not None and m.node in ("h1", "h2")}
    for value in grads.values():                    # dW = dZ·Aᵀ is the engine's ∂C/∂w
        assert f">{_number(value, 6)}</td>" in page
    # dZ = dA ⊙ φ′(Z), and the chain rule for vectors at a sample: diag(φ′(z))·W
    backward = {m.node: m for m in st.trace.steps if isinstance(m, BackwardStep)}
    assert "dA ⊙ φ′(Z)" in page and "D[f∘g] = Df·Dg" in page
    for node in ("h1", "h2"):
        assert f">{_number(backward[node].local[0], 6)}</td>" in page     # sample 1's φ′
    page = vectorized_html(doc, st, 6, sample=2)
    assert "sample 3 of 4" in page
    update = st.trace.steps[-1]
    w = dict(zip(update.names, update.before))
    product = backward["h1"].local[2] * w["w:x2->h1"]           # ∂a_h1/∂a_x2 at sample 3
    assert f">{_number(product, 6)}</td>" in page


def test_what_an_edit_replaced_in_the_session_is_given_back_to_its_undo():
    """Qt-free, as the undo stack drives it: begin_edit, apply, end_edit; on
    undo the revert, then restore.  A structural change hands over the run
    it started again from; a value set by hand, the value it replaced."""
    ws = Workspace.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))
    doc = ws.document
    ws.session.train(30)
    costs, theta = list(ws.session.history.costs), ws.session.state.theta.copy()
    edit = SetNodeField("h1", "activation", "tanh")
    ws.begin_edit()
    edit.apply(doc)
    memo = ws.end_edit()
    assert memo.dropped_iterations == 30 and ws.session.iteration == 0
    ws.session.train(10)
    ws.begin_edit()
    edit.revert(doc)
    ws.end_edit()
    ws.restore(memo)
    assert ws.session.iteration == 30 and ws.session.history.costs == costs
    assert np.array_equal(ws.session.state.theta, theta) and ws.stepper.session is ws.session
    value = SetEdgeWeight("x1", "h1", 2.0)
    trained = ws.session.parameters()["w:x1->h1"]
    ws.begin_edit()
    value.apply(doc)
    memo = ws.end_edit()
    assert memo.values == {"w:x1->h1": trained} and not memo.dropped_iterations
    value.revert(doc)
    assert ws.session.parameters()["w:x1->h1"] == doc.edge("x1", "h1").weight != trained
    ws.restore(memo)
    assert ws.session.parameters()["w:x1->h1"] == trained
    ws.begin_edit()
    SetSection("title", "moved on").apply(doc)      # touches nothing in the session
    assert ws.end_edit() is None


def test_a_batch_shows_its_gradients_summed_so_a_delta_is_its_bias_gradient():
    """Each sample's δ already holds its 1/m share of the cost: their batch
    mean was m times smaller than the bias's gradient in the update, their
    sum is it.  The forward values stay batch means; one sample shows its own."""
    st = xor_stepper()
    while not st.complete:
        st.forward()
    doc_edges = [(e.src, e.dst) for e in st.session.document.edges]
    shown = display(st, doc_edges)
    update = st.trace.steps[-1]
    grads = dict(zip(update.names, update.grads))
    back = {m.node: m for m in st.trace.steps if m.phase == "backward"}
    fwd = {m.node: m for m in st.trace.steps if m.phase == "forward"}
    assert shown.rows == 4 and shown.summed
    for node in ("h1", "h2", "o"):
        assert shown.nodes[node].dz == pytest.approx(grads[f"b:{node}"], rel=1e-12)
        assert shown.nodes[node].dz == pytest.approx(back[node].dz.sum(), rel=1e-12)
        assert shown.nodes[node].out == pytest.approx(fwd[node].out.mean(), rel=1e-12)
    one = display(st, doc_edges, sample=2)
    assert not one.summed
    assert one.nodes["h1"].dz == back["h1"].dz[2] and one.nodes["h1"].out == fwd["h1"].out[2]


def test_an_update_explained_up_to_max_lines_writes_those_and_counts_the_rest():
    from bpsim.session.explain import HTML, Numbers, explain
    st = Stepper(Session.from_loaded(load(examples_dir() / "circle-with-test-split.bpsim.json")))
    st.finish_iteration()
    kinds = {n.id: n.kind for n in st.session.document.nodes}
    every = explain(st.micro, kinds, HTML, Numbers())
    n = len(st.micro.names)
    # Adam: m, v, m̂, v̂ and the parameter each, then ‖Δp‖₂
    assert n > 6 and len(every.lines) == 5 * n + 1 and every.more == 0
    some = explain(st.micro, kinds, HTML, Numbers(), max_lines=20)
    assert some.lines == every.lines[:20] + every.lines[-1:] and some.more == n - 4
    # two parameters more than max_lines allows are written, not counted as "2 more"
    assert explain(st.micro, kinds, HTML, Numbers(), max_lines=5 * (n - 2)).lines == every.lines


def test_the_next_updates_arrow_traces_the_next_iteration_once():
    """A complete iteration's arrow to the next update traces that
    iteration; its first micro-step takes that trace (a second pass over
    the batch cost ms), unless the session moved on since."""
    st = xor_stepper()
    st.finish_iteration()
    names, before, after = st.next_update()
    ahead = st._ahead[-1]
    calls = []
    preview_step = st.session.preview_step
    st.session.preview_step = lambda: calls.append(1) or preview_step()
    st.forward()
    assert st.trace is ahead and calls == [] and st.index == 1
    fresh = preview_step()[1]
    assert fresh.cost == st.trace.cost
    np.testing.assert_array_equal(fresh.steps[-1].after, after)
    np.testing.assert_array_equal(st.trace.steps[-1].before, before)
    st.finish_iteration()
    st.next_update()
    st.session.set_value("w:x1->h1", 0.25)        # a value changed: traced anew
    calls.clear()
    st.forward()
    assert calls == [1] and st.trace.steps[-1].before[names.index("w:x1->h1")] == 0.25


def test_a_circuits_walk_stays_at_its_end_until_walked_again_from_its_start():
    """No parameters: every pass computes the same numbers; stepping past the
    update showed them again as "iteration 2", 3, … and Next epoch walked
    100 000 iterations looking for an epoch to end.  Then one more step at
    the end started the walk over, wiping the finished backward pass, which
    a step back could not bring back."""
    st = Stepper(Session.from_loaded(load(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")))
    assert not st.trains
    first = st.trace
    st.finish_iteration()
    assert st.complete and st.iteration == 1 and st.session.iteration == 0
    assert st.session.history.length == 0
    assert not st.forward() and st.complete       # the finished pass stays
    st.finish_iteration()
    assert st.complete and st.trace is first
    st.to_start()                                  # the walk again, the same numbers
    assert st.index == 0 and st.iteration == 1
    st.forward()
    assert st.index == 1 and st.trace.cost == first.cost
    st.back()
    assert st.index == 0 and not st.back()
    st.finish_iteration()
    assert st.back() and st.index == st.total - 1  # back over its update: nothing to undo
    st.next_epoch()
    assert st.complete and st.session.iteration == 0
    assert xor_stepper().trains


def test_home_goes_to_the_iterations_start_and_end_to_its_end_not_beyond():
    st = xor_stepper()
    st.finish_iteration()
    st.forward()
    st.forward()                                   # iteration 2, micro-step 2
    st.to_end()
    assert st.complete and st.iteration == 2 and st.session.iteration == 2
    st.to_end()                                    # at its end: not the next iteration
    assert st.complete and st.session.iteration == 2
    after = st.session.state.theta.copy()
    st.to_start()                                  # its update taken back
    assert st.index == 0 and st.iteration == 2 and st.session.iteration == 1
    st.to_start()
    assert st.index == 0 and st.session.iteration == 1
    st.to_end()
    assert st.complete and st.session.iteration == 2
    assert (st.session.state.theta == after).all()
    st.back()                                      # back across the update, as before
    assert st.index == st.total - 1 and st.session.iteration == 1


def test_histories_held_for_undo_beyond_the_newest_two_keep_few_states():
    """Each reset of a long run held all its kept states for its undo; the
    older ones now keep one every THIN_EVERY iterations, and rewinding in
    one brought back by undo replays the same numbers."""
    from bpsim.session.workspace import KEEP_WHOLE, THIN_EVERY, EditMemo
    ws = xor_workspace()
    runs = []
    for seed in range(KEEP_WHOLE + 2):
        ws.session.set_value("w:x1->h1", 0.1 * seed)
        ws.session.train(2600)
        at_1234 = ws.session.state_at(1234).theta.copy()
        runs.append((ws.session.history, at_1234, ws.reset_training()))
    oldest, at_1234, parts = runs[0]
    assert oldest.kept() <= 2600 // THIN_EVERY + 2
    assert all(h.kept() > 2000 for h, _, _ in runs[-KEEP_WHOLE:])
    ws.restore(EditMemo(parts=parts))               # its undo: the oldest run back
    assert ws.session.history is oldest and ws.session.iteration == 2600
    np.testing.assert_array_equal(ws.session.state_at(1234).theta, at_1234)
    ws.session.goto(1234)
    np.testing.assert_array_equal(ws.session.state.theta, at_1234)


def test_a_setting_changed_mid_walk_applies_from_the_next_update_and_the_walk_stays():
    """Changing η mid-walk restarted the iteration at micro-step 0."""
    import dataclasses
    ws = xor_workspace()
    st = ws.stepper
    for _ in range(7):
        st.forward()
    before = st.trace
    training = dataclasses.replace(ws.document.training, learning_rate=0.3)
    SetSection("training", training).apply(ws.document)
    st = ws.stepper
    assert st.index == 7 and st.phase == "backward"
    assert st.trace.cost == before.cost                  # the same pass
    st.to_end()
    update = st.trace.steps[-1]
    assert ws.session.iteration == 1 and update.learning_rate == 0.3
    assert np.allclose(update.after, update.before - 0.3 * update.grads)
    assert before.steps[-1].learning_rate != 0.3


def test_a_setting_changed_once_an_iteration_is_shown_whole_leaves_it_shown():
    import dataclasses
    ws = xor_workspace()
    ws.stepper.finish_iteration()
    shown = ws.stepper.trace
    SetSection("training", dataclasses.replace(ws.document.training, learning_rate=0.3)) \
        .apply(ws.document)
    assert ws.stepper.complete and ws.stepper.trace is shown
    ws.stepper.finish_iteration()                         # the next one takes it
    assert ws.stepper.trace.steps[-1].learning_rate == 0.3


def test_a_loss_change_that_needs_targets_the_data_lacks_rebuilds_not_crashes():
    """A loss change is applied as a setting, without a rebuild; one that
    reads targets the session's data lacks (or no longer reads them) was
    traced on that data and crashed: it rebuilds, and says what is missing."""
    from dataclasses import replace
    ws = Workspace.from_loaded(load(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json"))
    doc = ws.document
    assert doc.loss.kind == "none"
    SetSection("loss", replace(doc.loss, kind="mse")).apply(doc)
    assert ws.stepper is None and "targets" in ws.problem
    SetSection("loss", replace(doc.loss, kind="none")).apply(doc)
    assert ws.stepper is not None and ws.problem is None


def test_a_momentum_update_writes_its_velocity_under_the_parameter_in_markup_once():
    """v of w_x1→h1 showed its own tags ("v<sub>w<sub>…") in the window."""
    from bpsim.session.explain import HTML, TEXT, explain
    s = Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))
    s.change_settings(optimizer="momentum")
    s.train(1)
    _, trace = s.step_traced()
    kinds = {n.id: n.kind for n in s.document.nodes}
    html_lines = explain(trace.steps[-1], kinds, HTML).lines
    assert html_lines[0].what == "v<sub>w<sub>x1→h1</sub></sub>"
    assert "&lt;" not in html_lines[0].symbols
    assert explain(trace.steps[-1], kinds, TEXT).lines[0].what == "v_w_x1→h1"
