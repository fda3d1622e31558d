"""Ask, then reveal: the clicker's next shows a micro-step's formula with
"?" for its numbers, and the next click reveals them."""
from bpsim.document import load
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.display import display
from bpsim.session.explain import TEXT, explain, render_text, veiled
from bpsim.session.stepper import Stepper


def stepper(name: str) -> Stepper:
    return Stepper(Session.from_loaded(load(examples_dir() / name)))


def shown(st: Stepper):
    return display(st, [(e.src, e.dst) for e in st.session.document.edges])


def clicks(st: Stepper) -> list[tuple[int, bool]]:
    """(index, veiled) after each next(ask) through one iteration."""
    seen = []
    while not (st.complete and not st.veiled):
        st.next(ask=True)
        seen.append((st.index, st.veiled))
    return seen


def test_each_computed_step_is_asked_then_revealed_and_a_given_value_is_not_asked():
    st = stepper("circuit-x-plus-y-times-z.bpsim.json")
    # x, y, z are given; q, f, the cost and the five backward steps are
    # asked; a circuit's update has nothing to ask
    assert clicks(st) == [(1, False), (2, False), (3, False), (4, True), (4, False),
                          (5, True), (5, False), (6, True), (6, False),
                          *[x for k in range(7, 12) for x in ((k, True), (k, False))],
                          (12, False)]


def test_previous_takes_each_click_back_in_turn():
    st = stepper("xor-2-2-1.bpsim.json")
    for _ in range(4):
        st.next(ask=True)              # x1, x2, h1 veiled, h1 revealed
    assert (st.index, st.veiled) == (3, False)
    st.previous(ask=True)
    assert (st.index, st.veiled) == (3, True)
    st.previous(ask=True)
    assert (st.index, st.veiled) == (2, False)
    st.next(ask=True)
    assert (st.index, st.veiled) == (3, True)


def test_previous_across_an_update_veils_it_and_takes_it_back():
    st = stepper("xor-2-2-1.bpsim.json")
    start = st.session.parameters()
    clicks(st)
    assert st.complete and st.session.iteration == 1
    st.previous(ask=True)              # the update veiled again: its numbers asked
    assert st.veiled and st.complete
    st.previous(ask=True)              # back before it: not taken any more
    assert not st.complete and st.session.iteration == 0
    assert st.session.parameters() == start


def test_a_veiled_forward_step_hides_its_node_number_and_nothing_else():
    st = stepper("xor-2-2-1.bpsim.json")
    for _ in range(3):
        st.next(ask=True)              # h1 veiled
    veiled_view = shown(st)
    h1 = veiled_view.nodes["h1"]
    assert h1.out is None and h1.z is None and h1.asked == "forward"
    assert veiled_view.nodes["x1"].out is not None and veiled_view.nodes["x1"].asked is None
    assert veiled_view.veiled
    st.next(ask=True)
    revealed = shown(st).nodes["h1"]
    assert revealed.out is not None and revealed.asked is None


def test_a_veiled_backward_step_hides_its_gradients_and_the_terms_it_sends_back():
    st = stepper("xor-2-2-1.bpsim.json")
    while not (st.micro is not None and st.micro.phase == "backward" and st.micro.node == "h1"
               and st.veiled):
        st.next(ask=True)
    view = shown(st)
    h1 = view.nodes["h1"]
    assert h1.dz is None and h1.dout is None and h1.asked == "backward"
    # its lines in: ∂C/∂w computed now; its line out keeps ∂C/∂w computed
    # at o's step, revealed before
    assert view.edges["x1->h1"].grad is None and view.edges["x1->h1"].asked == "grad"
    assert view.edges["h1->o"].grad is not None and view.edges["h1->o"].asked is None
    assert view.nodes["o"].dz is not None        # an earlier step's, revealed
    st.next(ask=True)
    assert shown(st).edges["x1->h1"].grad is not None


def test_a_veiled_update_shows_the_weights_before_it_and_asks_the_new_ones():
    st = stepper("xor-2-2-1.bpsim.json")
    before = shown(st).edges["x1->h1"].weight
    while not (st.complete and st.veiled):
        st.next(ask=True)
    view = shown(st)
    assert view.edges["x1->h1"].weight == before and view.edges["x1->h1"].asked == "weight"
    st.next(ask=True)
    after = shown(st).edges["x1->h1"]
    assert after.weight != before and after.asked is None


def test_any_other_move_reveals_and_without_asking_next_is_forward():
    st = stepper("xor-2-2-1.bpsim.json")
    for _ in range(3):
        st.next(ask=True)
    assert st.veiled
    st.finish_phase()
    assert not st.veiled
    st.next()
    assert not st.veiled and st.index == 6
    st.next(ask=True)
    assert st.veiled
    st.unveil()
    assert not st.veiled and st.index == 7


def test_the_explanation_veiled_keeps_the_formulas_and_hides_every_computed_number():
    st = stepper("sigmoid-neuron.bpsim.json")
    kinds = {n.id: n.kind for n in st.session.document.nodes}
    texts = []
    for micro in st.trace.steps:
        texts.append(render_text(veiled(explain(micro, kinds, TEXT, trace=st.trace,
                                                loss_kind=st.session.document.loss.kind))))
    forward_a = texts[2]
    assert "z_a = w_x0→a·x0 + w_x1→a·x1 + b_a = ?" in forward_a
    assert "a_a = σ(z_a) = ?" in forward_a
    assert not any(ch.isdigit() for line in forward_a.splitlines()[1:]
                   for ch in line.replace("x0", "").replace("x1", ""))
    assert texts[0].splitlines()[1].strip() == "x0 = -1"     # an input's value is given
    backward = texts[4]
    assert "σ′(z_a) = σ(z_a)·(1 − σ(z_a)) = ?" in backward
    assert "0.1966" not in backward


def test_a_local_derivative_whose_rule_is_its_value_is_asked_without_it():
    """∂(x + y)/∂x = 1 would give the answer away; ∂(q·z)/∂q = z asks for z's value."""
    st = stepper("circuit-x-plus-y-times-z.bpsim.json")
    kinds = {n.id: n.kind for n in st.session.document.nodes}
    text = "\n".join(render_text(veiled(explain(m, kinds, TEXT, trace=st.trace,
                                                loss_kind="none"))) for m in st.trace.steps)
    assert "∂q/∂x = ∂(x + y)/∂x = ?" in text
    assert "∂f/∂q = ∂(q·z)/∂q = z = ?" in text


def test_previous_never_veils_a_step_with_nothing_to_ask():
    st = stepper("circuit-x-plus-y-times-z.bpsim.json")
    clicks(st)
    assert st.complete                 # the circuit's update: nothing to ask
    st.previous(ask=True)
    assert (st.index, st.veiled) == (st.total - 1, False)
    st.previous(ask=True)
    assert (st.index, st.veiled) == (st.total - 1, True)
