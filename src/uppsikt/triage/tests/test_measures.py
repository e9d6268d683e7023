"""The contract's measures on the shared dev set and on our own larger labelled set."""

from pathlib import Path

import pytest

from uppsikt.triage.metrics import evaluate, measure, meets_targets, read_labelled

OWN = Path(__file__).resolve().parents[4] / "bench" / "triage" / "data"
CONTRACT = OWN / "contract_dev.jsonl"  # a copy of shared/contracts/triage_dev.jsonl, so a clone alone runs the suite


def test_measure_counts_as_the_contract_says():
    m = measure([(["threat"], ["threat"], True), (["trivial"], ["profanity"], False), (["hate"], ["trivial"], False)])
    assert m["urgent_recall"] == 1.0
    assert m["false_removal_rate"] == 1.0
    assert m["violation_recall"] == 0.5


@pytest.mark.parametrize("path", [CONTRACT, *sorted(OWN.glob("dev_*.jsonl"))], ids=lambda p: p.name)
def test_targets_on_labelled_sets(engine, path):
    assert path.is_file(), path
    m, _ = evaluate(engine, read_labelled(path))
    assert all(meets_targets(m).values()), {k: m[k] for k in meets_targets(m)}
