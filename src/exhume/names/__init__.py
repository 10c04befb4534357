"""Ukrainian, Russian and Latin renderings of personal names. Pure Python."""

from exhume.names.transliterate import transliterate_uk

__all__ = ["transliterate_uk"]
