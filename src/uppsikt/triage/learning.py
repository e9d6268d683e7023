"""Learning from editors: a per-municipality model that adds what the rules miss.

``train_model(texts, labels)`` fits TF-IDF over character n-grams (3–5, within word
boundaries, so inflections and compounds share features) and word n-grams (1–2), and a
one-vs-rest logistic regression per category. ``TriageModel.additions(text, found)``
gives the categories the model is confident about (probability at or above the
threshold) that the rules did not find. The engine adds those and never removes a rule
hit or an urgent flag.

Training data are editors' confirmed decisions (``LabelledExample``) exported as JSONL:
``{"text": "...", "labels": ["profanity", ...]}``. The model is saved with joblib under
``$UPPSIKT_DATA_DIR/triage/<policy>.joblib``; that folder is the product's own data, so
the file is trusted.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from uppsikt.policies.vocabulary import CATEGORIES

from .normalize import normalize

MODEL_VERSION = 1
DEFAULT_THRESHOLD = 0.6
MIN_POSITIVES = 3
# The model may add these; question/trivial are what is left when nothing else applies.
LEARNABLE = tuple(c for c in CATEGORIES if c not in ("question", "trivial"))


class TrainingError(ValueError):
    """Bad training input, shown as one line."""


def _prepare(text: str) -> str:
    return normalize(text).norm


@dataclass
class TriageModel:
    policy: str
    categories: list[str]
    char_vectorizer: TfidfVectorizer
    word_vectorizer: TfidfVectorizer
    classifiers: dict[str, LogisticRegression]
    threshold: float = DEFAULT_THRESHOLD
    examples: int = 0
    version: int = MODEL_VERSION
    thresholds: dict[str, float] = field(default_factory=dict)

    def _features(self, texts: list[str]):
        prepared = [_prepare(t) for t in texts]
        return hstack([self.char_vectorizer.transform(prepared), self.word_vectorizer.transform(prepared)]).tocsr()

    def predict_proba(self, texts: list[str]) -> list[dict[str, float]]:
        x = self._features(texts)
        columns = {c: clf.predict_proba(x)[:, 1] for c, clf in self.classifiers.items()}
        return [{c: float(columns[c][i]) for c in self.classifiers} for i in range(len(texts))]

    def additions(self, text: str, found: set[str]) -> list[tuple[str, float]]:
        """Categories to add to a rule decision: confident, and not already found."""
        probs = self.predict_proba([text])[0]
        out = []
        for category, p in probs.items():
            if category in found:
                continue
            if p >= self.thresholds.get(category, self.threshold):
                out.append((category, round(p, 2)))
        return out


def read_training_file(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise TrainingError(f"{path}: filen finns inte")
    texts: list[str] = []
    labels: list[list[str]] = []
    known = set(CATEGORIES)
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise TrainingError(f"{path}:{number}: raden är inte giltig JSON i UTF-8") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise TrainingError(f"{path}:{number}: ett objekt med strängen 'text' krävs")
            row_labels = row.get("labels", row.get("categories"))
            if not isinstance(row_labels, list) or not row_labels or not all(isinstance(x, str) for x in row_labels):
                raise TrainingError(f"{path}:{number}: 'labels' måste vara en lista med kategorier")
            unknown = [x for x in row_labels if x not in known]
            if unknown:
                raise TrainingError(f"{path}:{number}: okänd kategori {', '.join(unknown)}")
            texts.append(row["text"])
            labels.append(row_labels)
    if len(texts) < 10:
        raise TrainingError(f"{path}: minst 10 märkta exempel behövs (fanns {len(texts)})")
    return texts, labels


def train_model(texts: list[str], labels: list[list[str]], *, policy: str, threshold: float = DEFAULT_THRESHOLD) -> TriageModel:
    if len(texts) != len(labels) or not texts:
        raise TrainingError("texter och etiketter måste vara lika många och inte noll")
    prepared = [_prepare(t) for t in texts]
    char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=1, sublinear_tf=True, max_features=60000)
    word_vec = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", max_features=30000)
    x = hstack([char_vec.fit_transform(prepared), word_vec.fit_transform(prepared)]).tocsr()
    classifiers: dict[str, LogisticRegression] = {}
    for category in LEARNABLE:
        y = np.array([1 if category in row else 0 for row in labels])
        positives = int(y.sum())
        if positives < MIN_POSITIVES or positives > len(y) - MIN_POSITIVES:
            continue
        clf = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000, solver="liblinear")
        clf.fit(x, y)
        classifiers[category] = clf
    if not classifiers:
        raise TrainingError(f"för få exempel per kategori: minst {MIN_POSITIVES} positiva och {MIN_POSITIVES} negativa behövs för någon kategori")
    return TriageModel(
        policy=policy,
        categories=sorted(classifiers),
        char_vectorizer=char_vec,
        word_vectorizer=word_vec,
        classifiers=classifiers,
        threshold=threshold,
        examples=len(texts),
    )


def save_model(model: TriageModel, path: Path) -> Path:
    """Write atomically: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".triage-", suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(model, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def load_model(path: Path) -> TriageModel | None:
    """The model at ``path``, or None when it is missing, unreadable or of another version."""
    try:
        model = joblib.load(path)
    except Exception:  # noqa: BLE001 -- a broken model file must not stop triage
        return None
    if not isinstance(model, TriageModel) or model.version != MODEL_VERSION:
        return None
    return model
