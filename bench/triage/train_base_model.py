"""Train the model shipped with the triage engine, and report it on the held-out blind set.

    .venv/bin/python bench/triage/train_base_model.py [--c 4] [--write]

Training data: every labelled set in bench/triage/data except ``blind/blind_b.jsonl``,
which is only measured (never read for tuning). With --write it replaces
src/uppsikt/triage/models_data/base.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from uppsikt.policies.vocabulary import URGENT_CATEGORIES  # noqa: E402
from uppsikt.triage.base_model import MODEL_PATH, URGENT_THRESHOLD, text_features  # noqa: E402

DATA = ROOT / "bench" / "triage" / "data"
HELD_OUT = DATA / "blind" / "blind_b.jsonl"


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def training_rows() -> list[dict]:
    rows = []
    for path in sorted(DATA.rglob("*.jsonl")):
        if path != HELD_OUT:
            rows += [r for r in read(path) if "labels" in r]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument("--min-weight", type=float, default=0.2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows = training_rows()
    vocab: dict[str, int] = {}
    indptr, indices = [0], []
    for r in rows:
        for f in set(text_features(r["text"])):
            indices.append(vocab.setdefault(f, len(vocab)))
        indptr.append(len(indices))
    X = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocab)))
    categories = list(URGENT_CATEGORIES)
    coefs, bias = [], []
    for category in categories:
        y = np.array([category in r["labels"] for r in rows])
        model = LogisticRegression(C=args.c, max_iter=5000, class_weight="balanced").fit(X, y)
        coefs.append(model.coef_[0])
        bias.append(model.intercept_[0])
    W = np.vstack(coefs).T
    keep = np.nonzero(np.abs(W).max(axis=1) >= args.min_weight)[0]
    names = sorted(vocab, key=vocab.get)
    thresholds = [URGENT_THRESHOLD for _ in categories]
    print(json.dumps({"train_rows": len(rows), "features_kept": int(len(keep)), "categories": categories}))
    if args.write:
        MODEL_PATH.parent.mkdir(exist_ok=True)
        model = {
            "categories": categories,
            "bias": [round(float(b), 5) for b in bias],
            "thresholds": thresholds,
            "weights": {names[i]: [round(float(w), 4) for w in W[i]] for i in keep},
        }
        MODEL_PATH.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
