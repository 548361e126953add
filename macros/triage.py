"""Triage tree rules (filled in by the flowchart work)."""
RULES: list = []
