"""Words in the reader's language: English and Welsh, through gettext catalogues (Babel).

Every person-facing string goes through here::

    _("Poll {ref} is closed.").format(ref=poll.ref)
    ngettext("{n} vote", "{n} votes", count).format(n=count)
    pgettext("stance", "block")

English is the source language: its sentences are the message ids, so English needs no
catalogue. Every other language is one gettext file, ``bot/locale/<code>/roundtable.po``
(any PO editor opens it). They are compiled with Babel into
``bot/locale/<code>/LC_MESSAGES/roundtable.mo`` when ``dev.py`` sets up, or in memory on first
use when that file is missing or older than a ``.po`` file, so a fresh clone always speaks
every language it has. Plurals follow each language's own rules from the Unicode CLDR (Welsh
has six forms: zero, one, two, few, many, other), and so do ordinals (``ordinal``).

Which language a message is written in is a context variable, set for each reader by the
core: the person's own choice (``language cy``), else their platform's locale where a
catalogue matches, else the space's language. Public posts use the space's language, or
both languages one after the other when the space is bilingual (``public``).

    python -m bot.i18n update [--language cy]  # bring a .po file in step with the code
    python -m bot.i18n compile                # write the .mo files
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime

from bot.cards import Button, Card, Text

#: The languages a person can choose, by their own name for themselves.
LANGUAGES: dict[str, str] = {"en": "English", "cy": "Cymraeg"}
SOURCE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "roundtable"

_reader: ContextVar[str] = ContextVar("roundtable_language", default=SOURCE)
_space: ContextVar[tuple[str, ...]] = ContextVar("roundtable_space_languages",
                                                  default=(SOURCE,))


def known(code: str | None) -> str | None:
    """The language of ``code`` if Roundtable speaks it ("cy-GB" -> "cy"), else None."""
    if not code:
        return None
    if code in LANGUAGES:
        return code
    base = code.replace("_", "-").split("-")[0].strip().lower()
    return base if base in LANGUAGES else None


def _mo_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _po_files(code: str) -> list[Path]:
    return sorted((LOCALE_DIR / code).glob("*.po"))


def catalogue(code: str):  # -> babel.messages.Catalog
    """Every ``.po`` file of a language, merged into one Babel catalogue."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=code, domain=DOMAIN)
    for path in _po_files(code):
        with path.open("rb") as file:
            part = read_po(file, locale=code)
        for message in part:
            if message.id and not message.fuzzy and _translated(message.string):
                merged[message.id] = message
    return merged


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def compile_catalogue(code: str) -> bytes:
    """A language's ``.po`` files as one compiled ``.mo``."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalogue(code))
    return buffer.getvalue()


def compile_all() -> list[Path]:
    """Write the ``.mo`` file of every language; returns the files written."""
    written = []
    for code in LANGUAGES:
        if code == SOURCE or not _po_files(code):
            continue
        path = _mo_path(code)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(compile_catalogue(code))
        written.append(path)
    return written


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled words of one language (English: the message ids themselves)."""
    if code == SOURCE or not _po_files(code):
        return gettext.NullTranslations()
    mo = _mo_path(code)
    newest_po = max(path.stat().st_mtime for path in _po_files(code))
    if mo.exists() and mo.stat().st_mtime >= newest_po:
        data = mo.read_bytes()
    else:
        data = compile_catalogue(code)  # a fresh clone before set-up, or a .po just edited
    return gettext.GNUTranslations(io.BytesIO(data))


def _words() -> gettext.NullTranslations:
    return translations(_reader.get())


def _(message: str) -> str:
    """``message`` in the reader's language."""
    code = _reader.get()
    # English is the message itself: the common case costs one lookup (every vote's card).
    return message if code == SOURCE else translations(code).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that suits ``n`` in the reader's language."""
    return _words().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the reader's language, where ``context`` tells short words apart."""
    return _words().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """``ngettext`` with a context."""
    return _words().npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it yet (module constants).

    Translate it where it is shown: ``_(CONSTANT)``.
    """
    return message


def current() -> str:
    """The language messages are being written in now."""
    return _reader.get()


class _Setting:
    """Sets a context variable inside a ``with`` block (lighter than ``@contextmanager``:
    one is made for every command)."""

    __slots__ = ("_token", "_value", "_variable")

    def __init__(self, variable: ContextVar, value: object) -> None:
        self._variable = variable
        self._value = value
        self._token = None

    def __enter__(self) -> None:
        # Setting a context variable copies the context: skip it when nothing changes
        # (the common case: English, everywhere, on every vote).
        if self._variable.get() != self._value:
            self._token = self._variable.set(self._value)

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            self._variable.reset(self._token)
            self._token = None


def speaking(code: str | None) -> AbstractContextManager[None]:
    """Write messages in ``code`` (the source language if None or unknown) inside."""
    return _Setting(_reader, known(code) or SOURCE)


def in_space(languages: tuple[str, ...]) -> AbstractContextManager[None]:
    """Public posts inside are written in ``languages`` (one, or two for a bilingual space)."""
    return _Setting(_space, tuple(known(code) or SOURCE for code in languages) or (SOURCE,))


def space_languages() -> tuple[str, ...]:
    """The languages of the space being served now."""
    return _space.get()


def public(build: Callable[[], Card]) -> Card:
    """A card for everyone in the space: built in the space's language, or in each of its
    languages and joined (the first language first) when the space is bilingual."""
    languages = _space.get()
    cards = []
    for code in languages:
        with speaking(code):
            cards.append(build())
    return cards[0] if len(cards) == 1 else join_cards(cards)


def public_text(build: Callable[[], str]) -> str:
    """A short text for everyone in the space (a button label, a notification line): in the
    space's language, or in each of its languages joined with " / " when it is bilingual."""
    texts = []
    for code in _space.get():
        with speaking(code):
            texts.append(build())
    return " / ".join(_unique(texts))


