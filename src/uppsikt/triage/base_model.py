"""A linear model shipped with the product, beside the rules.

Rules explain themselves and stay the first line; this model catches wordings the rules
have not seen (an indirect farewell, a veiled threat, a new kind of spam). It covers every
violation category. It adds categories, each with a reason that marks the word that
weighed most, so an editor can judge it in a second. It removes a rule's finding only
when that finding is not urgent, not firm (``FIRM``: a personnummer that passes its
checksum) and the model finds it all but impossible (``VETO``); a distress or threat
finding of the rules always stays.

Features are the distinct words, their character 4-grams (so "skjuter", "skjutit" and
"skjutvapen" share "skju") and the distinct word pairs of the rules' own normalised text
(``Normalized.norm``: lower case, leetspeak, masking and repeated letters already undone)
with å/ä→a and ö→o folded, so both spellings count the same. A word said ten times counts
once, and a long post is read in windows of ``WINDOW`` words, so neither repetition nor
length pushes a post over a threshold.

Scoring is a hash lookup per word and word pair and a sum over their weight rows, done by
a small C loop (``_linear.c``, built by ``setup.py``) in a few microseconds a post: a
vocabulary word's row already holds its n-grams'. Where the C loop was not built (no C
compiler) the same scoring runs in Python, about five times slower: a word's row is
summed the first time the word is seen and kept in a bounded cache.

Trained by ``bench/triage/train_base_model.py`` from the labelled sets in
``bench/triage/data`` (the held-out blind sets excluded), which also picks each category's
threshold on posts the model did not see, and written to ``models_data/base.npz``. The
weights are half a logistic regression and half an NB-LR, mixed into one matrix, so
scoring does not know or care (ADR 0100, addendum 6).

A second opinion on urgency (``SecondOpinion``) reads the same features through a small
hidden layer, so it can weigh words together ("vet var" with "bor", a date with a
goodbye) where the linear weights can only add them. It is asked only where the linear
model finds distress or threat possible (``SecondOpinion.gate``) but not likely enough,
and it can only add distress or threat, never drop anything (ADR 0100, addendum 7).

An urgency judge (``UrgencyJudge``: gradient-boosted trees, evaluated in C) then decides
distress and threat for the posts past that gate that the rules did not already find
urgent: it weighs the linear model's log-odds for every category, the second opinion's, and
what the rules read (a question, a complaint, a figure of speech, a call to crime, hate),
as learnt from posts neither model had seen (ADR 0100, addendum 8). It can only add
distress or threat.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np

from .normalize import Normalized, normalize

try:  # the scoring loop in C (setup.py builds it where a C compiler is found)
    from . import _linear
except ImportError:  # pragma: no cover - the same scoring in Python, slower
    _linear = None

MODEL_PATH = Path(__file__).parent / "models_data" / "base.npz"
# A post the rules read as a complaint, a question, thanks, a laugh or a figure of speech needs this
# probability before the model makes it urgent.
URGENT_BAR_ON_CASE = 0.8
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
# A long post is scored in windows of this many words (the longest posts the model learnt
# from have about 90), each STRIDE words after the last.
WINDOW = 100
STRIDE = 80


def _logistic(t: float) -> float:
    """1 / (1 + e^-t) without overflow for a long post's large sums."""
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    z = math.exp(t)
    return z / (1.0 + z)


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
    """The features of a normalised text (``Normalized.norm``): each distinct word with its
    n-grams, and each distinct pair of neighbouring words (``"ska dö"``). A word said ten
    times counts once, so repeating it does not push a post over a threshold."""
    words = _fold(norm).split()
    return [f for w in dict.fromkeys(words) for f in word_features(w)] + list(dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:])))


def text_features(text: str) -> list[str]:
    """The same features straight from a post (for training)."""
    return features(normalize(text).norm)


