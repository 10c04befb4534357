"""Ukrainian and English: the message catalogue, compiled without a system gettext tool.

``locale/uk/LC_MESSAGES/django.po`` (in the package) is the source; Babel compiles it to the
``.mo`` Django reads, at start-up when the ``.mo`` is missing or older (:mod:`.catalog`).
:mod:`.extract` lists every marked message of the templates and Python code, finds strings
left unmarked, and updates the ``.po`` (``python -m exhume.translations.extract``).
"""
