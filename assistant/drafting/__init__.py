"""Speeches, onboarding briefs and their timeline, drafted from checked answers."""
