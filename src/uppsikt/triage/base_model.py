"""A linear model shipped with the product, beside the rules.

Rules explain themselves and stay the first line; this model catches wordings the rules
have not seen (an indirect farewell, a veiled threat, a new kind of spam). It covers every
violation category. It adds categories, each with a reason that marks the word that
weighed most, so an editor can judge it in a second. It removes a rule's finding only
when that finding is not urgent, not firm (``FIRM``: a personnummer that passes its
checksum) and the model finds it all but impossible (``VETO``); a distress or threat
finding of the rules always stays.

Features are the words, their character 4-grams (so "skjuter", "skjutit" and
"skjutvapen" share "skju") and the word pairs of the rules' own normalised text (``Normalized.norm``: lower case, leetspeak, masking and repeated letters already
undone) with å/ä→a and ö→o folded, so both spellings count the same. Scoring is a
dictionary lookup per word and word pair and one sum over their weight rows, some
microseconds a post: a word's row (its own weight and its n-grams') is summed once, the
first time the word is seen, and kept.

Trained by ``bench/triage/train_base_model.py`` from the labelled sets in
``bench/triage/data`` (the held-out blind sets excluded), which also picks each category's
threshold on posts the model did not see, and written to ``models_data/base.npz``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np

from .normalize import Normalized, normalize

MODEL_PATH = Path(__file__).parent / "models_data" / "base.npz"
# A post the rules read as a complaint, a question or a figure of speech needs this
# probability before the model makes it urgent.
URGENT_BAR_ON_CASE = 0.9
# Categories aimed at a group or a person: a post of welcome or thanks that names one
# ("Flyktingar är välkomna här") needs this probability before the model adds them.
AIMED_AT = frozenset(("hate", "defamation"))
PRAISED_BAR = 0.98
# Below this probability the model drops a rule's non-urgent finding: on new writers' posts
# that removes about a seventh of the false removals and almost no true finding.
VETO = 0.02
# A rule finding scored at least this (a personnummer or samordningsnummer that passes its
# checksum) is never dropped by the model.
FIRM = 0.95
# Distinct words whose summed weights are kept; a full cache is started again.
CACHED_WORDS = 30_000
GRAM = 4  # letters in a word's character n-grams


def _fold(norm: str) -> str:
    """å/ä→a, ö→o (and é, ü, the mask ``*``); chained ``replace`` is much faster than ``translate``."""
    if norm.isascii():
        return norm.replace("*", " ")
    return norm.replace("å", "a").replace("ä", "a").replace("ö", "o").replace("é", "e").replace("ü", "u").replace("*", " ")


def word_features(word: str) -> list[str]:
    """A word and its character n-grams (``<sk``, ``skju``, ``uter>``, marked with ``#``)."""
    marked = f"<{word}>"
    return [word] + [marked[i : i + GRAM] + "#" for i in range(len(marked) - GRAM + 1)]


def features(norm: str) -> list[str]:
    """The features of a normalised text (``Normalized.norm``), counted: each word with
    its n-grams, and each pair of neighbouring words (``"ska dö"``)."""
    words = _fold(norm).split()
    return [f for w in words for f in word_features(w)] + [f"{a} {b}" for a, b in zip(words, words[1:])]


def text_features(text: str) -> list[str]:
    """The same features straight from a post (for training)."""
    return features(normalize(text).norm)


@dataclass(frozen=True)
class BaseModel:
    """Scores are sums of weight rows: a word's row (its own weight plus its n-grams',
    summed the first time the word is seen and kept) and a word pair's row."""

    categories: tuple[str, ...]
    names: tuple[str, ...]          # feature of each weight row (row 0 is the unknown feature)
    weights: np.ndarray             # (features + 1) x categories, row 0 all zero
    bias: np.ndarray                # per category
    thresholds: np.ndarray          # probability at which a category is added, per category
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    pairs: dict[tuple[str, str], int] = field(init=False, repr=False, compare=False)
    cuts: np.ndarray = field(init=False, repr=False, compare=False)
    veto_cuts: np.ndarray = field(init=False, repr=False, compare=False)
    _cache: list = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        index = {name: i for i, name in enumerate(self.names) if i}
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "pairs", {tuple(name.split(" ")): i for name, i in index.items() if " " in name})
        # logistic(total + bias) >= threshold  <=>  total >= logit(threshold) - bias
        t = np.clip(self.thresholds.astype(np.float64), 1e-6, 1 - 1e-6)
        object.__setattr__(self, "cuts", (np.log(t / (1.0 - t)) - self.bias).astype(np.float32))
        object.__setattr__(self, "veto_cuts", (math.log(VETO / (1.0 - VETO)) - self.bias).astype(np.float32))
        object.__setattr__(self, "_cache", [self._new_cache()])
        object.__setattr__(self, "_lock", threading.Lock())

    def _new_cache(self) -> tuple[dict, np.ndarray]:
        """Word pairs and the words seen so far -> rows of their summed weights; row 0 is the
        zero row. A full cache is replaced by a new one, never changed under a reader's
        feet: a word's row is written before the word is entered, and a table never grows."""
        known: dict = {pair: n for n, pair in enumerate(self.pairs, start=1)}
        table = np.zeros((len(known) + CACHED_WORDS + 1, len(self.categories)), dtype=np.float32)
        if known:
            table[1 : len(known) + 1] = self.weights[list(self.pairs.values())]
        return known, table

    def _word_weights(self, word: str) -> np.ndarray:
        rows = [i for i in map(self.index.get, word_features(word)) if i]
        return self.weights[rows].sum(axis=0)

    def _remember(self, word: str, weights: np.ndarray) -> None:
        with self._lock:
            known, table = self._cache[0]
            if word in known:
                return
            if len(known) >= len(table) - 1:
                known, table = self._cache[0] = self._new_cache()
            row = len(known) + 1
            table[row] = weights
            known[word] = row

    def _total(self, words: list[str]) -> np.ndarray:
        """The summed weights of a post's words and word pairs."""
        known, table = self._cache[0]
        rows = list(map(known.get, words, repeat(0)))
        extra = None
        if 0 in rows:  # words not seen before
            for word, row in zip(words, rows):
                if not row:
                    weights = self._word_weights(word)
                    extra = weights if extra is None else extra + weights
                    if word.isalpha():  # numbers and codes are mostly one-offs: not kept
                        self._remember(word, weights)
        rows += map(known.get, zip(words, words[1:]), repeat(0))
        total = table.take(rows, axis=0).sum(axis=0)
        return total if extra is None else total + extra

    def contributions(self, words: list[str], k: int) -> list[tuple[float, str]]:
        """Each word's and word pair's weight for category ``k`` (to explain a decision)."""
        known, table = self._cache[0]
        out = []
        for word in dict.fromkeys(words):
            row = known.get(word)
            out.append((float(table[row, k] if row else self._word_weights(word)[k]), word))
        out += [(float(self.weights[self.pairs[p], k]), " ".join(p)) for p in dict.fromkeys(zip(words, words[1:])) if p in self.pairs]
        return out

    def probabilities(self, nz: Normalized) -> dict[str, float]:
        """Every category's probability (for reports and tests)."""
        total = self._total(_fold(nz.norm).split()) + self.bias
        return {c: float(1.0 / (1.0 + math.exp(-t))) for c, t in zip(self.categories, total)}

    def score(self, nz: Normalized, unlikely_too: bool = True) -> tuple[list[tuple[str, float, tuple[int, int]]], frozenset[str]]:
        """The categories whose probability passes their threshold, each with its
        probability and the span (in the original text) of the word or word pair that
        weighed most; and the categories the model finds all but impossible (below
        ``VETO``), where a rule's non-urgent finding is more likely a misreading (only
        when ``unlikely_too``: the engine asks when the rules found a violation)."""
        words = _fold(nz.norm).split()
        if not words:
            return [], frozenset()
        total = self._total(words)
        unlikely = frozenset(self.categories[k] for k in np.flatnonzero(total < self.veto_cuts)) if unlikely_too else frozenset()
        passed = np.flatnonzero(total >= self.cuts)
        if not passed.size:
            return [], unlikely
        found = []
        for k in passed:
            strongest, feature = max(self.contributions(words, k))
            if strongest <= 0:
                continue
            probability = 1.0 / (1.0 + math.exp(-float(total[k] + self.bias[k])))
            found.append((self.categories[k], probability, _span_of(nz, feature)))
        return found, unlikely


