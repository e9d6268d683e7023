"""Patterns that are not words: identity numbers, phone numbers, e-mail, links, prices,
street addresses and personal names.

Personnummer and samordningsnummer are checked with the ``personnummer`` package
(date and Luhn checksum; a samordningsnummer is a personnummer with 60 added to the
day) and phone numbers with ``phonenumbers``; neither check is written by hand here.
Every function takes the original text or its lower-case view (same indices as the
original after ``Normalized.low_span``) and is called only after a cheap gate.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import phonenumbers
from personnummer import personnummer as _pnr

_SIX_DIGITS = re.compile(r"[0-9]{6}")
_PNR = re.compile(r"(?<![\d\-+/.,:])((?:19|20)?\d{6})\s?([-+])?\s?(\d{4})(?![\d\-/.,:]\d)")
_PHONE_WORDS = re.compile(r"ring|tel|mobil|nummer|sms|nås|nå mig|swish")
_PNR_WORDS = re.compile(r"personn|pnr|personnr|samordningsn|född")
_PHONE_QUICK = re.compile(r"[+0][0-9\s\-()]{7,}")
_PHONE_GATE = re.compile(r"(?:\+\s?46|0046|(?<!\d)0)[\s\-()]*\d[\d\s\-()]{5,}")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,}")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![@\w.\-])[a-z0-9][a-z0-9\-]{1,62}(?:\.[a-z0-9\-]{1,62})*\."
    r"(?:se|com|nu|net|org|io|ws|xyz|info|biz|shop|store|online|site|top|ru|cn|tk|ly|me|co|eu|app|link|club|live|tv|to|cc|click|vip|win|bet|casino)"
    r"(?![\w\-])(?:/[^\s<>\"']*)?"
)
# The patterns below that must not start inside a word check the character before their
# first one with a lookbehind after it ("X(?<![\w-].)" rather than "(?<![\w-])X"), and an
# alternation whose branches start differently is split in two: then the regular
# expression engine skips straight to the characters a match can start with, several
# times faster, with the same matches (tests hold them to the plain forms).
_PRICE_NUMBER = re.compile(r"\d(?:[\d\s.,]*\s?(?:kr\b|kronor|:-|sek\b|€|\$|euro\b|dollar)|\d*\s?%)")
_PRICE_WORDS = re.compile(r"\bgå ner \d+\s?kg|\bgratis\s+(?:iphone|ipad|presentkort)")
_CODE = re.compile(r"[A-ZÅÄÖ](?<![\w-].)[A-ZÅÄÖ]{2,}\d{1,4}(?![\w-])")
_STREET_NAME = re.compile(
    r"[A-ZÅÄÖ](?<![\w-].)[a-zåäöé]+(?:-[A-ZÅÄÖ]?[a-zåäöé]+)?"
    r"(?:gatan|vägen|gränd|gränden|stigen|backen|torget|allén|alle|leden|platsen|plan|stråket|gata|väg|torg)"
    r"\s+\d{1,4}\s?[A-Za-z]?(?![\w-])"
)
_FLAT_NUMBER = re.compile(r"l(?<![\w-].)(?:gh|ägenhet)\s?(?:nr\.?\s?)?\d{3,4}(?![\w-])")
_CAP_WORD = re.compile(r"[A-ZÅÄÖ](?<![\w-].)[a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?")
_SURNAME_END = re.compile(
    r"(?:son|sson|berg|ström|lund|gren|qvist|kvist|holm|dahl|ling|lin|man|mark|sten|stedt|stam|blad|bäck|fors|ek|eke|löf|lind|rot|vall|torp|by|nder|ius|zon|sjö|ö)$"
)
# Capitalised at the start of a sentence, these are mostly ordinary words.
_AMBIGUOUS_NAMES = frozenset(
    "Inga Bo Per Dan Max Liv Tor Rut Sten Stig Tim Kim Siv Tage Klara Vera Maj Signe Alma Ella Linnea Hans Axel Ali Omar Eva Viktoria Sixten Lisa Moa Tyra Liam Leo Noah".split()
)
_SENTENCE_BREAK = re.compile(r"[.!?\n]\s*$")

# Numbers that are public services, not a person's: emergency, health advice, helplines.
_SERVICE_NUMBERS = ("112", "90101", "1177", "11414", "113 13", "11313", "020", "0771", "0772", "077", "0900", "0939", "0944")

_FUNCTIONAL_MAIL = re.compile(r"^(?:info|kontakt|registrator|kommun|kundtjanst|kundtjänst|support|noreply|no-reply|webmaster|press|media|servicecenter|medborgarservice)\b|kommun|\.gov|region")
_PUBLIC_DOMAINS = re.compile(
    r"kommun|region|1177|polisen|krisinformation|skatteverket|forsakringskassan|försäkringskassan|mind\.se|svt\.se|sverigesradio|regeringen|riksdagen|lansstyrelsen|länsstyrelsen|msb\.se|folkhalsomyndigheten|arbetsformedlingen|transportstyrelsen|trafikverket|naturvardsverket|boverket|kronofogden|csn\.se|bris\.se|jourhavande|\.gov"
)


def personnummer_spans(low: str) -> list[tuple[int, int, bool]]:
    """Valid personnummer and samordningsnummer: (start, end, is_samordningsnummer)."""
    six = _SIX_DIGITS.search(low)
    if not six:
        return []
    out = []
    # A match holds six digits in a row, at most two characters after its start (the
    # century): it starts no earlier than two before the first six (the lookbehind still
    # sees the text before).
    for m in _PNR.finditer(low, max(0, six.start() - 2)):
        candidate = m.group(1) + (m.group(2) or "") + m.group(3)
        if not m.group(2) and len(m.group(1)) == 6 and m.group(1).startswith("0") and low[m.start() + 1] in "17":
            # Ten digits starting 07 or 01 may be a phone number: it is one when the words
            # around say so ("ring", "mobil") and nothing says personnummer.
            around = low[max(0, m.start() - 20) : m.start()]
            if _PHONE_WORDS.search(around) and not _PNR_WORDS.search(around):
                continue
        try:
            # The constructor parses and checks date and checksum once; it raises when invalid.
            coordination = _pnr.Personnummer(candidate).is_coordination_number()
        except Exception:  # noqa: BLE001 -- the package raises several types on odd input
            continue
        out.append((m.start(), m.end(), coordination))
    return out


def phone_spans(original: str) -> list[tuple[int, int, str]]:
    """Swedish phone numbers found by ``phonenumbers``: (start, end, kind) where kind is
    ``"personal"`` (mobile or fixed line) or ``"service"`` (toll-free, helplines)."""
    if not _PHONE_QUICK.search(original) or not _PHONE_GATE.search(original):
        return []
    out = []
    try:
        matcher = phonenumbers.PhoneNumberMatcher(original, "SE", leniency=phonenumbers.Leniency.VALID, max_tries=20)
        for match in matcher:
            number = match.number
            kind = phonenumbers.number_type(number)
            digits = re.sub(r"\D", "", match.raw_string)
            service = kind in (
                phonenumbers.PhoneNumberType.TOLL_FREE,
                phonenumbers.PhoneNumberType.PREMIUM_RATE,
                phonenumbers.PhoneNumberType.SHARED_COST,
                phonenumbers.PhoneNumberType.UAN,
                phonenumbers.PhoneNumberType.VOICEMAIL,
            ) or digits.startswith(tuple(s.replace(" ", "") for s in _SERVICE_NUMBERS))
            out.append((match.start, match.end, "service" if service else "personal"))
    except Exception:  # noqa: BLE001 -- never let a number parser stop triage
        return out
    return out


def email_spans(low: str) -> list[tuple[int, int, bool]]:
    """E-mail addresses: (start, end, is_functional) -- functional is info@, kommun.se ..."""
    if "@" not in low:
        return []
    out = []
    for m in _EMAIL.finditer(low):
        addr = m.group(0)
        out.append((m.start(), m.end(), bool(_FUNCTIONAL_MAIL.search(addr))))
    return out


def url_spans(low: str) -> list[tuple[int, int, bool]]:
    """Links and bare domains: (start, end, is_public_authority)."""
    if "." not in low:
        return []
    out = []
    for m in _URL.finditer(low):
        s, e = m.span()
        # Skip the domain part of an e-mail address.
        if s > 0 and low[s - 1] == "@":
            continue
        out.append((s, e, bool(_PUBLIC_DOMAINS.search(m.group(0)))))
    return out


_ANY_DIGIT = re.compile(r"[0-9]")


# Every price the two patterns match holds one of these: checking them first is far cheaper
# than running the pattern over every post with a digit.
_PRICE_MARKS = ("kr", ":-", "sek", "€", "$", "euro", "dollar", "%", "gå ner", "gratis")


def price_spans(low: str) -> list[tuple[int, int]]:
    if "gratis" not in low and not _ANY_DIGIT.search(low):
        return []
    for mark in _PRICE_MARKS:
        if mark in low:
            # The number patterns and the word patterns never overlap: their matches,
            # in order, are the matches of the two as one alternation.
            spans = [m.span() for m in _PRICE_NUMBER.finditer(low)]
            if "gå ner" in low or "gratis" in low:
                spans = sorted(spans + [m.span() for m in _PRICE_WORDS.finditer(low)])
            return spans
    return []


def code_spans(original: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CODE.finditer(original)]


def street_address_spans(original: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _STREET_NAME.finditer(original)]
    if "lgh" in original or "lägenhet" in original:
        # A flat number never overlaps a street address: together, in order.
        spans = sorted(spans + [m.span() for m in _FLAT_NUMBER.finditer(original)])
    return spans


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    path = Path(__file__).parent / "lexicons" / "first_names.txt"
    names: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        names.update(line.split())
    return frozenset(names)


def name_spans(original: str) -> list[tuple[int, int]]:
    """Personal names: a known first name, or two capitalised words the second of which
    ends like a Swedish surname ("Anna Berg", "Mikael Strand", "Petra", "Lisa Holm")."""
    names = first_names()
    words = [(m.start(), m.end(), m.group(0)) for m in _CAP_WORD.finditer(original)]
    out = []
    for i, (s, e, w) in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) and words[i + 1][0] == e + 1 else None
        at_start = s == 0 or bool(_SENTENCE_BREAK.search(original[max(0, s - 3) : s]))
        first = w.split("-")[0] in names
        if first and (not at_start or nxt is not None or w not in _AMBIGUOUS_NAMES):
            out.append((s, nxt[1] if nxt else e))
            continue
        if nxt is not None and not at_start and _SURNAME_END.search(nxt[2].lower()):
            out.append((s, nxt[1]))
    return out