@dataclass(frozen=True)
class SecondOpinion:
    """A hidden layer over the linear model's features, for the urgent categories only:
    p = logistic(relu(sum of the features' hidden rows + hidden_bias) @ out + out_bias)."""

    categories: tuple[str, ...]     # the urgent categories it speaks for
    hidden: np.ndarray              # (features + 1) x units, aligned with BaseModel.names
    hidden_bias: np.ndarray         # per unit
    out: np.ndarray                 # units x categories
    out_bias: np.ndarray            # per category
    thresholds: np.ndarray          # probability at which it adds a category
    gate: float                     # consulted only where the linear probability is at least this

    def logits(self, hidden_total) -> np.ndarray:
        return np.maximum(np.add(hidden_total, self.hidden_bias), 0.0) @ self.out + self.out_bias

    def probabilities(self, hidden_total: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.logits(hidden_total), -50.0, 50.0)))


# What the rules read, as the urgency judge takes it (after the models' log-odds): the
# categories of the rules' own decision, "calm" (a complaint, a question, a figure of
# speech or a laugh) and "praise" (``engine.judge_flags`` reads them).
JUDGE_FLAGS = (
    "calm", "case_matter", "commercial", "confidential", "copyright", "crime", "defamation", "distress", "hate",
    "party_political", "personal_data", "praise", "profanity", "question", "threat", "trivial", "violence_porn",
)
# The post's shape, as the judge takes it last: words, question and exclamation marks,
# whether the writer speaks of "jag"/"vi" and to "du"/"ni", digits, and emoji and other
# symbols (a farewell is short and first person, a threat speaks to someone).
JUDGE_SHAPE = ("words", "question_marks", "exclamation_marks", "first_person", "second_person", "digits", "symbols")
_FIRST_PERSON = frozenset(("jag", "ja", "vi", "mig", "mej", "oss"))
_SECOND_PERSON = frozenset(("du", "dig", "ni", "er", "din", "ert", "era"))
_DIGIT = re.compile(r"\d")
_SYMBOL = re.compile("[\u2001-\U0010ffff]")


def post_shape(nz: Normalized) -> list[float]:
    """``JUDGE_SHAPE`` for a post: words and pronouns from the normalised text, marks,
    digits and symbols (code points past U+2000: emoji, arrows, dingbats) from the
    original."""
    norm, original = nz.norm, nz.original
    words = norm.split()
    return [
        float(len(words)),
        float(original.count("?")),
        float(original.count("!")),
        1.0 if not _FIRST_PERSON.isdisjoint(words) else 0.0,
        1.0 if not _SECOND_PERSON.isdisjoint(words) else 0.0,
        1.0 if _DIGIT.search(original) else 0.0,
        0.0 if original.isascii() else float(len(_SYMBOL.findall(original))),
    ]


# Probabilities are clipped to [1e-6, 1 - 1e-6] before their log-odds (as the trainer does).
_LOGIT_HIGH = math.log((1.0 - 1e-6) / 1e-6)
_LOGIT_LOW = -_LOGIT_HIGH


