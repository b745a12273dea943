"""The Welsh catalogue: complete, in step with the code, and true to its placeholders."""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.pofile import read_po

from bot import i18n

_FIELDS = string.Formatter()


#: Every language but English (whose words are the message ids themselves).
TRANSLATED = sorted(code for code in i18n.LANGUAGES if code != i18n.SOURCE)


def _part(code: str):
    path = i18n.catalogue_path(code)
    if not path.exists():
        return None
    with path.open("rb") as file:
        return read_po(file, locale=code)


def _key(message) -> tuple[str | None, str]:
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


def _placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in _FIELDS.parse(text) if name is not None}


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_is_in_step_with_the_code(code: str) -> None:
    in_code = {(context, msgid if isinstance(msgid, str) else msgid[0])
               for context, msgid in i18n.extract()}
    part = _part(code)
    assert part is not None, f"{code} has no catalogue: python -m bot.i18n update --language {code}"
    in_catalogue = {_key(m) for m in part if m.id}
    fix = f"run: python -m bot.i18n update --language {code}, then translate what is new"
    new = sorted(m for _c, m in in_code - in_catalogue)
    gone = sorted(m for _c, m in in_catalogue - in_code)
    assert not new, f"{len(new)} new messages missing from the {code} catalogue ({fix}): {new[:5]}"
    assert not gone, f"the {code} catalogue keeps {len(gone)} messages gone from the code ({fix})"
    assert len(in_code) > 900  # the whole core and the adapters, not a corner of them


def test_the_catalogue_covers_every_wing_and_both_adapters() -> None:
    places = {where.split(":")[0].rsplit("/", 1)[0] for where in i18n.extract().values()}
    for folder in ("bot", "bot/counting", "bot/polls", "bot/timing", "bot/voices",
                   "bot/coproduction", "bot/words", "adapters/slack", "adapters/discord",
                   "adapters/console"):
        assert folder in places, folder


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_has_a_translation(code: str) -> None:
    part = _part(code)
    assert part is not None
    missing = []
    for message in part:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = part.num_plurals if isinstance(message.id, tuple) else 1
        if message.fuzzy or len(forms) != wanted or not all(form.strip() for form in forms):
            missing.append(_key(message)[1])
    assert not missing, f"{len(missing)} messages in {code} have no translation: {missing[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_english(code: str) -> None:
    part = _part(code)
    assert part is not None
    wrong = []
    for message in part:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            english = _placeholders(message.id[0]) | _placeholders(message.id[1])
            forms = message.string
        else:
            english, forms = _placeholders(message.id), (message.string,)
        for form in forms:
            if form and _placeholders(form) - english:
                wrong.append((message.id, form))
            if form and not isinstance(message.id, tuple) and _placeholders(form) != english:
                wrong.append((message.id, form))
    assert not wrong, f"placeholders differ in the {code} catalogue: {wrong[:3]}"


def test_welsh_has_six_plural_forms_from_the_cldr() -> None:
    words = i18n.translations("cy")
    # n: 0 zero, 1 one, 2 two, 3 few, 6 many, 4 other (Welsh counts 3 and 6 apart).
    forms = [words.plural(n) for n in (0, 1, 2, 3, 6, 4, 11)] if hasattr(words, "plural") else []
    assert forms == [0, 1, 2, 3, 4, 5, 5]


def test_ordinals_follow_each_language() -> None:
    assert [i18n.ordinal(n) for n in (1, 2, 3, 4, 11, 22)] == [
        "1st", "2nd", "3rd", "4th", "11th", "22nd"]
    with i18n.speaking("cy"):
        assert [i18n.ordinal(n) for n in (1, 2, 3, 4, 5, 7)] == [
            "1af", "2il", "3ydd", "4ydd", "5ed", "7fed"]


def test_a_catalogue_edited_after_compiling_is_read_from_the_po(tmp_path, monkeypatch) -> None:
    # A stale .mo (older than a .po) is not trusted: the .po is compiled in memory instead.
    mo = tmp_path / "cy" / "LC_MESSAGES" / "roundtable.mo"
    mo.parent.mkdir(parents=True)
    po = i18n.catalogue_path("cy")
    (tmp_path / "cy" / po.name).write_bytes(po.read_bytes())
    mo.write_bytes(i18n.compile_catalogue("en"))  # an empty catalogue, written first
    import os
    os.utime(mo, (0, 0))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with i18n.speaking("cy"):
            assert i18n.ordinal(1) == "1af"
    finally:
        i18n.translations.cache_clear()


def test_a_language_code_is_read_loosely() -> None:
    assert [i18n.known(code) for code in ("cy", "cy-GB", "CY_gb", "en-US", "fr", "", None)] == [
        "cy", "cy", "cy", "en", None, None, None]


def test_brace_placeholders_are_named() -> None:
    # "{}" cannot be reordered by a translator: every placeholder has a name.
    unnamed = [msgid for (_c, msgid) in i18n.extract()
               if re.search(r"\{\}|\{\d+\}", msgid if isinstance(msgid, str) else msgid[0])]
    assert not unnamed
