"""The append-only log of every write.

Each row is one log entry; its ``seq`` is its leaf index in the tamper-evident Merkle log, so
sequence numbers are contiguous from 0 and assigned under a lock on :class:`LogHead`. The
``commitment`` commits to the record's content with a private ``salt``; the salt never leaves
the database except in a deliberate disclosure. Nothing is ever deleted: a correction is a new
entry that ``supersedes`` an earlier one, with a reason and an authority.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    """Who acts. Sensitive data is shown according to role."""

    FIELD = "field", gettext_lazy("Field team")
    MORGUE = "morgue", gettext_lazy("Morgue team")
    LAB = "lab", gettext_lazy("DNA laboratory")
    BOARD = "board", gettext_lazy("Identification board")
    LIAISON = "liaison", gettext_lazy("Family liaison")
    INVESTIGATOR = "investigator", gettext_lazy("Investigator")
    ADMIN = "admin", gettext_lazy("Administrator")
    SYSTEM = "system", gettext_lazy("System (importer, demo builder)")


class ReasonCode(models.TextChoices):
    """Why a record was corrected: the closed list ``exhume.ledger.REASON_CODES``, the only part
    of a correction's reason a published log entry shows (the free text stays private)."""

    DATA_ENTRY_ERROR = "data_entry_error", gettext_lazy("Data entry or transcription error")
    NEW_EXAMINATION = "new_examination", gettext_lazy("Re-examination or new findings")
    IDENTIFICATION = "identification", gettext_lazy("Identification confirmed or withdrawn")
    ASSOCIATION = "association", gettext_lazy("Body part tied to or untied from a body")
    DUPLICATE = "duplicate", gettext_lazy("Entered twice")
    LEGAL_ORDER = "legal_order", gettext_lazy("Ordered by a court or prosecutor")
    DATA_PROTECTION = "data_protection", gettext_lazy("Personal data removed or restricted")
    OTHER = "other", gettext_lazy("Other")


class LogHead(models.Model):
    """A single row locked while appending, so that ``seq`` stays gap-free."""

    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"log of {self.size} entries"


class LogEntry(models.Model):
    """One entry of the audit log: which record, which version, committed how, by whom, when."""

    seq = models.BigIntegerField(unique=True)
    record_type = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    actor = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=16, choices=Role.choices)
    time = models.DateTimeField()
    salt = models.CharField(max_length=64)
    commitment = models.CharField(max_length=64)
    category = models.JSONField(null=True, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    #: The leaf's format (``exhume.ledger.ENTRY_FORMAT``): 1 for entries written before format 2,
    #: whose leaf holds the reason and authority in clear.
    entry_format = models.PositiveSmallIntegerField(default=1)
    #: Format 2: the reason code (``exhume.ledger.REASON_CODES``), in the leaf.
    reason_code = models.CharField(max_length=32, blank=True)
    #: Free text, private from format 2 on: the leaf holds only ``note``, a commitment to them.
    reason = models.TextField(blank=True)
    authority = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=64, blank=True)
    note_salt = models.CharField(max_length=64, blank=True)
    leaf = models.TextField(
        help_text=gettext_lazy("canonical JSON of the entry: the bytes the Merkle leaf hashes")
    )

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["record_type", "record_id", "version"])]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.record_type}:{self.record_id} v{self.version}"


class SigningKey(models.Model):
    """A public log key. Its private key lives in ``EXHUME_DATA_DIR/keys/``, never here.

    Written only by :func:`exhume.audit.keys.do_create_log_key`, which logs a ``create`` entry
    committing to this row: the log itself records every key that ever signed it. The newest
    row is the key that signs new checkpoints; older ones stay, to verify older releases.
    """

    name = models.CharField(
        max_length=200, help_text=gettext_lazy("the note key name (the log origin)")
    )
    key_id = models.CharField(
        max_length=8, unique=True, help_text=gettext_lazy("4-byte key ID, hex")
    )
    vkey = models.CharField(
        max_length=300, unique=True, help_text=gettext_lazy("<name>+<key ID>+<base64>")
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.vkey
