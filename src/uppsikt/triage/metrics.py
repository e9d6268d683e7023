"""The measures of contracts/triage.md, computed on a labelled set.

A labelled line is ``{"id": ..., "text": ..., "labels": [...]}``. ``measure(pairs)``
takes (gold labels, predicted decision categories and urgent flag) and returns a dict
with urgent recall, urgent false alarms, violation recall and precision, false removal
rate, per-category F1 and their macro average over the violation categories.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from uppsikt.policies.vocabulary import URGENT_CATEGORIES, VIOLATION_CATEGORIES

TARGETS = {
    "urgent_recall": (">=", 0.97),
    "urgent_false_alarm_rate": ("<=", 0.02),
    "violation_recall": (">=", 0.90),
    "false_removal_rate": ("<=", 0.03),
    "macro_f1": (">=", 0.85),
}


def read_labelled(path: str | Path) -> list[dict]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            rows.append(json.loads(line))
    return rows


def _ratio(a: int, b: int, empty: float = 1.0) -> float:
    return a / b if b else empty


def measure(pairs: Iterable[tuple[Iterable[str], Iterable[str], bool]]) -> dict:
    """``pairs``: (gold labels, predicted categories, predicted urgent) per item."""
    n = 0
    urgent_gold = urgent_hit = 0
    non_urgent = false_alarm = 0
    viol_gold = viol_hit = viol_pred = viol_pred_true = 0
    clean = false_removal = 0
    tp = dict.fromkeys(VIOLATION_CATEGORIES, 0)
    fp = dict.fromkeys(VIOLATION_CATEGORIES, 0)
    fn = dict.fromkeys(VIOLATION_CATEGORIES, 0)
    viol_set = set(VIOLATION_CATEGORIES)
    for gold, pred, urgent in pairs:
        n += 1
        gold = set(gold)
        pred = set(pred)
        g_urgent = bool(gold & set(URGENT_CATEGORIES))
        if g_urgent:
            urgent_gold += 1
            urgent_hit += bool(urgent)
        else:
            non_urgent += 1
            false_alarm += bool(urgent)
        g_viol = gold & viol_set
        p_viol = pred & viol_set
        if g_viol:
            viol_gold += 1
            viol_hit += bool(p_viol)
        else:
            clean += 1
            false_removal += bool(p_viol)
        if p_viol:
            viol_pred += 1
            viol_pred_true += bool(g_viol)
        for c in VIOLATION_CATEGORIES:
            if c in gold and c in pred:
                tp[c] += 1
            elif c in pred:
                fp[c] += 1
            elif c in gold:
                fn[c] += 1
    per_category = {}
    for c in VIOLATION_CATEGORIES:
        if tp[c] + fp[c] + fn[c] == 0:
            continue
        p = _ratio(tp[c], tp[c] + fp[c], 0.0)
        r = _ratio(tp[c], tp[c] + fn[c], 0.0)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_category[c] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "support": tp[c] + fn[c]}
    f1s = [v["f1"] for v in per_category.values() if v["support"] > 0]
    return {
        "items": n,
        "urgent_recall": round(_ratio(urgent_hit, urgent_gold), 4),
        "urgent_false_alarm_rate": round(_ratio(false_alarm, non_urgent, 0.0), 4),
        "violation_recall": round(_ratio(viol_hit, viol_gold), 4),
        "violation_precision": round(_ratio(viol_pred_true, viol_pred), 4),
        "false_removal_rate": round(_ratio(false_removal, clean, 0.0), 4),
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 1.0,
        "per_category": per_category,
    }


def evaluate(engine, rows: list[dict]) -> tuple[dict, list[tuple[dict, object]]]:
    """Run ``engine`` over labelled rows; the measures and each (row, decision)."""
    results = []
    pairs = []
    for row in rows:
        decision = engine.classify(row["text"])
        results.append((row, decision))
        pairs.append((row.get("labels", ()), decision.categories, decision.urgent))
    return measure(pairs), results


def meets_targets(m: dict) -> dict[str, bool]:
    out = {}
    for key, (op, target) in TARGETS.items():
        out[key] = m[key] >= target if op == ">=" else m[key] <= target
    return out