@dataclass(frozen=True)
class UrgencyJudge:
    """Is a person in danger? Gradient-boosted trees (scikit-learn's
    ``HistGradientBoostingClassifier``, flattened into arrays) over the linear model's
    log-odds for every category, the second opinion's for each urgent category, and what the
    rules read (``flags``), learnt from posts neither model had seen. It weighs them
    together: a moderate threat score counts for more beside a call to crime or hate than
    beside a question about opening hours (ADR 0100, addendum 8)."""

    flags: tuple[str, ...]          # the rules' readings it takes, in its features' order
    feature: np.ndarray             # per node: the feature compared (-1 at a leaf)
    threshold: np.ndarray           # per node: go left when the feature is at most this
    left: np.ndarray                # per node: the left child
    right: np.ndarray               # per node: the right child
    value: np.ndarray               # per node: a leaf's share of the log-odds
    roots: np.ndarray               # per tree: its first node
    baseline: float                 # the log-odds before any tree
    cut: float                      # log-odds at which the post is urgent
    features: int = 0               # how many features it reads (0: as many as it compares)
    shape: tuple[str, ...] = ()     # JUDGE_SHAPE, where it reads the post's shape after the flags
    _nodes: tuple = field(init=False, repr=False, compare=False)
    _forest: object = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        nodes = (tuple(int(f) for f in self.feature), tuple(float(t) for t in self.threshold), tuple(int(v) for v in self.left), tuple(int(v) for v in self.right), tuple(float(v) for v in self.value), tuple(int(r) for r in self.roots))
        object.__setattr__(self, "_nodes", nodes)
        forest = None
        if _linear is not None and hasattr(_linear, "Forest"):
            forest = _linear.Forest(
                np.ascontiguousarray(self.feature, dtype=np.int32).tobytes(), np.ascontiguousarray(self.threshold, dtype=np.float64).tobytes(),
                np.ascontiguousarray(self.left, dtype=np.int32).tobytes(), np.ascontiguousarray(self.right, dtype=np.int32).tobytes(),
                np.ascontiguousarray(self.value, dtype=np.float64).tobytes(), np.ascontiguousarray(self.roots, dtype=np.int32).tobytes(),
                float(self.baseline), int(self.features or (int(np.max(self.feature)) + 1)),
            )
        object.__setattr__(self, "_forest", forest)

    def log_odds(self, x) -> float:
        """The baseline plus each tree's leaf for features ``x`` (in C where it was built)."""
        if self._forest is not None:
            return self._forest.log_odds(x)
        return self.log_odds_python(x)

    def without_c(self) -> "UrgencyJudge":
        twin = UrgencyJudge(self.flags, self.feature, self.threshold, self.left, self.right, self.value, self.roots, self.baseline, self.cut, self.features, self.shape)
        object.__setattr__(twin, "_forest", None)
        return twin

    def log_odds_python(self, x) -> float:
        feature, threshold, left, right, value, roots = self._nodes
        total = self.baseline
        for i in roots:
            f = feature[i]
            while f >= 0:
                i = left[i] if x[f] <= threshold[i] else right[i]
                f = feature[i]
            total += value[i]
        return total


