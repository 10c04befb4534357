"""Families and the missing: missing-person reports (relatives, consent and references later)."""
