"""The one error type a user can cause, shared by every layer."""
from __future__ import annotations


class BpsimError(Exception):
    """Bad input: names the file, the JSON path and the problem.

    Rendered as one line, e.g.
    ``error: xor.bpsim.json: edges[3].to: unknown node "h9"``.
    """

    def __init__(self, problem: str, path: str = "", file: str = ""):
        super().__init__(problem)
        self.problem = problem
        self.path = path
        self.file = file

    def with_file(self, file: str) -> "BpsimError":
        return BpsimError(self.problem, self.path, self.file or file)

    def at(self, prefix: str) -> "BpsimError":
        """The same error under an enclosing JSON path."""
        path = f"{prefix}.{self.path}" if self.path and not self.path.startswith("[") else prefix + self.path
        return BpsimError(self.problem, path, self.file)

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.path, self.problem) if p]
        return ": ".join(parts)

    def one_line(self) -> str:
        # Problems quote the user's own text (a kind, a CSV cell, a file name);
        # a line break in it ("\r" and "\u2028" as well as "\n") would split the
        # line, another control character could drive the terminal: both are
        # shown escaped.
        return "error: " + "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(self))