def join_cards(cards: list[Card]) -> Card:
    """One card that says the same thing in several languages, one after the other.

    Titles and button labels are joined with " / "; the lines follow each other with a
    short rule between languages. Buttons keep the first card's actions.
    """
    first = cards[0]
    titles = _unique(card.title for card in cards)
    lines: list = []
    for index, card in enumerate(cards):
        if index:
            lines.append(Text("—"))
        lines.extend(card.lines)
    buttons = tuple(
        Button(label=" / ".join(_unique(card.buttons[i].label for card in cards
                                        if i < len(card.buttons))),
               action=button.action, primary=button.primary,
               spoken=" / ".join(_unique(card.buttons[i].spoken for card in cards
                                         if i < len(card.buttons) and card.buttons[i].spoken)))
        for i, button in enumerate(first.buttons))
    return Card(title=" / ".join(titles), lines=tuple(lines), buttons=buttons, tone=first.tone)


def _unique(texts) -> list[str]:
    seen: list[str] = []
    for text in texts:
        if text not in seen:
            seen.append(text)
    return seen


#: Ordinal endings by CLDR category; each language's catalogue says its own ("1af", "2il").
_ORDINALS = {
    "zero": lambda: pgettext("ordinal zero", "{n}th"),
    "one": lambda: pgettext("ordinal one", "{n}st"),
    "two": lambda: pgettext("ordinal two", "{n}nd"),
    "few": lambda: pgettext("ordinal few", "{n}rd"),
    "many": lambda: pgettext("ordinal many", "{n}th"),
    "other": lambda: pgettext("ordinal other", "{n}th"),
}


def ordinal(n: int) -> str:
    """``n`` as an ordinal in the reader's language: "1st", "22nd" / "1af", "2il"."""
    category = Locale.parse(current()).ordinal_form(n)
    return _ORDINALS.get(category, _ORDINALS["other"])().format(n=n)


def format_time(when: datetime, tz: str, pattern: str | None = None) -> str:
    """A date and time in the reader's language and the zone ``tz``.

    The default reads "Friday 12 December, 17:00" / "Dydd Gwener 12 Rhagfyr, 17:00".
    """
    return format_datetime(when, pattern or "EEEE d MMMM, HH:mm", tzinfo=ZoneInfo(tz),
                           locale=current())


# -- keeping the catalogues in step with the code ------------------------------------------

_ROOT = LOCALE_DIR.parent.parent
#: A fixed date in every .po header, so that an update changes only what changed.
_EPOCH = datetime(2026, 12, 7, tzinfo=ZoneInfo("UTC"))
#: The code whose messages are in the catalogue: the core and the adapters.
SOURCES = ("bot/*.py", "bot/*/*.py", "adapters/*.py", "adapters/*/*.py")


def extract() -> dict[tuple[str | None, str | tuple[str, ...]], str]:
    """Every message marked in the code: (context, message id) -> "path:line" of its first use."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    found: dict = {}
    for pattern in SOURCES:
        for path in sorted(_ROOT.glob(pattern)):
            relative = path.relative_to(_ROOT).as_posix()
            for line, message, _comments, context in extract_from_file(
                    "python", str(path), keywords=DEFAULT_KEYWORDS):
                found.setdefault((context, message), f"{relative}:{line}")
    return found


def catalogue_path(code: str) -> Path:
    """The one ``.po`` file of a language."""
    return LOCALE_DIR / code / f"{DOMAIN}.po"


def update(code: str) -> Path:
    """Bring a language's catalogue in step with the code: new messages are added
    untranslated, gone ones are dropped, translations of the others are kept. Makes the
    catalogue of a new language. Messages come in the order of the code."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = catalogue_path(code)
    old = catalogue(code) if _po_files(code) else None
    name = LANGUAGES.get(code, code)
    new = Catalog(locale=code, domain=DOMAIN, project="Roundtable", version="1",
                  header_comment=f"# Roundtable's words in {name}.",
                  creation_date=_EPOCH, revision_date=_EPOCH, fuzzy=False,
                  last_translator="Roundtable", language_team=name)
    for (context, msgid), where in extract().items():
        kept = old.get(msgid if isinstance(msgid, str) else msgid[0], context) if old else None
        if kept is not None and kept.id == msgid:
            string = kept.string
        else:
            string = ("",) * new.num_plurals if isinstance(msgid, tuple) else ""
        file_name, line = where.rsplit(":", 1)
        new.add(msgid, string, locations=[(file_name, int(line))], context=context)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, new, width=100, sort_output=False, include_lineno=False)
    for other in _po_files(code):
        if other != path:
            other.unlink()  # one file per language
    return path


def _main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.i18n")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("update", help="bring a language's .po file in step with the code")
    up.add_argument("--language", default="cy", help="its code, e.g. cy (default) or ga")
    sub.add_parser("compile", help="write the .mo files")
    args = parser.parse_args(argv)
    if args.command == "update":
        print(update(args.language))
    else:
        for path in compile_all():
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