@dataclass(frozen=True)
class BaseModel:
    """Scores are sums of weight rows: a word's row (its own weight plus its n-grams',
    summed the first time the word is seen and kept) and a word pair's row."""

    categories: tuple[str, ...]
    names: tuple[str, ...]          # feature of each weight row (row 0 is the unknown feature)
    weights: np.ndarray             # (features + 1) x categories, row 0 all zero
    bias: np.ndarray                # per category
    thresholds: np.ndarray          # probability at which a category is added, per category
    second: SecondOpinion | None = None
    # With a judge, distress and threat come from it alone (where the second opinion's gate
    # lets a post through), not from the linear thresholds or the second opinion's.
    judge: UrgencyJudge | None = None
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    pairs: dict[tuple[str, str], int] = field(init=False, repr=False, compare=False)
    cuts: np.ndarray = field(init=False, repr=False, compare=False)
    veto_cuts: np.ndarray = field(init=False, repr=False, compare=False)
    _cache: list = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)
    _scorer: object = field(init=False, repr=False, compare=False)
    _bits: dict = field(init=False, repr=False, compare=False)
    # The weights scored: the categories' columns, then (with a second opinion) a copy of
    # each urgent category's column whose cut is the second opinion's gate.
    _wide: np.ndarray = field(init=False, repr=False, compare=False)
    _gates: tuple = field(init=False, repr=False, compare=False)
    _hidden_scorer: object = field(init=False, repr=False, compare=False)
    _second_cuts: tuple = field(init=False, repr=False, compare=False)
    _urgent_bits: int = field(init=False, repr=False, compare=False)
    _bias_list: list = field(init=False, repr=False, compare=False)
    _dense: object = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        index = {name: i for i, name in enumerate(self.names) if i}
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "pairs", {tuple(name.split(" ")): i for name, i in index.items() if " " in name})
        # logistic(total + bias) >= threshold  <=>  total >= logit(threshold) - bias
        t = np.clip(self.thresholds.astype(np.float64), 1e-6, 1 - 1e-6)
        cuts = np.log(t / (1.0 - t)) - self.bias
        veto_cuts = math.log(VETO / (1.0 - VETO)) - self.bias
        wide, gates = self.weights, ()
        if self.second is not None:
            # (column in the wide matrix, the category's column, the second opinion's output)
            gates = tuple((len(self.categories) + u, self.categories.index(c), u) for u, c in enumerate(self.second.categories))
            columns = [k for _, k, _ in gates]
            wide = np.hstack([self.weights, self.weights[:, columns]])
            gate = math.log(self.second.gate / (1.0 - self.second.gate))
            cuts = np.concatenate([cuts, gate - self.bias[columns]])
            veto_cuts = np.concatenate([veto_cuts, np.full(len(columns), -1e30)])
        object.__setattr__(self, "_wide", np.ascontiguousarray(wide, dtype=np.float32))
        object.__setattr__(self, "_gates", gates)
        second_cuts = ()
        if self.second is not None:
            st = np.clip(self.second.thresholds.astype(np.float64), 1e-6, 1 - 1e-6)
            second_cuts = tuple(float(c) for c in np.log(st / (1.0 - st)))
        object.__setattr__(self, "_second_cuts", second_cuts)
        urgent = self.second.categories if self.second is not None else ()
        object.__setattr__(self, "_urgent_bits", sum(1 << self.categories.index(c) for c in urgent))
        object.__setattr__(self, "_bias_list", [float(b) for b in self.bias])
        object.__setattr__(self, "cuts", cuts.astype(np.float32))
        object.__setattr__(self, "veto_cuts", veto_cuts.astype(np.float32))
        object.__setattr__(self, "_cache", [self._new_cache()])
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_bits", {c: 1 << k for k, c in enumerate(self.categories)})
        scorer = hidden_scorer = None
        if _linear is not None and wide.shape[1] <= 64:
            names = "\n".join(self.names).encode("utf-8")
            scorer = _linear.Scorer(names, self._wide.tobytes(), wide.shape[1], [float(c) for c in self.cuts], [float(v) for v in self.veto_cuts], small="\n".join(sorted(_SMALL_WORDS)).encode("utf-8"))
            if self.second is not None:
                units = self.second.hidden.shape[1]
                hidden = np.ascontiguousarray(self.second.hidden, dtype=np.float32)
                hidden_scorer = _linear.Scorer(names, hidden.tobytes(), units, [1e30] * units, [-1e30] * units)
        object.__setattr__(self, "_scorer", scorer)
        object.__setattr__(self, "_hidden_scorer", hidden_scorer)
        dense = None
        if hidden_scorer is not None and hasattr(_linear, "Dense"):
            s = self.second
            dense = _linear.Dense(np.asarray(s.hidden_bias, dtype=np.float64).tobytes(), np.ascontiguousarray(s.out, dtype=np.float64).tobytes(), np.asarray(s.out_bias, dtype=np.float64).tobytes())
        object.__setattr__(self, "_dense", dense)

    def without_c(self) -> "BaseModel":
        """The same model scored by the Python code alone (to check the two agree)."""
        twin = BaseModel(categories=self.categories, names=self.names, weights=self.weights, bias=self.bias, thresholds=self.thresholds, second=self.second, judge=self.judge.without_c() if self.judge is not None else None)
        object.__setattr__(twin, "_scorer", None)
        object.__setattr__(twin, "_hidden_scorer", None)
        object.__setattr__(twin, "_dense", None)
        return twin

    def _new_cache(self) -> tuple[dict, np.ndarray]:
        """Word pairs and the words seen so far -> rows of their summed weights; row 0 is the
        zero row. A full cache is replaced by a new one, never changed under a reader's
        feet: a word's row is written before the word is entered, and a table never grows."""
        known: dict = {pair: n for n, pair in enumerate(self.pairs, start=1)}
        table = np.zeros((len(known) + CACHED_WORDS + 1, self._wide.shape[1]), dtype=np.float32)
        if known:
            table[1 : len(known) + 1] = self._wide[list(self.pairs.values())]
        return known, table

    def _word_weights(self, word: str) -> np.ndarray:
        rows = [i for i in map(self.index.get, word_features(word)) if i]
        return self._wide[rows].sum(axis=0)

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
        pairs = dict.fromkeys(zip(words, words[1:]))
        words = list(dict.fromkeys(words))
        rows = list(map(known.get, words, repeat(0)))
        extra = None
        if 0 in rows:  # words not seen before
            for word, row in zip(words, rows):
                if not row:
                    weights = self._word_weights(word)
                    extra = weights if extra is None else extra + weights
                    if word.isalpha():  # numbers and codes are mostly one-offs: not kept
                        self._remember(word, weights)
        rows += map(known.get, pairs, repeat(0))
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

    def _window_masks(self, text: str) -> tuple[int, int]:
        """Bit masks over the categories: passes its cut / below its veto (none for a text
        without words)."""
        if self._scorer is not None:
            return self._scorer.masks(text)
        words = _fold(text).split()
        if not words:
            return 0, 0
        total = self._total(words)
        passed = sum(1 << int(k) for k in np.flatnonzero(total >= self.cuts))
        low = sum(1 << int(k) for k in np.flatnonzero(total < self.veto_cuts))
        return passed, low

    def _window_totals(self, text: str) -> np.ndarray:
        if self._scorer is not None:
            return np.asarray(self._scorer.totals(text), dtype=np.float64)
        words = _fold(text).split()
        return self._total(words).astype(np.float64) if words else np.zeros(self._wide.shape[1])

    def _window_strongest(self, text: str, k: int) -> tuple[float, str]:
        if self._scorer is not None:
            return self._scorer.strongest(text, k)
        return max(self.contributions(_fold(text).split(), k))

    def _hidden_total(self, text: str) -> np.ndarray:
        """The second opinion's hidden rows summed over a window's features."""
        if self._hidden_scorer is not None:
            return np.asarray(self._hidden_scorer.totals(text), dtype=np.float64)
        words = _fold(text).split()
        rows = [i for w in dict.fromkeys(words) for i in map(self.index.get, word_features(w)) if i]
        rows += [self.pairs[p] for p in dict.fromkeys(zip(words, words[1:])) if p in self.pairs]
        return self.second.hidden[rows].sum(axis=0, dtype=np.float64)

    def second_opinion(self, nz: Normalized) -> dict[str, float]:
        """The second opinion's probability for each urgent category (the highest over a
        long post's windows), whatever the gate says; {} without a second opinion."""
        if self.second is None:
            return {}
        best = np.max([self.second.probabilities(self._hidden_total(t)) for t in _windows(nz.norm)], axis=0)
        return {c: float(p) for c, p in zip(self.second.categories, best)}

    def probabilities(self, nz: Normalized) -> dict[str, float]:
        """Every category's probability (the highest over a long post's windows)."""
        total = np.max([self._window_totals(t)[: len(self.categories)] for t in _windows(nz.norm)], axis=0) + self.bias
        return {c: _logistic(float(t)) for c, t in zip(self.categories, total)}

    def score(self, nz: Normalized, judge=frozenset(), urgency_flags=None) -> tuple[list[tuple[str, float, tuple[int, int]]], frozenset[str]]:
        """The categories whose probability passes their threshold, each with its
        probability and the span (in the original text) of the word or word pair that
        weighed most; and those of the categories in ``judge`` (the rules' findings) that
        the model finds all but impossible (below ``VETO``), where a rule's non-urgent
        finding is more likely a misreading.

        A long post is read in overlapping windows of ``WINDOW`` words, as long as the
        longest posts the model learnt from (a sum of counted words would otherwise grow
        with the length): a category passes when it passes in one window, and is all but
        impossible only when it is so in every window.

        With an urgency judge, distress and threat are the judge's alone: asked where the
        second opinion's gate lets the post through and ``urgency_flags()`` (what the rules
        read, ``engine.judge_flags``) is not None."""
        windows = _windows(nz.norm)
        if len(windows) == 1:
            scorer = self._scorer
            passed, low = scorer.masks(windows[0]) if scorer is not None else self._window_masks(windows[0])
            seen = ((windows[0], passed),)
        else:
            passed, low, seen = 0, -1, []
            for text in windows:
                p, lo = self._window_masks(text)
                passed |= p
                low &= lo
                seen.append((text, p))
        unlikely = frozenset(c for c in judge if low & self._bits.get(c, 0)) if low and judge else frozenset()
        if not passed:
            return [], unlikely
        totals = {}
        found = []
        urgent_bits = self._urgent_bits if self.judge is not None else 0
        for k in range(len(self.categories)):
            if not passed >> k & 1 or urgent_bits >> k & 1:
                continue
            best = None
            for text, p in seen:
                if p >> k & 1:
                    if text not in totals:
                        totals[text] = self._window_totals(text)
                    if best is None or totals[text][k] > totals[best][k]:
                        best = text
            strongest, feature = self._window_strongest(best, k)
            if strongest <= 0:
                continue
            probability = _logistic(float(totals[best][k] + self.bias[k]))
            found.append((self.categories[k], probability, _span_of(nz, feature)))
        if self._gates and passed >> len(self.categories):
            if self.judge is None:
                found += self._second_additions(nz, passed, seen)
            elif urgency_flags is not None:
                flags = urgency_flags()
                if flags is not None:
                    found += self._judged(nz, flags)
        return found, unlikely

    def judge_features(self, nz: Normalized, flags) -> list[float]:
        """The judge's features for a post: the linear model's log-odds per category, the
        second opinion's per urgent category (each the highest over a long post's windows,
        clipped as the trainer clips probabilities), 1.0 for each of the judge's flags the
        rules read, and the post's shape (``post_shape``) where the judge reads it."""
        n = len(self.categories)
        windows = _windows(nz.norm)
        if len(windows) == 1 and self._scorer is not None and self._hidden_scorer is not None:
            # Most posts: one window, the sums straight from C, no arrays to build.
            text = windows[0]
            totals = self._scorer.totals(text)
            hidden = self._hidden_scorer.totals(text)
            second = self._dense.logits(hidden) if self._dense is not None else self.second.logits(hidden).tolist()
            x = [t + b for t, b in zip(totals[:n], self._bias_list)] + second
        else:
            linear = second = None
            for text in windows:
                z = self._window_totals(text)[:n] + self.bias
                q = self.second.logits(self._hidden_total(text))
                linear = z if linear is None else np.maximum(linear, z)
                second = q if second is None else np.maximum(second, q)
            x = np.concatenate([linear, second]).tolist()
        x = [_LOGIT_LOW if v < _LOGIT_LOW else _LOGIT_HIGH if v > _LOGIT_HIGH else v for v in x] + [1.0 if f in flags else 0.0 for f in self.judge.flags]
        return x + post_shape(nz) if self.judge.shape else x

    def _judged(self, nz: Normalized, flags) -> list[tuple[str, float, tuple[int, int]]]:
        """The judge's verdict: nothing, or the urgent category the second opinion finds the
        likelier, with the judge's probability and the linear model's strongest word for
        that category in the window that scores it highest."""
        x = self.judge_features(nz, flags)
        z = self.judge.log_odds(x)
        if z < self.judge.cut:
            return []
        n = len(self.categories)
        best = max(range(len(self.second.categories)), key=lambda u: x[n + u])
        category = self.second.categories[best]
        k = self.categories.index(category)
        windows = _windows(nz.norm)
        text = windows[0] if len(windows) == 1 else max(windows, key=lambda t: self._window_totals(t)[k])
        strongest, feature = self._telling(text, k)
        span = _span_of(nz, feature) if strongest > 0 else (0, len(nz.original))
        return [(category, _logistic(z), span)]

    def _telling(self, text: str, k: int) -> tuple[float, str]:
        """The word or word pair that weighs most for category ``k``, passing over pronouns
        and other small words ("du", "er", "på") where a word that says more also weighs
        for it: the editor is shown what the post is about."""
        if self._scorer is not None:
            return self._scorer.telling(text, k)
        weight, feature = self._window_strongest(text, k)
        if weight <= 0 or not _SMALL_WORDS.issuperset(feature.split()):
            return weight, feature
        telling = [c for c in self.contributions(_fold(text).split(), k) if c[0] > 0 and not _SMALL_WORDS.issuperset(c[1].split())]
        return max(telling) if telling else (weight, feature)

    def _second_additions(self, nz: Normalized, passed: int, seen) -> list[tuple[str, float, tuple[int, int]]]:
        """Where the linear model finds an urgent category possible (its gate) but passes
        none, the second opinion may add one: the likelier of those past its threshold."""
        if any(passed >> k & 1 for _, k, _ in self._gates):
            return []
        best = None
        for text, p in seen:
            if not p >> len(self.categories):
                continue
            z = self.second.logits(self._hidden_total(text))
            for column, k, u in self._gates:
                if p >> column & 1 and z[u] >= self._second_cuts[u] and (best is None or z[u] > best[0]):
                    best = (float(z[u]), k, text)
        if best is None:
            return []
        logit, k, text = best
        probability = _logistic(logit)
        strongest, feature = self._window_strongest(text, k)
        span = _span_of(nz, feature) if strongest > 0 else (0, len(nz.original))
        return [(self.categories[k], probability, span)]


