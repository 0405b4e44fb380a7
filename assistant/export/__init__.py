"""Speeches and briefs as Markdown and Word files."""
