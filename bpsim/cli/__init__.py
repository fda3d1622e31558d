"""The headless command line (contract §2).  No Qt here."""
from .main import main

__all__ = ["main"]