def _windows(norm: str) -> list[str]:
    """A normalised text as windows of at most ``WINDOW`` words, ``STRIDE`` words apart."""
    # Words are a space apart at least and the text starts with one: a text of at most
    # 2 * WINDOW + 1 characters has at most WINDOW words (most posts: no count needed).
    if len(norm) <= 2 * WINDOW + 1 or norm.count(" ") <= WINDOW + 1:
        return [norm]
    words = norm.split()
    if len(words) <= WINDOW:
        return [norm]
    return [" " + " ".join(words[i : i + WINDOW]) + " " for i in range(0, len(words) - WINDOW + STRIDE, STRIDE)]


# Pronouns, articles, prepositions and other small words (folded: å/ä→a, ö→o).
_SMALL_WORDS = frozenset(
    "du dig din ditt dina er ert era ni jag ja mig mej min mitt mina vi oss var vart vara han hon hen honom henne "
    "hans hennes den det de dom dem deras som och att i pa med for till av om en ett ar har kan ska skall sa inte nu "
    "bara men eller nar vad hur vem man sig sin sitt sina fran ut upp in over under vid hos efter innan mot sen da "
    "the a an to you i we he she it they of in on at and or".split()
)


def _span_of(nz: Normalized, feature: str) -> tuple[int, int]:
    folded = _fold(nz.norm)
    start = folded.find(f" {feature} ")
    if start < 0:  # a pair across a collapsed mask: point at its first word
        start = folded.find(f" {feature.split()[0]} ")
    if start < 0:
        return (0, len(nz.original))
    return nz.norm_span(start + 1, start + 1 + len(feature))


