"""The ``*.bpsim.json`` format (contract §1) as one table of fields.

The reader checks files with it and ``scripts/make_schema.py`` writes the
JSON Schema in ``resources/`` from it.
"""
from __future__ import annotations

from ..engine import ACTIVATIONS, GATES, GENERATORS, LOSSES, NODE_KINDS, OPTIMIZERS, \
    REDUCTIONS, REGULARIZATIONS
from ..engine.data import TWO_INPUT_GENERATORS
from .fields import Boolean, Choice, Either, FreeObject, Identifier, Integer, ListOf, \
    Nullable, Number, Obj, Text, object_schema
from .limits import MAX_EDGES, MAX_NODES, MAX_NOTES_CHARS, MAX_ROWS, MAX_TITLE_CHARS

FORMAT = "bpsim"
VERSION = 1

NODE_FIELDS = {
    "id": Identifier(description="unique: letters, digits, _ and -"),
    "kind": Choice(NODE_KINDS, "node kind"),
    "activation": Choice(tuple(ACTIVATIONS), "activation", description="neurons; default identity"),
    "bias": Number(description="neurons; learnable, drawn from the seed when absent"),
    "op": Choice(tuple(GATES), "op"),
    "value": Number(description="input value without data, const value, param value, "
                                "or the constant of a scale/offset op"),
    "pos": ListOf(Number(), length=2, description="canvas position [x, y]"),
    "label": Text(description="display text"),
}

# Which fields each kind of node may carry (besides id, kind, pos, label).
KIND_FIELDS = {
    "input": ("value",),
    "const": ("value",),
    "param": ("value",),
    "neuron": ("activation", "bias"),
    "op": ("op", "value"),
}
KIND_REQUIRED = {"const": ("value",), "op": ("op",)}

EDGE_FIELDS = {
    "from": Identifier(),
    "to": Identifier(),
    "weight": Number(description="edges into neurons only; drawn from the seed when absent"),
}

LOSS_FIELDS = {
    "kind": Choice(tuple(LOSSES), "loss"),
    "reduction": Choice(REDUCTIONS, "reduction"),
}

REGULARIZATION_FIELDS = {
    "kind": Choice(REGULARIZATIONS, "regularization"),
    "lambda": Number(minimum=0.0),
}

UNIT_INTERVAL = Number(minimum=0.0, exclusive_maximum=1.0)

TRAINING_FIELDS = {
    "learning_rate": Number(exclusive_minimum=0.0),
    "optimizer": Choice(OPTIMIZERS, "optimizer"),
    "momentum": UNIT_INTERVAL,
    "beta1": UNIT_INTERVAL,
    "beta2": UNIT_INTERVAL,
    "eps": Number(exclusive_minimum=0.0),
    "batch": Either((Choice(("full", "sgd"), "batch"), Integer(minimum=1)),
                    '"full", "sgd" or an integer >= 1'),
    "shuffle": Boolean(),
    "seed": Integer(minimum=0),
    "epsilon": Nullable(Number(exclusive_minimum=0.0),
                        description="stop when the update's norm is below it"),
    "max_steps": Nullable(Integer(minimum=1)),
}

# Lists of node ids hold each node at most once, so none is longer than the
# nodes may be; a row holds an input's and a target's value at most per node.
DATA_FIELDS = {
    "inputs": ListOf(Identifier(), max_length=MAX_NODES, noun="inputs",
                     description="input node ids, in column order"),
    "targets": ListOf(Identifier(), max_length=MAX_NODES, noun="targets",
                      description="output node ids, in the order of outputs; "
                                  "absent or [] under loss none"),
    "rows": ListOf(ListOf(Number(), max_length=2 * MAX_NODES, noun="values"),
                   max_length=MAX_ROWS, noun="rows",
                   description="inputs then targets, one list per sample"),
    "csv": Text(description="a CSV file beside the network file, header naming node ids"),
    "generator": Choice(GENERATORS, "generator"),
    "samples": Integer(minimum=1, maximum=MAX_ROWS, noun="samples"),
    "noise": Number(minimum=0.0),
    "seed": Integer(minimum=0),
    "labels": Choice(("01", "pm1"), "labels"),
    "test_fraction": Number(minimum=0.0, exclusive_maximum=1.0),
}
DATA_SOURCES = ("rows", "csv", "generator")
GENERATOR_ONLY = ("samples", "noise", "seed", "labels")

