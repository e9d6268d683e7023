"""Normalisation of Swedish as it is typed on social media, with an offset map.

One pass per step, each done by the C code of ``str`` and ``re`` where it can be (steps 4
to 6 by one pass of ``_squeeze.c`` where it was built, with the same result):

1. Unicode NFKC and removal of invisible characters (zero-width space, soft hyphen,
   variation selectors) -- only for the rare text that needs it.
2. Lower case.
3. Leetspeak inside words that mix letters and digits (``h0ra``, ``j4vla``, ``$kit``).
4. Everything that is not a letter, digit or ``*`` (the usual mask) becomes a space.
5. Letters typed one at a time are joined (``j ä v l a``, ``h-o-r-a``, ``j.ä.v.l.a``).
6. Runs of three or more of the same letter become one (``jääääävla``). Spaces are
   not merged: lexicon terms are matched between spaces, however many.

Steps 1, 5 and 6 delete characters; ``offsets`` maps every index of the normalised
text back to the index in the original text, so spans shown to people point at what
the poster wrote. å, ä and ö are kept: ``höra`` must not become ``hora``. The
lexicons carry the spellings without them (``javla``) as extra variants instead.
"""

from __future__ import annotations

import re
import unicodedata

# Format characters used to hide words from filters, and emoji variation selectors.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]")
_NONWORD = re.compile(r"[^\w *]")
_SPACED_HINT = re.compile(r" \w \w ")
_SPACED = re.compile(r"(?<![\w*])(?:[^\W\d_] ){2,}[^\W\d_](?![\w*])")
_RUNS = re.compile(r"(.)\1\1+")
_LEET_CHARS = frozenset("0123456789@$!|")
# A leet character with a letter on at least one side (checked further in ``_apply_leet``).
_LEET_ANY = re.compile(r"[0-9@$|!](?:(?<=[a-zåäöéüæø].)|(?=[a-zåäöéüæø]))")
_LEET_TABLE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i", "|": "l"})
_TRAILING_DIGITS = re.compile(r"^(.*?[^\W\d_]{2,})(\d+)$")

try:  # steps 4 to 6 in C (setup.py builds it where a C compiler is found)
    from ._squeeze import has_leet as _has_leet
    from ._squeeze import latin1_lower as _latin1_lower
    from ._squeeze import squeeze as _squeeze
except ImportError:  # pragma: no cover - the same steps with regular expressions
    _squeeze = None
    _has_leet = None
    _latin1_lower = None


def _latin1_table() -> bytes:
    """For ``_squeeze.latin1_lower``: the lower case of each of the first 256 code points,
    then 1 for each one that steps 1 and 2 must see in full (NFKC changes it, it is
    invisible, or its lower case is not one Latin-1 character)."""
    lower = bytearray(256)
    slow = bytearray(256)
    for code in range(256):
        ch = chr(code)
        low = ch.lower()
        if not unicodedata.is_normalized("NFKC", ch) or _INVISIBLE.match(ch) or len(low) != 1 or ord(low) > 255:
            slow[code] = 1
        else:
            lower[code] = ord(low)
    return bytes(lower + slow)


_LATIN1_TABLE = _latin1_table()


class Normalized:
    """The views of one text.

    ``low``: lower case, same length as ``base`` (for number, e-mail and link patterns).
    ``norm``: the lexicon view, padded with one space at each end.
    ``low_offsets`` / ``norm_offsets``: index in ``low`` / ``norm`` -> index in the
    original text, or ``None`` when the index is the same.
    """

    __slots__ = ("original", "low", "low_offsets", "norm", "norm_offsets")

    def __init__(self, original: str, low: str, low_offsets: list[int] | None, norm: str, norm_offsets: list[int] | None):
        self.original = original
        self.low = low
        self.low_offsets = low_offsets
        self.norm = norm
        self.norm_offsets = norm_offsets

    def low_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``low`` as a span of the original text."""
        if self.low_offsets is None:
            return (start, end)
        return _map_span(self.low_offsets, start, end, len(self.original))

    def norm_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``norm`` (padded indices) as a span of the original text."""
        start -= 1
        end -= 1
        if self.norm_offsets is None:
            n = len(self.original)
            return (max(0, min(start, n)), max(0, min(end, n)))
        return _map_span(self.norm_offsets, start, end, len(self.original))


def _map_span(offsets: list[int], start: int, end: int, n: int) -> tuple[int, int]:
    last = len(offsets) - 1
    start = max(0, min(start, last))
    end = max(start, min(end, last))
    if end == start:
        s = offsets[start]
        return (s, s)
    # The end is one past the last character: map the last character and step over it.
    return (offsets[start], min(n, offsets[end - 1] + 1))


