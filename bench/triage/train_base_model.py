"""Train the model shipped with the triage engine; measure it on writers it has not seen.

    .venv/bin/python bench/triage/train_base_model.py [--c 0.5] [--write] [--out report.json]

Training data: every labelled set in ``bench/triage/data`` except the held-out blind sets
(every ``blind/blind_*.jsonl`` but ``blind_a``), which are
only measured, never read for training or tuning, and the feedback sets (one municipality's own decisions, for
``eval_heldout.py``).

Features: the shipped model's (``base_model.text_features``: words, their 4-grams, word
pairs). Per category the weights are half a plain logistic regression and half an NB-LR
(``MIX``), one weight matrix in the end.

1. Leave one file out: each data file was written by one writer in one go, so the model
   is trained on all the other files and scored on that one -- how it does on a new
   writer's wording. The rules run alone (the shipped model switched off) on every post.
   The files are dealt into ten groups (``--folds``), each left out in turn: ten fits of
   each model, not one per file; a file is still scored only by a model that never saw it
   (``--folds 0``: each file alone, as before the second opinion).
2. Per category, the probability threshold is picked on those out-of-file scores: the
   one that gives the best F-beta of rules + model for that category, never below 0.3:
   F0.5 for the non-urgent categories (a false removal weighs as much as a miss) and
   F1.25 for distress and threat (recall weighs a little more). Distress and threat are
   then raised together, where needed, until urgent false alarms on the general sets in
   the shared dev set's style (``train/w_general*.jsonl``, out of file) are at most 2 %,
   the contract's ceiling. Below ``VETO`` the model drops a rule's non-urgent finding, as
   the engine does.
3. The model is trained on all the files. Distress and threat are raised together again,
   where needed, until every dev set the tests hold to the contract's targets
   (``contract_dev.jsonl``, ``dev_*.jsonl``) has at most 2 % urgent false alarms in sample
   with the model as shipped.
4. The second opinion on urgency (``base_model.SecondOpinion``: one hidden layer of
   ``SECOND_UNITS`` over the features the linear model keeps) is scored out of file in the
   same folds and trained on all the files. Its threshold is the lowest on
   ``SECOND_GRID`` that keeps urgent false alarms at or under 1.6 % on the general sets out
   of file (``SECOND_FALSE_ALARM_TARGET``) and at or under 2 % on every dev set in sample. The out-of-file measures are reported at
   these thresholds (``--no-second``: the linear model alone).
5. The urgency judge (``base_model.UrgencyJudge``: ``JUDGE_TREES`` gradient-boosted trees
   over both models' log-odds and what the rules read) learns from the out-of-file scores
   of the posts it is asked about (no rule found a person in danger, the linear model
   finds an urgent category at least as likely as the gate). It is itself scored out of
   file in the same folds, and its cut is the lowest on ``JUDGE_GRID`` that keeps urgent
   false alarms at or under 1.6 % on the general sets out of file
   (``JUDGE_FALSE_ALARM_TARGET``) and at or under 2 % on every dev set in sample. With a
   judge, distress and threat come from it alone, not from the thresholds of steps 2–4
   (``--no-judge``: those thresholds decide, as before).
6. With ``--write``, the model replaces ``src/uppsikt/triage/models_data/base.npz``.

Prints, as JSON, rules alone and rules + model on the out-of-file scores, overall, on the
files written after the rules (``train/w_*.jsonl``) and per file (urgent recall, urgent
false alarms, violation recall, false removals, macro F1), and on the blind sets.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from uppsikt.policies import loader  # noqa: E402
from uppsikt.policies.vocabulary import CATEGORIES as ALL_CATEGORIES  # noqa: E402
from uppsikt.policies.vocabulary import URGENT_CATEGORIES, VIOLATION_CATEGORIES  # noqa: E402
from uppsikt.triage.base_model import AIMED_AT, FIRM, JUDGE_FLAGS, JUDGE_SHAPE, MODEL_PATH, PRAISED_BAR, URGENT_BAR_ON_CASE, VETO, SecondOpinion, UrgencyJudge, load_base_model, post_shape, save_base_model, text_features  # noqa: E402
from uppsikt.triage.normalize import normalize  # noqa: E402
from uppsikt.triage.detectors import context_for, detect  # noqa: E402
from uppsikt.triage.engine import judge_flags  # noqa: E402
from uppsikt.triage.engine import Engine  # noqa: E402
from uppsikt.triage.metrics import measure, read_labelled  # noqa: E402

DATA = ROOT / "bench" / "triage" / "data"
# Every blind set but blind_a (measured once, then used for development) is held out.
HELD_OUT = tuple(p for p in sorted((DATA / "blind").glob("blind_*.jsonl")) if p.name != "blind_a.jsonl")
KEYS = ("urgent_recall", "urgent_false_alarm_rate", "violation_recall", "violation_precision", "false_removal_rate", "macro_f1")
GRID = [round(x, 2) for x in np.arange(0.3, 0.97, 0.025)]
# The contract's ceiling on urgent false alarms, held on the general sets in the shared dev
# set's style before the urgent thresholds lean towards recall.
URGENT_FALSE_ALARM_TARGET = 0.02
CATEGORIES = list(VIOLATION_CATEGORIES)
CATEGORY_NAMES = frozenset(ALL_CATEGORIES)
# The plain logistic regression's share of the weights; the rest is the NB-LR's. Trained
# on the earlier writers and measured on the last rounds' writers, the half-and-half mix
# found 1 to 3 points more urgent posts at the same false alarms than the regression alone
# (ADR 0100, addendum 6).
MIX = 0.5
# The second opinion on urgency (base_model.SecondOpinion): hidden units, passes over the
# data, and the linear probability from which it is consulted.
SECOND_UNITS = 32
SECOND_EPOCHS = 8
SECOND_SEEDS = 1
SECOND_GATE = 0.15
SECOND_GRID = [round(x, 2) for x in np.arange(0.1, 0.99, 0.05)]
# The second opinion's own ceiling on out-of-file urgent false alarms on the general sets:
# 0.4 points under the contract's 2 %, room for the spread between one writer and the next
# (at 2 % it found half a point more on the fresh sets and sat at the ceiling there).
SECOND_FALSE_ALARM_TARGET = 0.016
# The urgency judge (base_model.UrgencyJudge): gradient-boosted trees over the models'
# log-odds and the rules' readings, fitted on out-of-file scores of the posts it is asked
# about; its cut is the lowest on JUDGE_GRID that keeps urgent false alarms out of file on
# the general sets at or under JUDGE_FALSE_ALARM_TARGET.
JUDGE_TREES = 50
JUDGE_LEAVES = 8
JUDGE_RATE = 0.1
JUDGE_GRID = [round(x, 4) for x in np.arange(0.1, 0.95, 0.0125)]
JUDGE_FALSE_ALARM_TARGET = 0.016
URGENT_LIST = [c for c in CATEGORIES if c in URGENT_CATEGORIES]


def training_groups() -> dict[str, list[dict]]:
    groups = {}
    for path in sorted(DATA.rglob("*.jsonl")):
        if path in HELD_OUT or path.name.startswith("feedback_"):
            continue
        groups[str(path.relative_to(DATA))] = [r for r in read_labelled(path) if "labels" in r]
    return groups


# A post's features, kept: every fold of "leave one file out" reads the same posts again.
_FEATURES: dict[str, list[str]] = {}


def post_features(text: str) -> list[str]:
    """The shipped model's features of a post (``base_model.text_features``), kept."""
    found = _FEATURES.get(text)
    if found is None:
        found = _FEATURES[text] = text_features(text)
    return found


