"""Reduce each identifying field to one comparable form before records are compared.

Pure functions, one a field: names lose accents, case and punctuation; postcodes take the UK
`OUTWARD INWARD` form when they have it; phones become digits with a `+44` prefix for UK numbers;
addresses and towns lose punctuation and have the common street abbreviations spelt out. Every
function returns None for a value that holds nothing, so that missing is never compared as equal.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish

_NOT_NAME = re.compile(r"[^a-z\- ]+")
_SPACES = re.compile(r"\s+")
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_NOT_ALNUM = re.compile(r"[^a-z0-9 ]+")
# Placeholders that clerks type for "not known"; read as missing, not as a name or place.
_UNKNOWN = {"", "unknown", "not known", "notknown", "nk", "n/k", "na", "n/a", "none", "null", "-"}
# Street words as Royal Mail's address guidance spells them out (its Programmers' Guide lists
# the thoroughfare descriptors); "st" is left alone because it also means "saint".
_STREET_WORDS = {
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "cr": "crescent",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "pde": "parade",
    "hwy": "highway",
    "cct": "circuit",
    "apt": "flat",
}


def _ascii_lower(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _present(value: str | None) -> str | None:
    if value is None:
        return None
    text = _SPACES.sub(" ", value).strip()
    return None if text.lower() in _UNKNOWN else text


def name(value: str | None) -> str | None:
    """Return a name in lower case without accents, digits or punctuation ("O'Brien": "obrien")."""
    text = _present(value)
    if text is None:
        return None
    cleaned = _NOT_NAME.sub("", _ascii_lower(text).replace("'", "").replace("’", ""))
    cleaned = _SPACES.sub(" ", cleaned.replace(" - ", "-")).strip(" -")
    return cleaned or None


def name_parts(value: str | None) -> list[str]:
    """Return the words of a cleaned name, splitting hyphenated names too ("smith-jones")."""
    if not value:
        return []
    return [part for part in re.split(r"[ \-]+", value) if part]


def soundex(value: str | None) -> str | None:
    """Return the Soundex code of a name's first word (a blocking key that survives misspelling)."""
    parts = name_parts(value)
    return jellyfish.soundex(parts[0]) if parts else None


def metaphone(value: str | None) -> str | None:
    """Return the Metaphone code of a whole name (spaces and hyphens ignored)."""
    if not value:
        return None
    code = jellyfish.metaphone(value.replace("-", "").replace(" ", ""))
    return code or None


def postcode(value: str | None) -> str | None:
    """Return a UK postcode as `SW1A 1AA`; any other code upper-cased without spaces."""
    text = _present(value)
    if text is None:
        return None
    compact = re.sub(r"[^A-Z0-9]", "", text.upper())
    if not compact:
        return None
    match = _UK_POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else compact


def postcode_sector(value: str | None) -> str | None:
    """Return the sector of a UK postcode (`SW1A 1`), None for other codes."""
    if value and " " in value:
        return value[:-2]
    return None


def postcode_district(value: str | None) -> str | None:
    """Return the district of a UK postcode (`SW1A`), None for other codes."""
    if value and " " in value:
        return value.split(" ", 1)[0]
    return None


def phone(value: str | None) -> str | None:
    """Reduce a phone number to digits; UK numbers take the `+44` form ("07700 900123")."""
    text = _present(value)
    if text is None:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 6:
        return None
    if text.lstrip().startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0") and len(digits) in (10, 11):
        return "+44" + digits[1:]
    return digits


def email(value: str | None) -> str | None:
    """Return an email address in lower case; None if it has no `@`."""
    text = _present(value)
    if text is None or "@" not in text:
        return None
    return text.replace(" ", "").lower()


def address(value: str | None) -> str | None:
    """Return an address in lower case, punctuation removed and street words spelt out."""
    text = _present(value)
    if text is None:
        return None
    words = _NOT_ALNUM.sub(" ", _ascii_lower(text)).split()
    cleaned = " ".join(_STREET_WORDS.get(word, word) for word in words)
    return cleaned or None


def town(value: str | None) -> str | None:
    """Return a town in lower case without punctuation."""
    text = _present(value)
    if text is None:
        return None
    cleaned = " ".join(_NOT_ALNUM.sub(" ", _ascii_lower(text)).split())
    return cleaned or None


_SEXES = {
    "f": "female",
    "female": "female",
    "girl": "female",
    "woman": "female",
    "m": "male",
    "male": "male",
    "boy": "male",
    "man": "male",
    "other": "other",
    "x": "other",
}


def sex(value: str | None) -> str | None:
    """Return female, male or other; None when the sex is not known."""
    text = _present(value)
    return _SEXES.get(text.lower()) if text else None
