"""The NumPy engine: exact forward and backward passes, losses, optimizers,
batches and the micro-step trace.  Imports neither Qt nor files."""
from .data import GENERATORS, BatchPosition, Dataset, generate, single_sample
from .functions import ACTIVATIONS, GATES
from .graph import NODE_KINDS, EdgeSpec, GraphSpec, NodeSpec, compile_graph
from .losses import LOSSES, REDUCTIONS, REGULARIZATIONS
from .names import EdgeKey, ParamName
from .optimizers import OPTIMIZERS, OptimizerState
from .trace import IterationTrace, Phase, TraceRecord, assemble, build_trace, record_trace
from .training import RunResult, Settings, StepResult, StopReason, Trainer, TrainState, \
    stop_reason

__all__ = [
    "ACTIVATIONS", "GATES", "GENERATORS", "LOSSES", "NODE_KINDS", "OPTIMIZERS", "REDUCTIONS",
    "REGULARIZATIONS", "BatchPosition", "Dataset", "EdgeKey", "EdgeSpec", "GraphSpec",
    "IterationTrace", "NodeSpec", "OptimizerState", "ParamName", "Phase", "RunResult", "Settings",
    "StepResult", "StopReason", "TraceRecord", "TrainState", "Trainer", "assemble", "build_trace", "compile_graph",
    "generate", "record_trace", "single_sample", "stop_reason",
]
