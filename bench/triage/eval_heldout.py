"""Does learning from editors help? The shipped engine (rules and shipped model) against
the same plus a municipality's trained model, on posts that model never saw.

    .venv/bin/python bench/triage/eval_heldout.py [--policy kiruna]
        [--train data/feedback_train.jsonl data/dev_a.jsonl ...] [--heldout data/feedback_heldout.jsonl]

The default data is a municipality's own feedback (``data/feedback_*.jsonl``): a local
party, a local tour company's ads, and mild swearing that this municipality's editors
count as profanity -- what a general lexicon cannot know. The two halves are disjoint
(every other post). The model is trained on the training half plus the general labelled
sets (``data/dev_*.jsonl``), as ``uppsikt triage train`` would be on all confirmed
decisions, and both engines are measured on the held-out half with the contract's
measures. Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from uppsikt.policies import loader  # noqa: E402
from uppsikt.triage.engine import Engine  # noqa: E402
from uppsikt.triage.learning import train_model  # noqa: E402
from uppsikt.triage.metrics import evaluate, read_labelled  # noqa: E402

KEYS = ("urgent_recall", "urgent_false_alarm_rate", "violation_recall", "violation_precision", "false_removal_rate", "macro_f1")


def main(argv: list[str] | None = None) -> int:
    data = HERE / "data"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policy", default="kiruna")
    parser.add_argument("--train", nargs="+", type=Path, default=[data / "feedback_train.jsonl", *sorted(data.glob("dev_*.jsonl"))])
    parser.add_argument("--heldout", type=Path, default=data / "feedback_heldout.jsonl")
    args = parser.parse_args(argv)

    train_rows = [row for path in args.train for row in read_labelled(path)]
    heldout = read_labelled(args.heldout)
    overlap = {r["text"] for r in train_rows} & {r["text"] for r in heldout}
    if overlap:
        raise SystemExit(f"held-out posts also in training data: {len(overlap)}")
    policy = loader.load_preset(args.policy)
    model = train_model([r["text"] for r in train_rows], [r["labels"] for r in train_rows], policy=args.policy)
    rules, _ = evaluate(Engine(policy), heldout)
    learned, results = evaluate(Engine(policy, model=model), heldout)
    added = sum(1 for _, d in results if any(r.rule.startswith("model.") for r in d.reasons))
    summary = {
        "policy": args.policy,
        "train_items": len(train_rows),
        "heldout_items": len(heldout),
        "model_categories": model.categories,
        "posts_where_model_added": added,
        "shipped_engine": {k: rules[k] for k in KEYS} | {"per_category_f1": {c: v["f1"] for c, v in rules["per_category"].items()}},
        "shipped_and_municipality_model": {k: learned[k] for k in KEYS} | {"per_category_f1": {c: v["f1"] for c, v in learned["per_category"].items()}},
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
