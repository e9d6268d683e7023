"""The lexicons: YAML data files compiled into one Aho–Corasick automaton.

A lexicon file (``lexicons/*.yaml``) maps a *tag* to a list of terms::

    profanity.swear:
      - jävla
      - jävl*          # a word that starts with "jävl"
      - "*jävel"       # a word that ends with "jävel"
      - "fy fan @0.6"  # a phrase, with its own weight (default 1.0)

Terms are matched in ``Normalized.norm`` (lower case, leetspeak, masks and spacing
undone) at word boundaries unless a ``*`` opens that end. Each term is added in the
form written and in its variants: without å/ä/ö (``javla``, ``jaevla``), with double
letters made single (the text's runs of three or more are made single too), and, for
tags listed under ``_masked`` in a file, with inner letters masked (``j*vla``, ``f*n``).
A tag named in ``_masked`` gets these mask variants for every term.

The whole set compiles into one automaton; ``Lexicon.scan(norm)`` returns the hits by
tag in one pass over the text.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import yaml

from .normalize import normalize_term

try:  # the scan's hits gathered in C (setup.py builds it where a C compiler is found)
    from ._squeeze import collect_hits as _collect_hits
except ImportError:  # pragma: no cover - the same loop in Python (Lexicon.scan)
    _collect_hits = None

LEXICON_DIR = Path(__file__).parent / "lexicons"
# Emoji and symbol blocks: a cheap test before the exact emoji pattern.
_EMOJI_RANGE = re.compile("[\u2190-\u2bff\U0001F000-\U0001FAFF]")


def _latin1(text: str) -> bool:
    """Only Latin-1 characters (Swedish text mostly is): no emoji. Encoding a text CPython
    already stores one byte a character is a copy, far cheaper than a regex scan."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True

# Common Swedish words that are also a lexicon term with å/ä/ö taken away; such a
# variant would fire on innocent text ("vald" is elected, "våld" is violence).
_FOLD_STOP = frozenset(
    """vald valde do bog bogar rosta rostar rov rovet for far har ar pa sa mal mala hor las
    lar fa ga na ma da ater tar ra sta sla la ta ko kon koer nar mot bar fora fara bara
    gora hora dor sjo sno sot kor kora fore hog las lasa mor dod doda fors brann kalla lana fardig man""".split()
)

_FOLDS = {"å": ("a", "aa"), "ä": ("a", "ae"), "ö": ("o", "oe"), "é": ("e",), "ü": ("u",)}


# A hit: (start, end, weight, term) with start and end in the padded ``norm``.
Hit = tuple[int, int, float, str]


def _parse_term(raw: str) -> tuple[str, float]:
    raw = str(raw).strip()
    weight = 1.0
    if " @" in raw:
        raw, w = raw.rsplit(" @", 1)
        weight = float(w)
    return raw.strip(), weight


def _diacritic_variants(body: str) -> list[str]:
    slots = [(c, _FOLDS[c]) for c in body if c in _FOLDS]
    if not slots:
        return []
    if len(slots) > 4:
        slots = slots[:4]
    out = []
    positions = [i for i, c in enumerate(body) if c in _FOLDS][: len(slots)]
    for choice in itertools.product(*[(c, *alts) for c, alts in slots]):
        chars = list(body)
        for pos, rep in zip(positions, choice, strict=True):
            chars[pos] = rep
        variant = "".join(chars)
        if variant != body:
            out.append(variant)
    return out


def _single_letters(body: str) -> str:
    out = []
    for c in body:
        if out and out[-1] == c and c.isalpha():
            continue
        out.append(c)
    return "".join(out)


def _masked_variants(body: str) -> list[str]:
    out = []
    words = body.split(" ")
    for wi, word in enumerate(words):
        n = len(word)
        if n < 3:
            continue
        for start in range(1, n - 1):
            for end in range(start + 1, n):
                masked = word[:start] + "*" * (end - start) + word[end:]
                out.append(" ".join(words[:wi] + [masked] + words[wi + 1 :]))
        if n <= 5 and len(words) == 1:
            # "f-n", "f.n": the mask becomes a space in the lexicon view.
            for i in range(1, n - 1):
                out.append(word[:i] + " " + word[i + 1 :])
    return out


