"""exhume.ledger: the pure integrity library (canonical JSON, RFC 9162 Merkle log, signed notes).

Nothing here imports Django or touches a database; the only I/O is in the explicit key-file
helpers of :mod:`exhume.ledger.keys` and the release-bundle reader/writer of
:mod:`exhume.ledger.bundle`.
"""
