"""A small linear model shipped with the product, beside the rules.

Rules explain themselves and stay the first line; this model catches wordings the rules
have not seen (an indirect farewell, a veiled threat). It covers the two urgent
categories, where a miss is the worst error the product can make; it may only ADD
``distress`` or ``threat`` — never remove a rule's finding — and its reason marks the word
that weighed most, so an editor can judge it in a second.

Features are word unigrams and bigrams of a folded text (lower case, å/ä→a, ö→o,
leetspeak digits to letters, repeated letters collapsed). Scoring is one dict lookup per
feature, a few microseconds a post.

Trained by ``bench/triage/train_base_model.py`` from the labelled sets in
``bench/triage/data`` (the held-out blind set excluded), written to
``models_data/base.json``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


MODEL_PATH = Path(__file__).parent / "models_data" / "base.json"
URGENT_THRESHOLD = 0.6

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_REPEAT = re.compile(r"(.)\1{2,}")
_TOKEN = re.compile(r"[a-z]+")


def features(text: str) -> list[tuple[str, int, int]]:
    """(feature, start, end) for unigrams and bigrams; spans point into ``text``."""
    low = text.lower()
    folded = low.translate(_FOLD)
    if _REPEAT.search(folded):
        folded = _REPEAT.sub(lambda m: m.group(1) * 2, folded)
    exact = len(folded) == len(text)
    tokens = [(m.group(), m.start(), m.end()) if exact else (m.group(), 0, len(text)) for m in _TOKEN.finditer(folded)]
    bigrams = [(f"{a} {b}", s, e) for (a, s, _), (b, _, e) in zip(tokens, tokens[1:])]
    return tokens + bigrams


@dataclass(frozen=True)
class BaseModel:
    categories: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]   # feature -> one weight per category
    bias: tuple[float, ...]
    thresholds: tuple[float, ...]

    def score(self, text: str, *, raise_bar: float = 0.0) -> list[tuple[str, float, tuple[int, int]]]:
        """Categories whose probability passes their threshold (or ``raise_bar`` when higher),
        each with the span of the feature that weighed most for it."""
        n = len(self.categories)
        totals = list(self.bias)
        best = [0.0] * n
        best_span = [(0, 0)] * n
        seen = set()
        get = self.weights.get
        for feature, start, end in features(text):
            if feature in seen:
                continue
            seen.add(feature)
            w = get(feature)
            if w is None:
                continue
            for i in range(n):
                wi = w[i]
                totals[i] += wi
                if wi > best[i]:
                    best[i] = wi
                    best_span[i] = (start, end)
        found = []
        for i in range(n):
            bar = max(self.thresholds[i], raise_bar)
            # logistic(total) >= bar  <=>  total >= logit(bar): no exp() for the posts that pass nothing
            if best[i] > 0 and totals[i] >= math.log(bar / (1.0 - bar)):
                found.append((self.categories[i], 1.0 / (1.0 + math.exp(-totals[i])), best_span[i]))
        return found


@lru_cache(maxsize=1)
def load_base_model() -> BaseModel | None:
    if not MODEL_PATH.is_file():
        return None
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return BaseModel(
        categories=tuple(data["categories"]),
        weights={k: tuple(v) for k, v in data["weights"].items()},
        bias=tuple(data["bias"]),
        thresholds=tuple(data["thresholds"]),
    )
