"""A reproducible corpus of ~200-character Swedish posts for the throughput benchmark.

Posts are built from the labelled sets in ``data/`` (real-looking posts written for this
project) padded with everyday sentences, so lengths and the mix of clean, critical and
violating posts look like a municipality's comment field: most posts are ordinary.
Some posts carry a personnummer (valid checksum) so the personnummer recall of the
engine and of Presidio can be compared on the same input.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

DATA = Path(__file__).parent / "data"

FILLERS = [
    "Vi har bott här i snart tjugo år och tycker mycket om området.",
    "Tack för att ni läser det här, jag vet att ni har mycket att göra.",
    "Det gäller vägen mellan skolan och idrottshallen där många barn går.",
    "Jag skriver här eftersom ingen svarade i telefon i förmiddags.",
    "Hoppas ni har en bra helg allihop, vädret ska bli fint.",
    "Min granne tycker likadant och vi är fler som funderat på det här.",
    "Förra året var det samma sak och då tog det flera veckor.",
    "Bussen kom försent igen i morse så jag hann inte till jobbet.",
    "Det var fint på torget i lördags med alla blommor och folk ute.",
    "Vi var på biblioteket med barnen och de hade jättetrevlig personal.",
    "Jag förstår att det är svårt men någon borde titta på det.",
    "Kommunen har ju lovat bättre information i flera år nu.",
]

# Valid personnummer and samordningsnummer (checksum computed by the personnummer package).
PNR_FORMS = ["{yy}{mm}{dd}-{nnn}{c}", "{yyyy}{mm}{dd}-{nnn}{c}", "{yy}{mm}{dd}{nnn}{c}", "{yyyy}{mm}{dd}{nnn}{c}"]
PNR_SENTENCES = [
    "Han heter Per Holm och har personnummer {pnr}, kolla upp honom.",
    "Mitt personnummer är {pnr} om ni behöver det för ärendet.",
    "Grannens pnr {pnr} står på brevet som hamnade hos mig.",
    "Skriv in {pnr} i systemet så ser ni att jag har rätt.",
]


def _luhn_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def make_personnummer(rng: random.Random) -> str:
    """A personnummer (or samordningsnummer) in one of the usual written forms."""
    from personnummer import personnummer as pnr_lib

    while True:
        year = rng.randint(1930, 2015)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28) + (60 if rng.random() < 0.15 else 0)
        nnn = f"{rng.randint(0, 999):03d}"
        nine = f"{year % 100:02d}{month:02d}{day:02d}{nnn}"
        check = _luhn_digit(nine)
        form = rng.choice(PNR_FORMS)
        text = form.format(yy=f"{year % 100:02d}", yyyy=str(year), mm=f"{month:02d}", dd=f"{day:02d}", nnn=nnn, c=check)
        if pnr_lib.valid(text):
            return text


VIOLATIONS = {"distress", "threat", "hate", "defamation", "violence_porn", "crime", "copyright", "commercial", "party_political", "profanity", "personal_data", "confidential"}


def labelled_texts() -> tuple[list[str], list[str]]:
    """(ordinary posts, violating posts) from the labelled sets."""
    ordinary, violating = [], []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                (violating if VIOLATIONS & set(row["labels"]) else ordinary).append(row["text"])
    return ordinary, violating


def build_corpus(n: int, seed: int = 7, pnr_share: float = 0.05, violation_share: float = 0.15) -> tuple[list[str], list[str | None]]:
    """``n`` posts of about 200 characters, and the personnummer each carries (or None).

    ``violation_share`` of the posts start from a violating post, the rest from an
    ordinary one (question, criticism, case matter, thanks)."""
    rng = random.Random(seed)
    ordinary, violating = labelled_texts()
    posts: list[str] = []
    numbers: list[str | None] = []
    for _ in range(n):
        number = None
        if rng.random() < pnr_share:
            number = make_personnummer(rng)
            parts = [rng.choice(PNR_SENTENCES).format(pnr=number)]
        else:
            parts = [rng.choice(violating if rng.random() < violation_share else ordinary)]
        while sum(len(p) + 1 for p in parts) < 180:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(FILLERS))
        post = " ".join(p if p[-1] in ".!?…" or not p[-1].isalnum() else p + "." for p in parts)
        if len(post) > 240 and number is None:
            post = post[:240].rsplit(" ", 1)[0]
        posts.append(post)
        numbers.append(number)
    return posts, numbers