def _strings_array(strings) -> np.ndarray:
    """Names as one UTF-8 byte array, one a line (an archive holds no pickled objects)."""
    return np.frombuffer("\n".join(strings).encode("utf-8"), dtype=np.uint8)


def _array_strings(array: np.ndarray) -> tuple[str, ...]:
    return tuple(array.tobytes().decode("utf-8").split("\n"))


def save_base_model(path: Path, categories, names, weights, bias, thresholds, second: SecondOpinion | None = None, judge: UrgencyJudge | None = None) -> None:
    """Write the model as a compressed NumPy archive (no pickled objects)."""
    blob = _strings_array(names)
    extra = {}
    if second is not None:
        extra = {
            "second_categories": _strings_array(second.categories),
            "second_hidden": np.asarray(second.hidden, dtype=np.float16),
            "second_hidden_bias": np.asarray(second.hidden_bias, dtype=np.float32),
            "second_out": np.asarray(second.out, dtype=np.float32),
            "second_out_bias": np.asarray(second.out_bias, dtype=np.float32),
            "second_thresholds": np.asarray(second.thresholds, dtype=np.float32),
            "second_gate": np.asarray([second.gate], dtype=np.float32),
        }
    if judge is not None:
        extra |= {
            "judge_flags": _strings_array(judge.flags),
            "judge_feature": np.asarray(judge.feature, dtype=np.int16),
            "judge_threshold": np.asarray(judge.threshold, dtype=np.float64),
            "judge_left": np.asarray(judge.left, dtype=np.int32),
            "judge_right": np.asarray(judge.right, dtype=np.int32),
            "judge_value": np.asarray(judge.value, dtype=np.float64),
            "judge_roots": np.asarray(judge.roots, dtype=np.int32),
            "judge_baseline_cut": np.asarray([judge.baseline, judge.cut], dtype=np.float64),
            "judge_shape": _strings_array(getattr(judge, "shape", ())),
        }
    with open(path, "wb") as fh:
        np.savez_compressed(
            fh,
            categories=_strings_array(categories),
            names=blob,
            weights=np.asarray(weights, dtype=np.float16),
            bias=np.asarray(bias, dtype=np.float32),
            thresholds=np.asarray(thresholds, dtype=np.float32),
            **extra,
        )