def file_folds(files: list[str], folds: int) -> list[list[str]]:
    """Each file alone (``folds`` 0), or the files dealt round-robin into ``folds`` groups:
    a file's posts are always scored by a model trained without that file."""
    if folds <= 0 or folds >= len(files):
        return [[f] for f in files]
    return [files[k::folds] for k in range(folds)]


class Features:
    def __init__(self):
        self.vocab: dict[str, int] = {"": 0}

    def matrix(self, texts: list[str], grow: bool, rule_categories=None) -> csr_matrix:
        indptr, indices = [0], []
        for n, text in enumerate(texts):
            extra = [] if rule_categories is None else rule_features(rule_categories[n])
            for f in [*post_features(text), *extra]:
                i = self.vocab.get(f)
                if i is None and grow:
                    i = self.vocab[f] = len(self.vocab)
                if i is not None:
                    indices.append(i)
            indptr.append(len(indices))
        return csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(texts), len(self.vocab)))


def fit(texts: list[str], labels: list[list[str]], c: float, rule_categories=None, min_weight: float = 0.0, mix: float = MIX):
    """Per category, ``mix`` times a logistic regression plus ``1 - mix`` times an NB-LR
    (Wang and Manning 2012: each feature scaled by its log-count ratio for the category
    before the regression). Both are sums of weight rows over the same features, so their
    mix is one weight matrix and scoring costs the same as either alone."""
    feats = Features()
    X = feats.matrix(texts, grow=True, rule_categories=rule_categories)
    W = np.zeros((X.shape[1], len(CATEGORIES)), dtype=np.float32)
    bias = np.zeros(len(CATEGORIES), dtype=np.float32)
    for k, category in enumerate(CATEGORIES):
        y = np.array([category in ls for ls in labels])
        if y.sum() < 2:
            bias[k] = -20.0
            continue
        if mix > 0:
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(X, y)
            W[:, k] += mix * model.coef_[0]
            bias[k] += mix * model.intercept_[0]
        if mix < 1:
            pos = 1.0 + np.asarray(X[y].sum(axis=0)).ravel()
            neg = 1.0 + np.asarray(X[~y].sum(axis=0)).ravel()
            r = np.log((pos / pos.sum()) / (neg / neg.sum())).astype(np.float32)
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(X @ diags(r), y)
            W[:, k] += (1 - mix) * model.coef_[0] * r
            bias[k] += (1 - mix) * model.intercept_[0]
    W[0] = 0.0
    # Features whose weights are all small are dropped (a smaller model, scored faster).
    W[np.abs(W).max(axis=1) < min_weight] = 0.0
    return feats, W, bias


