"""Who may see what: roles, the access policy, per-record restrictions and the access log."""
