"""The audit trail: every change of state appends one log entry in the same transaction."""
