"""Colours and sizes, in one place.

The course notes draw forward values in red and gradients in green; bpsim
keeps those two families and never uses them for anything else.  Weights are
blue when positive and dashed purple when negative, so the sign is readable
without colour too.
"""
from PySide6.QtGui import QColor, QFont

FORWARD = QColor("#c0392b")        # values of the forward pass
FORWARD_LIGHT = QColor("#fdecea")
BACKWARD = QColor("#1e8449")       # gradients of the backward pass
BACKWARD_LIGHT = QColor("#e8f6ee")
POSITIVE = QColor("#2c5aa0")
NEGATIVE = QColor("#8e44ad")
CURRENT = QColor("#f1c40f")        # the node computed by the current micro-step
READ = QColor("#e67e22")           # the values it reads
TEXT = QColor("#1c2833")
MUTED = QColor("#7f8c8d")
NODE_FILL = {
    "input": QColor("#eef2f7"),
    "const": QColor("#f4f4f4"),
    "param": QColor("#fff7e0"),
    "neuron": QColor("#ffffff"),
    "op": QColor("#f7f3ff"),
}
NODE_BORDER = QColor("#34495e")
SELECTED = QColor("#2e86de")

NEURON_RADIUS = 30.0
OP_SIZE = 52.0
SOURCE_SIZE = (64.0, 40.0)


def font(size: float = 10.0, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


GATE_SYMBOL = {
    "add": "+", "mul": "×", "max": "max", "neg": "−x", "inv": "1/x", "exp": "exp",
    "log": "ln", "square": "x²", "sigmoid": "σ", "tanh": "tanh", "relu": "relu",
    "scale": "·c", "offset": "+c",
}
ACTIVATION_SHORT = {
    "identity": "id", "sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "lReLU",
    "softplus": "sp", "step": "step",
}
