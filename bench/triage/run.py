"""Triage throughput and personnummer recall, Uppsikt against Presidio, on one corpus.

    .venv/bin/python bench/triage/run.py [--items 20000] [--presidio-python /path/to/python]

Builds a reproducible corpus of ~200-character Swedish posts (``corpus.py``), then:

* ``engine``: ``Engine.classify`` for every post in one process (the library API), with
  the shipped model and, for comparison, with the rules alone;
* ``jsonl``: the same through the ``uppsikt triage`` stream code (JSON in and out);
* ``presidio``: Presidio's analyzer with Swedish pattern recognizers (``presidio_bench.py``),
  run by ``--presidio-python`` (an interpreter with presidio-analyzer installed).

Personnummer recall: of the posts that carry a valid personnummer or samordningsnummer,
the share where the tool marks that number. Prints a JSON summary; ``--out`` writes it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "src"))

from corpus import build_corpus  # noqa: E402

from uppsikt.policies import loader  # noqa: E402
from uppsikt.triage.commands import run_stream  # noqa: E402
from uppsikt.triage.engine import Engine  # noqa: E402


def _best_rates(runs: dict, items: int, repeats: int) -> dict[str, tuple[float, float]]:
    """Best (wall, cpu) items per second of each run over ``repeats`` rounds: other work on a
    shared machine only ever slows a run down. The runs take turns within each round, so a
    slow spell on the machine falls on all of them alike."""
    best = {name: (0.0, 0.0) for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            best[name] = (max(best[name][0], items / wall), max(best[name][1], items / cpu))
    return best


def bench_uppsikt(posts: list[str], numbers: list[str | None], policy: str, repeats: int) -> dict:
    start = time.perf_counter()
    engine = Engine(loader.load_preset(policy))
    load_seconds = time.perf_counter() - start
    for post in posts[:2000]:
        engine.classify(post)
    classify = engine.classify
    shipped_model = engine.base_model

    def run_engine():
        for post in posts:
            classify(post)

    def run_rules():
        engine.base_model = None
        try:
            run_engine()
        finally:
            engine.base_model = shipped_model

    lines = b"".join(json.dumps({"id": str(i), "text": p}, ensure_ascii=False).encode("utf-8") + b"\n" for i, p in enumerate(posts))

    def run_jsonl():
        run_stream(engine, io.BytesIO(lines), io.StringIO())

    rates = _best_rates({"engine": run_engine, "rules": run_rules, "jsonl": run_jsonl}, len(posts), repeats)
    (wall, cpu), (rules_wall, rules_cpu), (jsonl_wall, jsonl_cpu) = rates["engine"], rates["rules"], rates["jsonl"]
    found = total = 0
    for post, number in zip(posts, numbers, strict=True):
        if not number:
            continue
        total += 1
        at = post.find(number)
        decision = classify(post)
        if any(r.rule.startswith(("personal_data.personnummer", "personal_data.samordningsnummer")) and r.span[0] <= at and r.span[1] >= at + len(number) for r in decision.reasons):
            found += 1
    return {
        "engine": "uppsikt triage (rules with Aho–Corasick, and the shipped model)",
        "policy": policy,
        "items": len(posts),
        "load_seconds": round(load_seconds, 3),
        "items_per_second": round(wall),
        "items_per_cpu_second": round(cpu),
        "rules_only_items_per_second": round(rules_wall),
        "rules_only_items_per_cpu_second": round(rules_cpu),
        "jsonl_items_per_second": round(jsonl_wall),
        "jsonl_items_per_cpu_second": round(jsonl_cpu),
        "personnummer_posts": total,
        "personnummer_found": found,
        "personnummer_recall": round(found / total, 4) if total else None,
    }


def bench_presidio(python: str, corpus_path: Path) -> dict:
    result = subprocess.run([python, str(HERE / "presidio_bench.py"), str(corpus_path)], capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        return {"engine": "presidio-analyzer", "error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5, help="rounds; each run's best is reported")
    parser.add_argument("--policy", default=loader.DEFAULT_PRESET)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--presidio-python", default=os.environ.get("PRESIDIO_PYTHON"), help="interpreter with presidio-analyzer installed")
    parser.add_argument("--out", type=Path, help="write the JSON summary here")
    args = parser.parse_args(argv)

    posts, numbers = build_corpus(args.items, seed=args.seed)
    summary = {
        "corpus": {
            "items": len(posts),
            "mean_chars": round(sum(map(len, posts)) / len(posts), 1),
            "with_personnummer": sum(1 for n in numbers if n),
        },
        "uppsikt": bench_uppsikt(posts, numbers, args.policy, args.repeats),
    }
    if args.presidio_python:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for post, number in zip(posts, numbers, strict=True):
                    f.write(json.dumps({"text": post, "personnummer": number}, ensure_ascii=False) + "\n")
            summary["presidio"] = bench_presidio(args.presidio_python, path)
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
