"""Ukrainian Cyrillic to Latin by the official national system (Cabinet of Ministers of Ukraine,
resolution No. 55 of 27 January 2010), used in Ukrainian passports.

Rules: letters map one to one by :data:`_TABLE`, except that є, ї, й, ю, я are written ye, yi, y,
yu, ya at the start of a word and ie, i, i, iu, ia elsewhere; the combination зг is written zgh;
the soft sign and the apostrophe are dropped.
"""

from __future__ import annotations

_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def transliterate_uk(text: str) -> str:
    """Transliterate Ukrainian text, keeping case and any character outside the alphabet."""
    out: list[str] = []
    at_word_start = True
    for i, char in enumerate(text):
        lower = char.lower()
        if lower in _TABLE:
            if lower == "г" and i > 0 and text[i - 1].lower() == "з":
                latin = "gh"
            elif at_word_start and lower in _INITIAL:
                latin = _INITIAL[lower]
            else:
                latin = _TABLE[lower]
            if char != lower and latin:
                upper_next = i + 1 < len(text) and text[i + 1].isupper()
                latin = latin.upper() if upper_next else latin.capitalize()
            out.append(latin)
            at_word_start = False
        else:
            out.append(char)
            at_word_start = not char.isalpha()
    return "".join(out)
