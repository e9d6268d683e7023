"""A small linear model for the two urgent categories (distress, threat), shipped with the product.

Rules explain themselves and stay the first line; this model catches the wordings the
rules have not seen (indirect farewells, veiled threats). It may only ADD ``distress`` or
``threat`` — never remove a rule's finding — and its reason names the words that weighed
most, so an editor can judge it in a second. Features are word unigrams and bigrams of
a folded text (lower case, å/ä→a, ö→o, repeated letters collapsed), scored with a plain
dict lookup so that it costs a few microseconds a post.

Trained by ``bench/triage/train_urgent_model.py`` from the labelled sets in
``bench/triage/data`` (the held-out blind set excluded), written to
``models_data/urgent.json``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "models_data" / "urgent.json"
CATEGORIES = ("distress", "threat")

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_REPEAT = re.compile(r"(.)\1{2,}")
_TOKEN = re.compile(r"[a-z]+")


def features(text: str) -> list[tuple[str, int, int]]:
    """(feature, start, end) for unigrams and bigrams; spans point into ``text``."""
    low = text.lower()
    if len(low) != len(text):  # a rare case-mapping that changes length: spans from the lowered text
        text = low
    folded = low.translate(_FOLD)
    folded = _REPEAT.sub(lambda m: m.group(1) * 2, folded) if _REPEAT.search(folded) else folded
    same_length = len(folded) == len(text)
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    out = [(t, s, e) if same_length else (t, 0, len(text)) for t, s, e in tokens]
    for (a, s, _), (b, _, e) in zip(tokens, tokens[1:]):
        out.append((f"{a} {b}", s, e) if same_length else (f"{a} {b}", 0, len(text)))
    return out


@dataclass(frozen=True)
class UrgentModel:
    weights: dict[str, tuple[float, float]]
    bias: tuple[float, float]
    threshold: tuple[float, float]

    def score(self, text: str, min_probability: float | None = None) -> list[tuple[str, float, tuple[int, int]]]:
        """Categories whose probability passes the threshold (or ``min_probability`` when higher),
        with the span of the strongest feature."""
        totals = list(self.bias)
        best: list[tuple[float, tuple[int, int]]] = [(0.0, (0, 0)), (0.0, (0, 0))]
        seen = set()
        get = self.weights.get
        for feature, start, end in features(text):
            if feature in seen:
                continue
            seen.add(feature)
            w = get(feature)
            if w is None:
                continue
            for i in (0, 1):
                totals[i] += w[i]
                if w[i] > best[i][0]:
                    best[i] = (w[i], (start, end))
        found = []
        for i, category in enumerate(CATEGORIES):
            p = 1.0 / (1.0 + math.exp(-totals[i]))
            if p >= max(self.threshold[i], min_probability or 0.0) and best[i][0] > 0:
                found.append((category, p, best[i][1]))
        return found


@lru_cache(maxsize=1)
def load_urgent_model() -> UrgentModel | None:
    if not MODEL_PATH.is_file():
        return None
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return UrgentModel(
        weights={k: (v[0], v[1]) for k, v in data["weights"].items()},
        bias=tuple(data["bias"]),
        threshold=tuple(data["threshold"]),
    )
