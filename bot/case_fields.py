"""Reading the intake's answers with the libraries made for it: phone numbers (phonenumbers),
e-mail addresses (email-validator), countries (babel/pycountry names in German and English → ISO
3166 codes), dates (dateparser), case references. Each reader returns the canonical value
or None."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import dateparser
import phonenumbers
import pycountry
import yaml
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from rapidfuzz import fuzz, process

from bot.reference import is_valid_reference

COUNTRY_CUTOFF = 85.0
LATEST_START_YEARS = 3


def read_phone(text: str) -> Optional[str]:
    """A valid German or international number in E.164 ("+4951112345678"), or None."""
    try:
        number = phonenumbers.parse(text, "DE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


ALIASES_FILE = Path(__file__).with_name("country_aliases.yml")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _key(name: str) -> str:
    return name.strip().lower().translate(_UMLAUTS)


@lru_cache(maxsize=1)
def _country_names() -> Dict[str, str]:
    names: Dict[str, str] = dict(yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")))
    for language in ("de", "en"):
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                names[_key(name)] = code
    for country in pycountry.countries:
        names[_key(country.name)] = country.alpha_2
        names[_key(getattr(country, "common_name", country.name))] = country.alpha_2
    return names


def read_country(text: str) -> Optional[str]:
    """ISO 3166-1 alpha-2 code for a country named in German or English ("Türkei", "Morocco", "TN")."""
    cleaned = text.strip()
    if len(cleaned) in (2, 3) and cleaned.isalpha():
        found = (
            pycountry.countries.get(alpha_2=cleaned.upper())
            if len(cleaned) == 2
            else pycountry.countries.get(alpha_3=cleaned.upper())
        )
        if found:
            return found.alpha_2
    best = process.extractOne(_key(cleaned), list(_country_names()), scorer=fuzz.WRatio, score_cutoff=COUNTRY_CUTOFF)
    return _country_names()[best[0]] if best else None


def country_name(code: str, language: str) -> str:
    return str(Locale(language).territories.get(code, code))


def read_start_date(text: str, today: date) -> Optional[date]:
    """A start date after today and within three years ("1. März", "next month", "01.03.2027")."""
    parsed = dateparser.parse(
        text,
        languages=["de", "en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, time(12)),
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    if parsed is None:
        return None
    day = parsed.date()
    latest = today.replace(year=today.year + LATEST_START_YEARS)
    return day if today < day <= latest else None


_REFERENCE_IN_TEXT = re.compile(r"\bLT[\s\-]*(\d{4})[\s\-]*([0-9A-Z]{6})\b", re.IGNORECASE)
_CROCKFORD_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_EMAIL_EDGES = "<>()[]{},;:\"'«»„“”"


def read_reference(text: str) -> Optional[str]:
    """The case reference in a message ("lt-2026-7k3qzd", "LT 2026 7K3QZD"), canonical, or None."""
    match = _REFERENCE_IN_TEXT.search(text)
    if not match:
        return None
    reference = f"LT-{match.group(1)}-{match.group(2).upper().translate(_CROCKFORD_LOOKALIKES)}"
    return reference if is_valid_reference(reference) else None


def find_email(text: str) -> Optional[str]:
    """The first valid e-mail address in a sentence ("die Mail ist anna@firma.de."), normalised."""
    for word in text.split():
        candidate = word.strip(_EMAIL_EDGES).rstrip(".!?")
        if "@" not in candidate:
            continue
        try:
            return validate_email(candidate, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    return None


def find_phone(text: str) -> Optional[str]:
    """The first valid phone number in a sentence, in E.164, or None."""
    for match in phonenumbers.PhoneNumberMatcher(text, "DE"):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None