def term_keys(raw: str, masked: bool = False) -> list[str]:
    """Every automaton key for one lexicon term, boundary spaces included."""
    open_start = raw.startswith("*")
    open_end = raw.endswith("*") and not raw.endswith("**")
    body = normalize_term(raw.strip("*") if (open_start or open_end) else raw)
    if open_start and body.startswith("*"):
        body = body.lstrip("*")
    if not body:
        return []
    bodies = {body}
    for variant in _diacritic_variants(body):
        if " " in variant or variant not in _FOLD_STOP:
            bodies.add(variant)
    if masked:
        # Only for swearing: the text's "fittttta" becomes "fita", so "fitta" needs that form
        # too. Elsewhere the single-letter form hits other words ("grattis" -> "gratis").
        for b in list(bodies):
            single = _single_letters(b)
            if single != b and (" " in single or single not in _FOLD_STOP):
                bodies.add(single)
        for b in list(bodies):
            bodies.update(_masked_variants(b))
    left = "" if open_start else " "
    right = "" if open_end else " "
    return [left + b + right for b in bodies]


class Lexicon:
    """All terms of all files in one automaton, and the emoji beside it."""

    def __init__(self, terms: dict[str, list[tuple[str, float]]], masked_tags: frozenset[str] = frozenset()):
        self.tags = frozenset(terms)
        table: dict = {}
        emoji: dict[str, list[tuple[str, float, str]]] = {}
        for tag, entries in terms.items():
            for raw, weight in entries:
                if not any(ch.isalnum() for ch in raw):
                    # Emoji are matched in the lower-case view (the lexicon view drops them).
                    emoji.setdefault(raw.replace("\ufe0f", ""), []).append((tag, weight, raw))
                    continue
                for key in term_keys(raw, masked=tag in masked_tags):
                    table.setdefault(key, []).append((tag, weight, raw))
        self._automaton = self._build(table)
        self.size = len(table) + len(emoji)
        self._emoji = emoji
        self._emoji_gate = _EMOJI_RANGE if emoji else None
        self._emoji_re = re.compile("|".join(re.escape(e) for e in sorted(emoji, key=len, reverse=True))) if emoji else None

    @staticmethod
    def _build(table: dict) -> tuple[ahocorasick_rs.AhoCorasick | None, tuple]:
        """The automaton (a contiguous NFA of the ``aho-corasick`` Rust crate, overlapping matches in
        the order they end, longest first) and each key's payload by its index."""
        keys = list(table)
        # (lead, trail, tag, weight, term, tag, weight, term, ...): flat, so gathering a
        # match's hits follows one pointer, not three.
        payloads = tuple((1 if key.startswith(" ") else 0, 1 if key.endswith(" ") else 0, *itertools.chain.from_iterable(table[key])) for key in keys)
        if not keys:
            return None, payloads
        # The contiguous NFA, not the DFA: in a loop of its own the DFA is a little faster,
        # but inside the engine, where the rules and the model take turns with the CPU's
        # caches, the NFA's far smaller tables make every post about 6 % faster (ADR 0100,
        # addendum 5). Both find the same matches in the same order.
        automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        return automaton, payloads

    def scan_emoji(self, low: str) -> list[tuple[int, int, str, float, str]]:
        """Emoji hits in ``low``: (start, end, tag, weight, term)."""
        if self._emoji_re is None or _latin1(low) or not self._emoji_gate.search(low):
            return []
        out = []
        for m in self._emoji_re.finditer(low):
            for tag, weight, raw in self._emoji[m.group(0)]:
                out.append((m.start(), m.end(), tag, weight, raw))
        return out

    def scan(self, norm: str) -> dict[str, list[Hit]]:
        """Every term's hits in ``norm`` by tag: (start, end, weight, term), in the order
        they end."""
        automaton, payloads = self._automaton
        if automaton is None:
            return {}
        matches = automaton.find_matches_as_indexes(norm, overlapping=True)
        if _collect_hits is not None:
            return _collect_hits(matches, payloads)
        hits: dict[str, list[Hit]] = {}
        for index, start, stop in matches:
            payload = payloads[index]
            start += payload[0]
            stop -= payload[1]
            for j in range(2, len(payload), 3):
                hits.setdefault(payload[j], []).append((start, stop, payload[j + 1], payload[j + 2]))
        return hits


# libyaml's safe loader where PyYAML was built with it (its wheels are): the same data,
# read about twenty times faster, which is most of the engine's start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_lexicon_files(directory: Path = LEXICON_DIR) -> tuple[dict[str, list[tuple[str, float]]], frozenset[str]]:
    terms: dict[str, list[tuple[str, float]]] = {}
    masked: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        for tag, entries in data.items():
            if tag == "_masked":
                masked.update(entries)
                continue
            bucket = terms.setdefault(tag, [])
            for raw in entries or ():
                bucket.append(_parse_term(raw))
    return terms, frozenset(masked)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    terms, masked = read_lexicon_files()
    return Lexicon(terms, masked)
