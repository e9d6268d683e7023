"""Train the shipped urgent model (distress, threat) and report it on the held-out blind set.

    .venv/bin/python bench/triage/train_urgent_model.py [--threshold 0.55] [--write]

Training data: every labelled set in bench/triage/data except ``blind/blind_b.jsonl``,
which is only measured. Writes src/uppsikt/triage/models_data/urgent.json with --write.
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

from uppsikt.triage.urgent_model import CATEGORIES, MODEL_PATH, UrgentModel, features  # noqa: E402

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


def fit(rows: list[dict], c: float) -> tuple[dict, list[float]]:
    vocab: dict[str, int] = {}
    indptr, indices = [0], []
    for r in rows:
        feats = {f for f, _, _ in features(r["text"])}
        for f in feats:
            indices.append(vocab.setdefault(f, len(vocab)))
        indptr.append(len(indices))
    X = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocab)))
    coefs, bias = [], []
    for category in CATEGORIES:
        y = np.array([category in r["labels"] for r in rows])
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(X, y)
        coefs.append(model.coef_[0])
        bias.append(float(model.intercept_[0]))
    names = sorted(vocab, key=vocab.get)
    weights = {}
    for j, name in enumerate(names):
        w = (float(coefs[0][j]), float(coefs[1][j]))
        if max(abs(w[0]), abs(w[1])) >= 0.05:
            weights[name] = [round(w[0], 4), round(w[1], 4)]
    return weights, bias


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, nargs=2, default=[0.6, 0.6])
    parser.add_argument("--c", type=float, default=2.0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows = training_rows()
    weights, bias = fit(rows, args.c)
    model = UrgentModel({k: tuple(v) for k, v in weights.items()}, tuple(bias), tuple(args.threshold))
    held = read(HELD_OUT)
    urgent = [r for r in held if {"distress", "threat"} & set(r["labels"])]
    calm = [r for r in held if not {"distress", "threat"} & set(r["labels"])]
    caught = sum(1 for r in urgent if model.score(r["text"]))
    alarms = sum(1 for r in calm if model.score(r["text"]))
    print(json.dumps({"train_rows": len(rows), "features": len(weights), "held_out_urgent": len(urgent), "model_alone_urgent_recall": round(caught / len(urgent), 3), "model_alone_false_alarm_rate": round(alarms / len(calm), 3)}))
    if args.write:
        MODEL_PATH.parent.mkdir(exist_ok=True)
        MODEL_PATH.write_text(json.dumps({"weights": weights, "bias": bias, "threshold": args.threshold}, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