TOP_FIELDS = {
    "format": Choice((FORMAT,), "format"),
    "version": Integer(minimum=1),
    "title": Text(max_length=MAX_TITLE_CHARS),
    "notes": Text(max_length=MAX_NOTES_CHARS, description="Markdown shown beside the network"),
    "nodes": ListOf(FreeObject(), max_length=MAX_NODES, noun="nodes"),
    "edges": ListOf(FreeObject(), max_length=MAX_EDGES, noun="edges"),
    "outputs": ListOf(Identifier(), min_length=1, max_length=MAX_NODES, noun="outputs"),
    "loss": Obj(LOSS_FIELDS),
    "regularization": Obj(REGULARIZATION_FIELDS),
    "training": Obj(TRAINING_FIELDS),
    "data": Obj(DATA_FIELDS, ("inputs",)),
    "view": FreeObject(description="free-form GUI state; the engine ignores it"),
}
TOP_REQUIRED = ("format", "version", "nodes", "outputs")


def json_schema() -> dict:
    """The JSON Schema of the format, generated from the tables above.

    Besides each field's type and range it states the rules that tie fields of
    one object together (the fields of each node kind, a gate's value, the
    single data source, what a generator makes, loss "none"), so that it
    rejects what the reader rejects short of ids, the graph and data values.
    """
    top = object_schema(TOP_FIELDS, TOP_REQUIRED)
    props = top["properties"]
    props["version"] = {"const": VERSION}
    props["outputs"]["uniqueItems"] = True

    node = object_schema(NODE_FIELDS, ("id", "kind"))
    node["allOf"] = [
        {"if": {"properties": {"kind": {"const": kind}}},
         "then": {"properties": {k: False for k in NODE_FIELDS
                                 if k not in (*allowed, "id", "kind", "pos", "label")},
                  **({"required": list(KIND_REQUIRED[kind])} if kind in KIND_REQUIRED else {})}}
        for kind, allowed in KIND_FIELDS.items()
    ]
    # An op's "value" is the constant of scale/offset: required there, refused elsewhere.
    valued = [name for name, gate in GATES.items() if gate.needs_value]
    unvalued = [name for name, gate in GATES.items() if not gate.needs_value]
    node["allOf"] += [
        {"if": {"properties": {"kind": {"const": "op"}, "op": {"enum": valued}},
                "required": ["kind", "op"]},
         "then": {"required": ["value"]}},
        {"if": {"properties": {"kind": {"const": "op"}, "op": {"enum": unvalued}},
                "required": ["kind", "op"]},
         "then": {"properties": {"value": False}}},
    ]
    props["nodes"]["items"] = node
    props["edges"]["items"] = object_schema(EDGE_FIELDS, ("from", "to"))

    data = props["data"]
    data["properties"]["rows"]["minItems"] = 1
    for key in ("inputs", "targets"):
        data["properties"][key]["uniqueItems"] = True
    data["oneOf"] = [{"required": [src]} for src in DATA_SOURCES]
    one_input = [g for g in GENERATORS if g not in TWO_INPUT_GENERATORS]
    data["allOf"] = [
        # samples, noise, seed and labels belong to generated data only.
        {"if": {"required": ["generator"]},
         "then": {"properties": {"targets": {"maxItems": 1}}},
         "else": {"properties": {k: False for k in GENERATOR_ONLY}}},
        {"if": {"properties": {"generator": {"enum": list(TWO_INPUT_GENERATORS)}},
                "required": ["generator"]},
         "then": {"properties": {"inputs": {"minItems": 2, "maxItems": 2}}}},
        {"if": {"properties": {"generator": {"enum": one_input}}, "required": ["generator"]},
         "then": {"properties": {"inputs": {"minItems": 1, "maxItems": 1},
                                "labels": {"const": "01"}}}},
    ]
    # Loss "none" (also when loss or its kind is absent): one output, no
    # targets (absent or []).  Any other loss: data whose targets name the outputs.
    top["if"] = {"properties": {"loss": {"properties": {"kind": {"const": "none"}}}}}
    top["then"] = {"properties": {"outputs": {"maxItems": 1},
                                  "data": {"properties": {"targets": {"maxItems": 0}}}}}
    top["else"] = {"required": ["data"],
                   "properties": {"data": {"required": ["targets"],
                                           "properties": {"targets": {"minItems": 1}}}}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://bpsim.example/schema/bpsim-1.json",
            "title": "bpsim network file, version 1", **top}
