"""Grounded question answering over the Rencontres franco-japonaises corpus."""

__version__ = "0.1.0"
