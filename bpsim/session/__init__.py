"""A document with its compiled engine and history.  No Qt here."""
from .history import History
from .session import Session, max_relative_error, relative_error

__all__ = ["History", "Session", "max_relative_error", "relative_error"]
