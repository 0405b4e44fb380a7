"""From shown sentences to a checked, cited answer: the evidence-first engine."""