def predict(feats: Features, W, bias, texts: list[str], rule_categories=None) -> np.ndarray:
    X = feats.matrix(texts, grow=False, rule_categories=rule_categories)
    return 1.0 / (1.0 + np.exp(-(X @ W + bias)))


def fit_second(X: csr_matrix, labels: list[list[str]], seed: int = 0, units: int = SECOND_UNITS, epochs: int = SECOND_EPOCHS):
    """One hidden layer of ``SECOND_UNITS`` over the features ``X``, one logistic output per
    urgent category: (hidden weights, hidden bias, output weights, output bias)."""
    import warnings

    y = np.array([[c in ls for c in URGENT_LIST] for ls in labels], dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net = MLPClassifier(hidden_layer_sizes=(units,), alpha=1e-4, batch_size=256, max_iter=epochs, random_state=seed).fit(X, y)
    return net.coefs_[0].astype(np.float32), net.intercepts_[0].astype(np.float32), net.coefs_[1].astype(np.float32), net.intercepts_[1].astype(np.float32)


def fit_seconds(X: csr_matrix, labels: list[list[str]], seeds: int = 1, units: int = SECOND_UNITS, epochs: int = SECOND_EPOCHS):
    """``seeds`` nets fitted from different starts, averaged as one: their hidden layers
    side by side and each output scaled by 1/``seeds``, so the logits are the nets' mean
    (the engine reads it as one net with ``seeds`` × ``units`` hidden units)."""
    nets = [fit_second(X, labels, seed=s, units=units, epochs=epochs) for s in range(seeds)]
    if seeds == 1:
        return nets[0]
    hidden = np.hstack([n[0] for n in nets])
    hidden_bias = np.concatenate([n[1] for n in nets])
    out = (np.vstack([n[2] for n in nets]) / seeds).astype(np.float32)
    out_bias = np.mean([n[3] for n in nets], axis=0).astype(np.float32)
    return hidden, hidden_bias, out, out_bias


def predict_second(net, X: csr_matrix) -> np.ndarray:
    hidden, hidden_bias, out, out_bias = net
    h = np.maximum(X @ hidden + hidden_bias, 0.0)
    return 1.0 / (1.0 + np.exp(-np.clip(h @ out + out_bias, -50, 50)))


def add_second(rule_categories, P, Q, thresholds, predicted: list[set[str]], second_thresholds, gate: float = SECOND_GATE) -> list[set[str]]:
    """What the engine does with the second opinion (``Q``: its probabilities): where no
    rule and no linear threshold made a post urgent but the linear model finds an urgent
    category possible (``gate``), the likelier urgent category past its own threshold is
    added (a post the rules read as calm needs ``URGENT_BAR_ON_CASE``)."""
    if Q is None:
        return predicted
    ks = [CATEGORIES.index(c) for c in URGENT_LIST]
    out = []
    for found, p, q, pred in zip(rule_categories, P, Q, predicted, strict=True):
        if found & set(URGENT_CATEGORIES) or pred & set(URGENT_CATEGORIES) or any(p[k] >= thresholds[k] for k in ks):
            out.append(pred)
            continue
        best = None
        for u, k in enumerate(ks):
            if p[k] >= gate and q[u] >= second_thresholds[u] and (best is None or q[u] > best[0]):
                best = (q[u], k)
        if best is not None and ("calm" in found or "praise" in found) and best[0] < URGENT_BAR_ON_CASE:
            best = None
        out.append(pred | {CATEGORIES[best[1]]} if best is not None else pred)
    return out


def judge_matrix(P: np.ndarray, Q: np.ndarray, rule_categories, shapes: np.ndarray) -> np.ndarray:
    """The judge's features (as ``BaseModel.judge_features``): the linear log-odds per
    category, the second opinion's per urgent category, the rules' readings, and the
    posts' shapes (``post_shapes``)."""
    def logit(x):
        x = np.clip(x, 1e-6, 1 - 1e-6)
        return np.log(x / (1 - x))

    flags = np.array([[f in found for f in JUDGE_FLAGS] for found in rule_categories], dtype=float)
    return np.hstack([logit(P), logit(Q), flags, shapes])


def post_shapes(rows) -> np.ndarray:
    return np.array([post_shape(normalize(r["text"])) for r in rows], dtype=float)


def judge_asked(rule_categories, P: np.ndarray, gate: float = SECOND_GATE) -> np.ndarray:
    """The posts the judge is asked about: no rule found a person in danger, and the linear
    model finds an urgent category at least as likely as the second opinion's gate."""
    ks = [CATEGORIES.index(c) for c in URGENT_LIST]
    rule_urgent = np.array([bool(found & set(URGENT_CATEGORIES)) for found in rule_categories])
    return (P[:, ks].max(axis=1) >= gate) & ~rule_urgent


def fit_judge(F: np.ndarray, rows, seed: int = 0):
    from sklearn.ensemble import HistGradientBoostingClassifier

    y = np.array([bool(set(r["labels"]) & set(URGENT_CATEGORIES)) for r in rows])
    return HistGradientBoostingClassifier(max_iter=JUDGE_TREES, learning_rate=JUDGE_RATE, max_leaf_nodes=JUDGE_LEAVES, random_state=seed).fit(F, y)


def flatten_judge(net, cut: float) -> UrgencyJudge:
    """The fitted trees as the arrays ``UrgencyJudge`` reads, checked against scikit-learn."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    for (tree,) in net._predictors:
        nodes, offset = tree.nodes, len(feature)
        roots.append(offset)
        for node in nodes:
            leaf = bool(node["is_leaf"])
            feature.append(-1 if leaf else int(node["feature_idx"]))
            threshold.append(0.0 if leaf else float(node["num_threshold"]))
            left.append(0 if leaf else offset + int(node["left"]))
            right.append(0 if leaf else offset + int(node["right"]))
            value.append(float(node["value"]) if leaf else 0.0)
    judge = UrgencyJudge(
        flags=JUDGE_FLAGS, feature=np.array(feature, dtype=np.int32), threshold=np.array(threshold), left=np.array(left, dtype=np.int32),
        right=np.array(right, dtype=np.int32), value=np.array(value), roots=np.array(roots, dtype=np.int32),
        baseline=float(np.ravel(net._baseline_prediction)[0]), cut=float(np.log(cut / (1 - cut))), features=len(CATEGORIES) + len(URGENT_LIST) + len(JUDGE_FLAGS) + len(JUDGE_SHAPE), shape=JUDGE_SHAPE,
    )
    return judge


def judged(rule_categories, P, Q, S, cut: float, predicted: list[set[str]], asked) -> list[set[str]]:
    """What the engine does with a judge: the linear model adds no urgent category; where
    the judge is asked and says yes (``S``: its probabilities), the urgent category the
    second opinion finds likelier is added."""
    out = []
    for found, q, s, a, pred in zip(rule_categories, Q, S, asked, predicted, strict=True):
        pred = {c for c in pred if c not in URGENT_CATEGORIES} | (found & set(URGENT_CATEGORIES))
        if a and s >= cut:
            pred = pred | {URGENT_LIST[int(np.argmax(q))]}
        out.append(pred)
    return out


def judge_false_alarms(rows, rule_categories, P, Q, S, cut, thresholds, veto, idx, asked) -> float:
    part = [rows[i] for i in idx]
    predicted = judged([rule_categories[i] for i in idx], P[idx], Q[idx], S[idx], cut, combine([rule_categories[i] for i in idx], P[idx], thresholds, veto), asked[idx])
    return report(part, predicted)["urgent_false_alarm_rate"]


def pick_judge_cut(rows, rule_categories, P, Q, S, thresholds, veto, general, dev, P_shipped, Q_shipped, S_shipped, target: float = JUDGE_FALSE_ALARM_TARGET) -> float:
    """The lowest cut on ``JUDGE_GRID`` that keeps urgent false alarms out of file on the
    general sets at or under ``target``, and in sample on every dev set the tests check
    (with the model as shipped) at or under the contract's 2 %."""
    idx = np.flatnonzero(general)
    asked = judge_asked(rule_categories, P)
    asked_shipped = judge_asked(rule_categories, P_shipped)
    for cut in JUDGE_GRID:
        if judge_false_alarms(rows, rule_categories, P, Q, S, cut, thresholds, veto, idx, asked) > target:
            continue
        if any(judge_false_alarms(rows, rule_categories, P_shipped, Q_shipped, S_shipped, cut, thresholds, veto, d, asked_shipped) > URGENT_FALSE_ALARM_TARGET for d in dev):
            continue
        return cut
    return JUDGE_GRID[-1]


def rules_view(engine: Engine, text: str) -> set[str]:
    """What the rules alone read (``engine.judge_flags``: their categories, ``"calm"`` and
    ``"praise"``, as the engine gives them to the urgency judge), with ``ruled_out:`` and
    ``firm:`` entries for what they rule out in so many words and what they find firmly."""
    reasons, ctx = detect(text, engine.lexicon)
    found = judge_flags(reasons, ctx)
    found |= {f"ruled_out:{c}" for c in ctx.ruled_out}
    found |= {f"firm:{r.category}" for r in reasons if r.score >= FIRM and r.category in found and r.category not in ("question", "trivial")}
    return found


def combine(rule_categories: list[set[str]], P: np.ndarray, thresholds, veto: float = 0.0) -> list[set[str]]:
    """What the engine does: the model adds a category at its threshold (never one a rule
    ruled out in so many words); it drops a rule's non-urgent finding only when its
    probability is below ``veto``."""
    out = []
    for found, p in zip(rule_categories, P, strict=True):
        found = set(found)
        rule_urgent = bool(found & set(URGENT_CATEGORIES))
        on_case = "calm" in found
        praised = "praise" in found
        firm = {c[5:] for c in found if c.startswith("firm:")}
        ruled_out = {c[10:] for c in found if c.startswith("ruled_out:")}
        found = {c for c in found if c not in ("calm", "praise") and not c.startswith(("firm:", "ruled_out:"))}
        for k, category in enumerate(CATEGORIES):
            if category in found:
                if category not in URGENT_CATEGORIES and category not in firm and p[k] < veto:
                    found.discard(category)
                continue
            if category in ruled_out:
                continue
            bar = thresholds[k]
            if category in URGENT_CATEGORIES:
                if rule_urgent:
                    continue
                if on_case or praised:
                    bar = max(bar, URGENT_BAR_ON_CASE)
            elif category in AIMED_AT and praised:
                bar = max(bar, PRAISED_BAR)
            if p[k] >= bar:
                found.add(category)
        out.append(found)
    return out


def rule_features(categories) -> list[str]:
    return [f"rule:{c}" for c in sorted(categories)]


def report(rows: list[dict], predicted: list[set[str]]) -> dict:
    predicted = [{c for c in p if c in CATEGORY_NAMES} for p in predicted]
    m = measure((r["labels"], p, bool(p & set(URGENT_CATEGORIES))) for r, p in zip(rows, predicted, strict=True))
    return {k: m[k] for k in KEYS} | {"per_category_f1": {c: v["f1"] for c, v in m["per_category"].items()}}


def pick_thresholds(rows, rule_categories, P, veto: float = 0.0, beta_urgent: float = 1.25, beta_other: float = 0.5) -> list[float]:
    thresholds = [1.01] * len(CATEGORIES)
    for k, category in enumerate(CATEGORIES):
        beta = beta_urgent if category in URGENT_CATEGORIES else beta_other
        best = (-1.0, 1.01)
        for t in GRID:
            trial = list(thresholds)
            trial[k] = t
            predicted = combine(rule_categories, P, trial, veto)
            tp = sum(1 for r, p in zip(rows, predicted) if category in r["labels"] and category in p)
            fp = sum(1 for r, p in zip(rows, predicted) if category not in r["labels"] and category in p)
            fn = sum(1 for r, p in zip(rows, predicted) if category in r["labels"] and category not in p)
            score = (1 + beta**2) * tp / ((1 + beta**2) * tp + beta**2 * fn + fp) if tp else 0.0
            if score > best[0] + 1e-9:
                best = (score, t)
        thresholds[k] = best[1]
    return thresholds


def _urgent_share(rows, rule_categories, P, idx, thresholds, veto: float, Q=None, second_thresholds=None, labelled_urgent: bool = False) -> float:
    """The share flagged urgent among the posts ``idx`` whose labels are (``labelled_urgent``)
    or are not urgent: urgent recall, or urgent false alarms."""
    part = [i for i in idx if bool(set(rows[i]["labels"]) & set(URGENT_CATEGORIES)) == labelled_urgent]
    if not part:
        return 1.0 if labelled_urgent else 0.0
    rc = [rule_categories[i] for i in part]
    predicted = combine(rc, P[part], thresholds, veto)
    if Q is not None:
        predicted = add_second(rc, P[part], Q[part], thresholds, predicted, second_thresholds)
    return sum(1 for p in predicted if p & set(URGENT_CATEGORIES)) / len(part)


def _false_alarm_rate(rows, rule_categories, P, idx, thresholds, veto: float, Q=None, second_thresholds=None) -> float:
    """Urgent false alarms among the non-urgent posts ``idx``."""
    return _urgent_share(rows, rule_categories, P, idx, thresholds, veto, Q, second_thresholds, labelled_urgent=False)


def _urgent_recall(rows, rule_categories, P, idx, thresholds, veto: float, Q=None, second_thresholds=None) -> float:
    """Urgent recall among the urgent posts ``idx``."""
    return _urgent_share(rows, rule_categories, P, idx, thresholds, veto, Q, second_thresholds, labelled_urgent=True)


def pick_second(rows, rule_categories, P, Q, thresholds, veto: float, general, dev, P_shipped, Q_shipped, target: float = SECOND_FALSE_ALARM_TARGET) -> list[float]:
    """The second opinion's threshold, once the linear thresholds are settled: the lowest on
    ``SECOND_GRID`` (the most urgent posts found) that keeps urgent false alarms out of file
    on the general sets (``general``) at or under ``target``, and in sample on every dev set
    the tests check (``dev``, with the model as shipped) at or under the contract's 2 %."""
    idx = np.flatnonzero(general)
    for s in SECOND_GRID:
        st = [s] * len(URGENT_LIST)
        if _false_alarm_rate(rows, rule_categories, P, idx, thresholds, veto, Q, st) > target:
            continue
        if any(_false_alarm_rate(rows, rule_categories, P_shipped, d, thresholds, veto, Q_shipped, st) > URGENT_FALSE_ALARM_TARGET for d in dev):
            continue
        return st
    return [1.01] * len(URGENT_LIST)


def _raise_urgent(thresholds, too_many) -> list[float]:
    """Raise the distress and threat thresholds together, step by step on ``GRID``, until
    ``too_many(trial)`` is false (or the grid ends)."""
    urgent = [k for k, c in enumerate(CATEGORIES) if c in URGENT_CATEGORIES]
    floor = min(thresholds[k] for k in urgent)
    for t in [floor] + [g for g in GRID if g > floor]:
        trial = [max(th, t) if k in urgent else th for k, th in enumerate(thresholds)]
        if not too_many(trial):
            return trial
    return trial


def hold_urgent_false_alarms(rows, rule_categories, P, thresholds, veto: float, general, target: float = URGENT_FALSE_ALARM_TARGET) -> list[float]:
    """Raise the distress and threat thresholds together, where needed, until urgent false
    alarms on the general sets in the shared dev set's style (``general``, out of file) are
    at most ``target``: the contract's ≤ 2 %, held before recall is maximised."""
    idx = np.flatnonzero(general)
    return _raise_urgent(thresholds, lambda trial: _false_alarm_rate(rows, rule_categories, P, idx, trial, veto) > target)


def dev_sets(group_of) -> list[np.ndarray]:
    """The posts of each dev set the tests hold to the contract's targets."""
    return [np.flatnonzero(group_of == g) for g in dict.fromkeys(group_of) if g == "contract_dev.jsonl" or (g.startswith("dev_") and "/" not in g)]


def hold_dev_sets(rows, rule_categories, P, thresholds, veto: float, group_of, target: float = URGENT_FALSE_ALARM_TARGET, Q=None, second_thresholds=None) -> list[float]:
    """Raise the distress and threat thresholds together, where needed, until every dev set
    the tests hold to the contract's targets (``test_measures.py``: ``contract_dev.jsonl``
    and ``dev_*.jsonl``, all in the training data) has at most ``target`` urgent false
    alarms with the model as shipped (``P``: its in-sample probabilities). The shipped
    engine must meet the targets on the sets it is developed against; a few dozen posts
    each, one false alarm is already too many there."""
    dev = dev_sets(group_of)
    return _raise_urgent(thresholds, lambda trial: any(_false_alarm_rate(rows, rule_categories, P, idx, trial, veto, Q, second_thresholds) > target for idx in dev))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=0.5)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--model-out", type=Path, help="write the model here instead (to compare it before it replaces the shipped one)")
    parser.add_argument("--min-weight", type=float, default=0.05, help="drop features whose weights are all below this")
    parser.add_argument("--stack", action="store_true")
    parser.add_argument("--mix", type=float, default=MIX, help="the plain regression's share of the weights (1: plain only, 0: NB-LR only)")
    parser.add_argument("--folds", type=int, default=10, help="leave this many groups of files out in turn (0: each file alone, slow with the second opinion)")
    parser.add_argument("--dump", type=Path, help="write the out-of-file scores (pickle) for analysis")
    parser.add_argument("--veto", type=float, default=VETO)
    parser.add_argument("--beta-urgent", type=float, default=1.25, help="F-beta for the distress and threat thresholds")
    parser.add_argument("--beta-other", type=float, default=0.5, help="F-beta for the other categories' thresholds")
    parser.add_argument("--no-second", action="store_true", help="no second opinion on urgency (the linear model alone)")
    parser.add_argument("--second-units", type=int, default=SECOND_UNITS)
    parser.add_argument("--second-epochs", type=int, default=SECOND_EPOCHS)
    parser.add_argument("--second-seeds", type=int, default=SECOND_SEEDS, help="average this many nets fitted from different starts")
    parser.add_argument("--no-judge", action="store_true", help="no urgency judge (the linear and second opinion thresholds decide)")
    args = parser.parse_args()

    groups = training_groups()
    rows = [r for g in groups.values() for r in g]
    group_of = np.array([g for g, rs in groups.items() for _ in rs])
    rules = Engine(loader.load_preset("nationell"))
    rules.base_model = None
    rule_categories = [rules_view(rules, r["text"]) for r in rows]

    P = np.zeros((len(rows), len(CATEGORIES)))
    Q = None if args.no_second else np.zeros((len(rows), len(URGENT_LIST)))
    for fold in file_folds(list(groups), args.folds):
        test = np.flatnonzero(np.isin(group_of, fold))
        train = np.flatnonzero(~np.isin(group_of, fold))
        stack = rule_categories if args.stack else None
        feats, W, bias = fit([rows[i]["text"] for i in train], [rows[i]["labels"] for i in train], args.c, stack and [stack[i] for i in train], args.min_weight, args.mix)
        P[test] = predict(feats, W, bias, [rows[i]["text"] for i in test], stack and [stack[i] for i in test])
        if Q is not None:
            # The second opinion reads the features the linear model keeps, as shipped.
            keep = np.flatnonzero(np.abs(W).max(axis=1) >= max(args.min_weight, 1e-6))
            net = fit_seconds(feats.matrix([rows[i]["text"] for i in train], grow=False)[:, keep], [rows[i]["labels"] for i in train], args.second_seeds, args.second_units, args.second_epochs)
            Q[test] = predict_second(net, feats.matrix([rows[i]["text"] for i in test], grow=False)[:, keep])
    if args.dump:
        import pickle

        args.dump.write_bytes(pickle.dumps((rows, [str(g) for g in group_of], rule_categories, P, Q)))
    thresholds = pick_thresholds(rows, rule_categories, P, args.veto, args.beta_urgent, args.beta_other)
    general = np.array([g.startswith("train/w_general") for g in group_of])
    thresholds = hold_urgent_false_alarms(rows, rule_categories, P, thresholds, args.veto, general)
    out_of_file_thresholds = thresholds

    feats, W, bias = fit([r["text"] for r in rows], [r["labels"] for r in rows], args.c, min_weight=args.min_weight, mix=args.mix)
    names = sorted(feats.vocab, key=feats.vocab.get)
    keep = np.union1d([0], np.flatnonzero(np.abs(W).max(axis=1) >= max(args.min_weight, 1e-6)))
    # In sample, with the weights as shipped (float16): the dev sets' urgent false alarms.
    P_shipped = predict(feats, W.astype(np.float16).astype(np.float32), bias, [r["text"] for r in rows])
    second = Q_shipped = None
    if Q is not None:
        X_kept = feats.matrix([r["text"] for r in rows], grow=False)[:, keep]
        hidden, hidden_bias, out, out_bias = fit_seconds(X_kept, [r["labels"] for r in rows], args.second_seeds, args.second_units, args.second_epochs)
        hidden[0] = 0.0  # row 0: the unknown feature
        hidden = hidden.astype(np.float16).astype(np.float32)
        Q_shipped = predict_second((hidden, hidden_bias, out, out_bias), X_kept)
    thresholds = hold_dev_sets(rows, rule_categories, P_shipped, thresholds, args.veto, group_of)
    second_thresholds = None
    if Q is not None:
        # The second opinion's threshold is picked last, with the linear thresholds settled.
        second_thresholds = pick_second(rows, rule_categories, P, Q, thresholds, args.veto, general, dev_sets(group_of), P_shipped, Q_shipped)
        second = SecondOpinion(categories=tuple(URGENT_LIST), hidden=hidden, hidden_bias=hidden_bias, out=out, out_bias=out_bias, thresholds=np.array(second_thresholds, dtype=np.float32), gate=SECOND_GATE)
    combined = add_second(rule_categories, P, Q, thresholds, combine(rule_categories, P, thresholds, args.veto), second_thresholds)
    judge = None
    if Q is not None and not args.no_judge:
        # The judge learns from out-of-file scores (as it will meet a new writer's post),
        # and is itself scored out of file, fold by fold, to pick its cut.
        shapes = post_shapes(rows)
        F = judge_matrix(P, Q, rule_categories, shapes)
        asked = judge_asked(rule_categories, P)
        S = np.zeros(len(rows))
        for fold in file_folds(list(groups), args.folds):
            test = np.isin(group_of, fold)
            train = np.flatnonzero(~test & asked)
            S[test] = fit_judge(F[train], [rows[i] for i in train]).predict_proba(F[test])[:, 1]
        net = fit_judge(F[asked], [r for r, a in zip(rows, asked) if a])
        S_shipped = net.predict_proba(judge_matrix(P_shipped, Q_shipped, rule_categories, shapes))[:, 1]
        cut = pick_judge_cut(rows, rule_categories, P, Q, S, thresholds, args.veto, general, dev_sets(group_of), P_shipped, Q_shipped, S_shipped)
        judge = flatten_judge(net, cut)
        sample = F[:2000]
        if not np.allclose([judge.log_odds(x) for x in sample], net.decision_function(sample), atol=1e-9):
            raise SystemExit("the flattened judge does not agree with scikit-learn")
        combined = judged(rule_categories, P, Q, S, cut, combine(rule_categories, P, thresholds, args.veto), asked)
    new = np.array([g.startswith("train/w_") for g in group_of])
    summary = {
        "train_rows": len(rows),
        "files": len(groups),
        "c": args.c,
        "thresholds": dict(zip(CATEGORIES, thresholds, strict=True)),
        "thresholds_before_dev_sets": dict(zip(CATEGORIES, out_of_file_thresholds, strict=True)),
        "second_opinion": None if second is None else {"units": args.second_units, "epochs": args.second_epochs, "seeds": args.second_seeds, "gate": SECOND_GATE, "thresholds": dict(zip(URGENT_LIST, map(float, second_thresholds)))},
        "judge": None if judge is None else {"trees": JUDGE_TREES, "leaves": JUDGE_LEAVES, "nodes": len(judge.feature), "cut": float(1 / (1 + np.exp(-judge.cut))), "asked": int(judge_asked(rule_categories, P).sum())},
        "out_of_file": {
            "all": {"rules": report(rows, rule_categories), "rules_and_model": report(rows, combined)},
            "new_writers": {
                "items": int(new.sum()),
                "rules": report([r for r, n in zip(rows, new) if n], [p for p, n in zip(rule_categories, new) if n]),
                "rules_and_model": report([r for r, n in zip(rows, new) if n], [p for p, n in zip(combined, new) if n]),
            },
        },
    }

    short = ("urgent_recall", "urgent_false_alarm_rate", "violation_recall", "false_removal_rate", "macro_f1")
    summary["out_of_file"]["per_file"] = {}
    for g in groups:
        mask = group_of == g
        part = [r for r, m in zip(rows, mask) if m]
        summary["out_of_file"]["per_file"][g] = {
            "items": len(part),
            "rules": [report(part, [p for p, m in zip(rule_categories, mask) if m])[k] for k in short],
            "rules_and_model": [report(part, [p for p, m in zip(combined, mask) if m])[k] for k in short],
        }

    summary["features_kept"] = int(len(keep) - 1)
    if args.model_out:
        save_base_model(args.model_out, CATEGORIES, [names[i] for i in keep], W[keep], bias, thresholds, second, judge)
    if args.write:
        save_base_model(MODEL_PATH, CATEGORIES, [names[i] for i in keep], W[keep], bias, thresholds, second, judge)
        load_base_model.cache_clear()
        summary["wrote"] = f"{MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size // 1024} KB)"
        shipped = Engine(loader.load_preset("nationell"))
        for path in HELD_OUT:
            if path.is_file():
                held = read_labelled(path)
                summary[path.name] = {
                    "items": len(held),
                    "rules": report(held, [set(rules.classify(r["text"]).categories) for r in held]),
                    "rules_and_model": report(held, [set(shipped.classify(r["text"]).categories) for r in held]),
                }
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
