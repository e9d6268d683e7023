"""A small linear model shipped with the product, beside the rules.

Rules explain themselves and stay the first line; this model catches wordings the rules
have not seen (an indirect farewell, a veiled threat). It covers the two urgent
categories, where a miss is the worst error the product can make; it may only ADD
``distress`` or ``threat`` — never remove a rule's finding — and its reason marks the word
that weighed most, so an editor can judge it in a second.

Features are the word unigrams and bigrams of the rules' own normalised text
(``Normalized.norm``: lower case, leetspeak, masking and repeated letters already undone)
with å/ä→a and ö→o folded, so both spellings count the same. Scoring is one
Aho–Corasick scan over that text for all the model's words and word pairs at once, some
microseconds a post.

Trained by ``bench/triage/train_base_model.py`` from the labelled sets in
``bench/triage/data`` (the held-out blind set excluded), written to
``models_data/base.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

from .normalize import Normalized, normalize

MODEL_PATH = Path(__file__).parent / "models_data" / "base.json"
URGENT_THRESHOLD = 0.7

def _fold(norm: str) -> str:
    """å/ä→a, ö→o (and é, ü, the mask ``*``); chained ``replace`` is much faster than ``translate``."""
    if norm.isascii():
        return norm.replace("*", " ")
    return norm.replace("å", "a").replace("ä", "a").replace("ö", "o").replace("é", "e").replace("ü", "u").replace("*", " ")


def features(norm: str) -> list[str]:
    """Unigrams and bigrams of a normalised text (``Normalized.norm``)."""
    words = _fold(norm).split()
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def text_features(text: str) -> list[str]:
    """The same features straight from a post (for training)."""
    return features(normalize(text).norm)


@dataclass(frozen=True)
class BaseModel:
    categories: tuple[str, ...]
    weights: dict[str, tuple[float, float]]   # feature -> (distress, threat)
    bias: tuple[float, float]
    thresholds: tuple[float, float]
    automaton: ahocorasick.Automaton = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        automaton = ahocorasick.Automaton()
        for feature, (w0, w1) in self.weights.items():
            automaton.add_word(f" {feature} ", (feature, w0, w1))
        automaton.make_automaton()
        object.__setattr__(self, "automaton", automaton)

    def score(self, nz: Normalized, *, raise_bar: float = 0.0) -> list[tuple[str, float, tuple[int, int]]]:
        """Categories whose probability passes their threshold (or ``raise_bar`` when higher),
        each with the span (in the original text) of the feature that weighed most for it."""
        t0, t1 = self.bias
        b0 = b1 = 0.0
        f0 = f1 = ""
        seen = set()
        folded = " ".join(_fold(nz.norm).split()).join("  ")
        for _, (feature, w0, w1) in self.automaton.iter(folded):
            if feature in seen:
                continue
            seen.add(feature)
            t0 += w0
            t1 += w1
            if w0 > b0:
                b0, f0 = w0, feature
            if w1 > b1:
                b1, f1 = w1, feature
        found = []
        for category, total, strongest, feature, threshold in ((self.categories[0], t0, b0, f0, self.thresholds[0]), (self.categories[1], t1, b1, f1, self.thresholds[1])):
            bar = max(threshold, raise_bar)
            # logistic(total) >= bar  <=>  total >= logit(bar): no exp() for the posts that pass nothing
            if strongest > 0 and total >= math.log(bar / (1.0 - bar)):
                found.append((category, 1.0 / (1.0 + math.exp(-total)), _span_of(nz, feature)))
        return found


def _span_of(nz: Normalized, feature: str) -> tuple[int, int]:
    folded = _fold(nz.norm)
    start = folded.find(f" {feature} ")
    if start < 0:  # a bigram across a collapsed mask: point at its first word
        start = folded.find(f" {feature.split()[0]} ")
    if start < 0:
        return (0, len(nz.original))
    return nz.norm_span(start + 1, start + 1 + len(feature))


@lru_cache(maxsize=1)
def load_base_model() -> BaseModel | None:
    if not MODEL_PATH.is_file():
        return None
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if len(data["categories"]) != 2:
        raise ValueError(f"{MODEL_PATH}: expected two categories, found {data['categories']}")
    return BaseModel(
        categories=tuple(data["categories"]),
        weights={k: (v[0], v[1]) for k, v in data["weights"].items()},
        bias=(data["bias"][0], data["bias"][1]),
        thresholds=(data["thresholds"][0], data["thresholds"][1]),
    )
