"""Cleaning what people write, so that what is kept and shown is what it looks like.

Every person-written text that is stored or echoed (questions, options, proposals,
reasons, answers, ideas, group names, check-ins) goes through ``clean_text`` first:

1. Unicode NFKC normalisation: full-width letters, ligatures and other compatibility
   forms become the plain letters they look like ("Ｙｅｓ" -> "Yes").
2. Hidden characters are removed: zero-width spaces and joiners, word joiners and
   invisible operators, the byte-order mark, the soft hyphen, blank "filler" letters,
   bidirectional controls (the right-to-left override and its kin), and every other
   control or format character (Unicode categories Cc and Cf, so terminal escape
   sequences lose their ESC). What follows an ESC stays, as the visible text it is.
3. Whitespace of every kind (newlines, tabs, no-break spaces) collapses to one space,
   and the ends are trimmed: every caller keeps a single line.

Emoji: variation selectors and skin tones are kept. The zero-width joiner (U+200D) is
kept only between two emoji, where it builds one picture (a family, a profession);
anywhere else it is removed, so "Ye<ZWJ>s" is "Yes". Emoji tag characters are removed,
so a subdivision flag (England, Scotland) falls back to a plain black flag.

A text that is empty after cleaning gets the same answer as an empty one.
"""

from __future__ import annotations

import unicodedata

_ZWJ = "\u200d"

#: Invisible characters that are not all in categories Cc or Cf, named so the list is plain.
_HIDDEN = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]      # zero-width space, joiners, LRM, RLM
    + [chr(c) for c in range(0x2060, 0x2065)]    # word joiner, invisible operators
    + [chr(c) for c in range(0x202A, 0x202F)]    # bidi embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]    # bidi isolates
    + ["\u061c",                                  # Arabic letter mark
       "\ufeff",                                  # byte-order mark / zero-width no-break
       "\u180e",                                  # Mongolian vowel separator
       "\u00ad",                                  # soft hyphen
       "\u034f",                                  # combining grapheme joiner
       "\u115f", "\u1160", "\u3164", "\uffa0",    # Hangul fillers (blank letters)
       "\u17b4", "\u17b5"]                        # Khmer invisible vowels
)
_CONTROL = frozenset({"Cc", "Cf", "Cs"})
_SKIN_TONES = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))


def _emoji_before(char: str) -> bool:
    return (unicodedata.category(char) == "So" or char == "\ufe0f"
            or char in _SKIN_TONES)


def _emoji_after(char: str) -> bool:
    return unicodedata.category(char) == "So"


def clean_text(text: str) -> str:
    """The text as people see it: normalised, hidden characters gone, on one line.

    ``clean_text("Ye\\u200bs") == "Yes"``; ``clean_text("\\x1b[31mRed") == "[31mRed"``.
    """
    if text.isascii() and text.isprintable() and "  " not in text and text == text.strip():
        # Plain printable ASCII on one line is already clean (NFKC leaves it as it is):
        # the common case, on every word of every vote, so it skips the long way.
        return text
    text = unicodedata.normalize("NFKC", text)
    kept: list[str] = []
    for index, char in enumerate(text):
        if char.isspace():
            kept.append(" ")
        elif char == _ZWJ:
            if (0 < index < len(text) - 1 and _emoji_before(text[index - 1])
                    and _emoji_after(text[index + 1])):
                kept.append(char)
        elif char in _HIDDEN or unicodedata.category(char) in _CONTROL:
            continue
        else:
            kept.append(char)
    # Removing a character can bring a letter and an accent together: compose them.
    cleaned = unicodedata.normalize("NFKC", "".join(kept))
    return " ".join(cleaned.split())