def _span_of(nz: Normalized, feature: str) -> tuple[int, int]:
    folded = _fold(nz.norm)
    start = folded.find(f" {feature} ")
    if start < 0:  # a pair across a collapsed mask: point at its first word
        start = folded.find(f" {feature.split()[0]} ")
    if start < 0:
        return (0, len(nz.original))
    return nz.norm_span(start + 1, start + 1 + len(feature))


def save_base_model(path: Path, categories, names, weights, bias, thresholds) -> None:
    """Write the model as a compressed NumPy archive (no pickled objects)."""
    blob = np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as fh:
        np.savez_compressed(
            fh,
            categories=np.frombuffer("\n".join(categories).encode("utf-8"), dtype=np.uint8),
            names=blob,
            weights=np.asarray(weights, dtype=np.float16),
            bias=np.asarray(bias, dtype=np.float32),
            thresholds=np.asarray(thresholds, dtype=np.float32),
        )


@lru_cache(maxsize=1)
def load_base_model(path: Path = MODEL_PATH) -> BaseModel | None:
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        categories = tuple(data["categories"].tobytes().decode("utf-8").split("\n"))
        names = tuple(data["names"].tobytes().decode("utf-8").split("\n"))
        weights = data["weights"].astype(np.float32)
        bias = data["bias"].astype(np.float32)
        thresholds = data["thresholds"].astype(np.float32)
    if weights.shape != (len(names), len(categories)) or bias.shape != (len(categories),) or thresholds.shape != (len(categories),):
        raise ValueError(f"{path}: weights {weights.shape} do not fit {len(names)} features x {len(categories)} categories")
    return BaseModel(categories=categories, names=names, weights=weights, bias=bias, thresholds=thresholds)