def _rebuild(s: str, offsets: list[int] | None, deletions: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Delete the ``[start, end)`` ranges (sorted, disjoint) and carry the offsets along."""
    if offsets is None:
        offsets = list(range(len(s) + 1))
    parts: list[str] = []
    offs: list[int] = []
    pos = 0
    for start, end in deletions:
        parts.append(s[pos:start])
        offs.extend(offsets[pos:start])
        pos = end
    parts.append(s[pos:])
    offs.extend(offsets[pos:])
    return "".join(parts), offs


def _nfkc_with_map(text: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(text):
        if _INVISIBLE.match(ch):
            continue
        out = unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch
        parts.append(out)
        offs.extend([i] * len(out))
    offs.append(len(text))
    return "".join(parts), offs


def _lower_with_map(s: str, offsets: list[int] | None) -> tuple[str, list[int]]:
    if offsets is None:
        offsets = list(range(len(s) + 1))
    parts: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(s):
        out = ch.lower()
        parts.append(out)
        offs.extend([offsets[i]] * len(out))
    offs.append(offsets[len(s)])
    return "".join(parts), offs


def _leet_token(token: str) -> str:
    tail = _TRAILING_DIGITS.match(token)
    if tail and not any(c in _LEET_CHARS for c in tail.group(1)):
        return token  # a code like "kommun20" or "covid19": not leetspeak
    letters = sum(1 for c in token if c.isalpha())
    if letters < 2:
        return token  # "4a", "b12"
    return token.translate(_LEET_TABLE)


def _apply_leet(t: str) -> str:
    """Translate leetspeak inside the tokens that mix letters and leet characters."""
    out = list(t)
    n = len(t)
    done_until = -1
    for m in _LEET_ANY.finditer(t):
        i = m.start()
        if i < done_until:
            continue
        c = t[i]
        before = i > 0 and t[i - 1].isalpha()
        after = i + 1 < n and t[i + 1].isalpha()
        if not ((before and after) if c in "!|" else (before or after)):
            continue
        start = i
        while start > 0 and (t[start - 1].isalnum() or t[start - 1] in _LEET_CHARS):
            start -= 1
        end = i + 1
        while end < n and (t[end].isalnum() or t[end] in _LEET_CHARS):
            end += 1
        # "!" and "|" at the end of a word are punctuation, not letters.
        while end > start and t[end - 1] in "!|":
            end -= 1
        token = t[start:end]
        if any(ch.isalpha() for ch in token):
            out[start:end] = _leet_token(token)
        done_until = end
    return "".join(out)


def normalize(text: str) -> Normalized:
    offsets: list[int] | None = None
    s = text
    # Most posts are Latin-1 (Swedish letters, no emoji) with nothing for step 1 to do:
    # their lower case is one table lookup a character, in C.
    low = None if s.isascii() or _latin1_lower is None else _latin1_lower(s, _LATIN1_TABLE)
    if low is None:
        if not s.isascii() and (not unicodedata.is_normalized("NFKC", s) or _INVISIBLE.search(s)):
            s, offsets = _nfkc_with_map(s)
        low = s.lower()
        if len(low) != len(s):
            low, offsets = _lower_with_map(s, offsets)
    low_offsets = offsets
    t = low
    if (_has_leet(t) if _has_leet is not None else _LEET_ANY.search(t)):
        t = _apply_leet(t)
    if _squeeze is not None:
        t, kept = _squeeze(t)
        if kept is not None:
            offsets = kept if offsets is None else [offsets[i] for i in kept]
    else:
        t, offsets = squeeze_python(t, offsets)
    return Normalized(text, low, low_offsets, " " + t + " ", offsets)


def squeeze_python(t: str, offsets: list[int] | None) -> tuple[str, list[int] | None]:
    """Steps 4 to 6 (``_squeeze.c`` does the same in one pass)."""
    t = _NONWORD.sub(" ", t)
    if "_" in t:
        t = t.replace("_", " ")
    if _SPACED_HINT.search(t) or (len(t) > 3 and t[1] == " " and t[3] == " "):
        dels = []
        for m in _SPACED.finditer(t):
            dels.extend((i, i + 1) for i in range(m.start() + 1, m.end(), 2))
        if dels:
            t, offsets = _rebuild(t, offsets, dels)
    runs = [(m.start() + 1, m.end()) for m in _RUNS.finditer(t) if m.group(1).isalpha()]
    if runs:
        t, offsets = _rebuild(t, offsets, runs)
    return t, offsets


def normalize_term(term: str) -> str:
    """A lexicon term in the same form as ``Normalized.norm`` (without padding)."""
    t = term.lower()
    t = _NONWORD.sub(" ", t)
    t = _RUNS.sub(lambda m: m.group(0)[0], t)
    return " ".join(t.split())
