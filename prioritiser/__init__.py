"""prioritiser: provably optimal modernisation roadmaps for legacy estates."""

__version__ = "0.1.0"
