"""Dates and parties as a person writes them, in the report language ("29 mai 2008", "Canadá y Perú").

The JSON report keeps ISO codes and ISO dates (machine identifiers); the reports people read
(md, html, docx, PDF notes, the periodic report, precedents) name the countries and spell the
dates through Babel's CLDR data, offline. CLDR's territory aliases map ISO3 codes (CAN) to the
two-letter ones its names are keyed by (CA). A code CLDR does not know, or a date that is not
ISO, is shown as given. French country names need an article in running text ("le Canada", "les
Pays-Bas") that the data does not give, so the catalogue's sentences list names without one.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from functools import lru_cache

# Babel locale per report language: British English writes "29 May 2008", as UNESCO does.
_LOCALES = {"en": "en_GB", "fr": "fr", "es": "es"}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, "en_GB")


@lru_cache(maxsize=8)
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(_locale(lang)).territories)


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    from babel.core import get_global

    return {k: v[0] for k, v in get_global("territory_aliases").items() if v}


def party_name(code: str, lang: str) -> str:
    """"CAN" -> "Canada" / "Canadá"; a code CLDR does not know is shown as given."""
    key = code.strip().upper()
    key = _aliases().get(key, key) if len(key) == 3 and key.isalpha() else key
    return _territories(lang).get(key, code) if key.isalpha() and len(key) == 2 else code


def party_names(codes: Iterable[str], lang: str) -> list[str]:
    return [party_name(c, lang) for c in codes]


def parties_list(codes: Iterable[str], lang: str) -> str:
    """"Canada and Peru", "Canada et Pérou", "Canadá y Perú" (no articles: see the module)."""
    from babel.lists import format_list

    names = party_names(codes, lang)
    return format_list(names, locale=_locale(lang)) if names else ""


def is_day(value: object) -> bool:
    """The value names a day ("2008-05-29"): "signed on 29 May 2008", not "signed in 1980"."""
    m = _ISO_DATE.match(str(value).strip()[:10])
    return bool(m and m[3])


def date_text(value: object, lang: str) -> str:
    """"2008-05-29" -> "29 May 2008" / "29 mai 2008" / "29 de mayo de 2008"; "2008-05" -> "May 2008";
    anything else (a year, a date as printed) as given."""
    from babel.dates import format_date, format_skeleton

    shown = str(value).strip()
    m = _ISO_DATE.match(shown[:10]) if len(shown) in (7, 10) or "T" in shown[10:11] else None
    if not m:
        return shown
    try:
        day = _dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return shown
    if m[3] is None:
        return format_skeleton("yMMMM", day, locale=_locale(lang))
    shown = format_date(day, "long", locale=_locale(lang))
    if lang == "fr" and day.day == 1:  # French writes the first of the month "1er" (CLDR writes "1")
        shown = "1er" + shown[1:]
    return shown