@lru_cache(maxsize=1)
def load_base_model(path: Path = MODEL_PATH) -> BaseModel | None:
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        categories = _array_strings(data["categories"])
        names = _array_strings(data["names"])
        weights = data["weights"].astype(np.float32)
        bias = data["bias"].astype(np.float32)
        thresholds = data["thresholds"].astype(np.float32)
        second = None
        if "second_hidden" in data:
            second = SecondOpinion(
                categories=_array_strings(data["second_categories"]),
                hidden=data["second_hidden"].astype(np.float32),
                hidden_bias=data["second_hidden_bias"].astype(np.float32),
                out=data["second_out"].astype(np.float32),
                out_bias=data["second_out_bias"].astype(np.float32),
                thresholds=data["second_thresholds"].astype(np.float32),
                gate=float(data["second_gate"][0]),
            )
        judge = None
        if "judge_feature" in data:
            baseline, cut = (float(v) for v in data["judge_baseline_cut"])
            judge = _read_judge(path, data, baseline, cut, len(categories) + (len(second.categories) if second is not None else 0))
    if judge is not None:
        _check_judge(path, judge, len(categories) + (len(second.categories) if second is not None else 0), second)
    if second is not None:
        units = second.hidden.shape[1]
        if second.hidden.shape != (len(names), units) or second.out.shape != (units, len(second.categories)) or not set(second.categories) <= set(categories):
            raise ValueError(f"{path}: the second opinion does not fit the model")
    if weights.shape != (len(names), len(categories)) or bias.shape != (len(categories),) or thresholds.shape != (len(categories),):
        raise ValueError(f"{path}: weights {weights.shape} do not fit {len(names)} features x {len(categories)} categories")
    return BaseModel(categories=categories, names=names, weights=weights, bias=bias, thresholds=thresholds, second=second, judge=judge)


def _read_judge(path: Path, data, baseline: float, cut: float, model_features: int) -> UrgencyJudge:
    flags = _array_strings(data["judge_flags"])
    shape = tuple(n for n in _array_strings(data["judge_shape"]) if n) if "judge_shape" in data else ()
    if shape and shape != JUDGE_SHAPE:
        raise ValueError(f"{path}: the urgency judge reads a post's shape this engine does not know")
    try:
        return UrgencyJudge(
            flags=flags,
            feature=data["judge_feature"].astype(np.int32),
            threshold=data["judge_threshold"].astype(np.float64),
            left=data["judge_left"].astype(np.int32),
            right=data["judge_right"].astype(np.int32),
            value=data["judge_value"].astype(np.float64),
            roots=data["judge_roots"].astype(np.int32),
            baseline=baseline,
            cut=cut,
            features=model_features + len(flags) + len(shape),
            shape=shape,
        )
    except ValueError as exc:  # the C trees check their arrays as they are built
        raise ValueError(f"{path}: the urgency judge does not fit the model ({exc})") from exc


def _check_judge(path: Path, judge: UrgencyJudge, model_features: int, second) -> None:
    """A judge must come with a second opinion, read only features there are, and be a set
    of trees whose every path ends at a leaf."""
    nodes = len(judge.feature)
    features = model_features + len(judge.flags) + len(judge.shape)
    fits = (
        second is not None
        and set(judge.flags) <= set(JUDGE_FLAGS)
        and all(len(a) == nodes for a in (judge.threshold, judge.left, judge.right, judge.value))
        and len(judge.roots) > 0
        and bool(np.all((judge.roots >= 0) & (judge.roots < nodes)))
        and bool(np.all(judge.feature < features))
        and math.isfinite(judge.baseline)
        and math.isfinite(judge.cut)
    )
    if fits:
        inner = judge.feature >= 0
        # Children lie after their parent, so every path ends.
        at = np.arange(nodes)
        fits = bool(np.all((judge.left[inner] > at[inner]) & (judge.left[inner] < nodes) & (judge.right[inner] > at[inner]) & (judge.right[inner] < nodes)))
    if not fits:
        raise ValueError(f"{path}: the urgency judge does not fit the model")
