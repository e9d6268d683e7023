"""Presidio's analyzer on the triage benchmark corpus (bench only; see README.md).

Runs in an interpreter that has ``presidio-analyzer`` (and spaCy, which it depends on);
it does not import Uppsikt. No model is downloaded: the NLP engine is a blank Swedish
spaCy pipeline, so only the pattern recognizers work -- which is what finds
personnummer, phone numbers and e-mail addresses anyway.

    python bench/triage/presidio_bench.py CORPUS.jsonl

CORPUS.jsonl lines: {"text": ..., "personnummer": "..." or null}. Prints one JSON object:
items, seconds, items_per_second, personnummer_posts, personnummer_found, personnummer_recall.
"""

from __future__ import annotations

import json
import sys
import time

import spacy
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer


class BlankSwedishNlpEngine(SpacyNlpEngine):
    """spaCy's blank Swedish pipeline: tokenisation only, nothing to download."""

    def __init__(self):
        super().__init__(models=[{"lang_code": "sv", "model_name": "blank:sv"}])

    def load(self) -> None:
        self.nlp = {"sv": spacy.blank("sv")}


def _luhn_ok(ten: str) -> bool:
    total = 0
    for i, ch in enumerate(ten):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


class SwedishPersonnummerRecognizer(PatternRecognizer):
    """Personnummer and samordningsnummer: YYMMDD-NNNC, YYYYMMDD-NNNC, with or without the
    separator; the last digit checked with Luhn, the date part roughly."""

    PATTERNS = [
        Pattern("pnr_long", r"\b(?:19|20)\d{6}[-+]?\d{4}\b", 0.5),
        Pattern("pnr_short", r"\b\d{6}[-+]?\d{4}\b", 0.4),
    ]
    CONTEXT = ["personnummer", "pnr", "personnr", "samordningsnummer", "född"]

    def __init__(self):
        super().__init__(supported_entity="SE_PERSONNUMMER", patterns=self.PATTERNS, context=self.CONTEXT, supported_language="sv")

    def validate_result(self, pattern_text: str) -> bool:
        digits = "".join(ch for ch in pattern_text if ch.isdigit())
        if len(digits) == 12:
            digits = digits[2:]
        if len(digits) != 10:
            return False
        month, day = int(digits[2:4]), int(digits[4:6])
        if not 1 <= month <= 12 or not (1 <= day <= 31 or 61 <= day <= 91):
            return False
        return _luhn_ok(digits)


def build_analyzer() -> AnalyzerEngine:
    registry = RecognizerRegistry(supported_languages=["sv"])
    registry.add_recognizer(SwedishPersonnummerRecognizer())
    registry.add_recognizer(PhoneRecognizer(supported_language="sv", supported_regions=("SE",)))
    registry.add_recognizer(EmailRecognizer(supported_language="sv"))
    return AnalyzerEngine(registry=registry, nlp_engine=BlankSwedishNlpEngine(), supported_languages=["sv"])


def main(path: str) -> int:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    analyzer = build_analyzer()
    entities = ["SE_PERSONNUMMER", "PHONE_NUMBER", "EMAIL_ADDRESS"]
    for row in rows[:200]:  # warm up
        analyzer.analyze(row["text"], language="sv", entities=entities)
    found = posts = 0
    start = time.perf_counter()
    cpu = time.process_time()
    results = [analyzer.analyze(row["text"], language="sv", entities=entities) for row in rows]
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    for row, result in zip(rows, results, strict=True):
        number = row.get("personnummer")
        if not number:
            continue
        posts += 1
        at = row["text"].find(number)
        if any(r.entity_type == "SE_PERSONNUMMER" and r.start <= at and r.end >= at + len(number) for r in result):
            found += 1
    print(
        json.dumps(
            {
                "engine": "presidio-analyzer (blank sv spaCy, pattern recognizers)",
                "items": len(rows),
                "seconds": round(seconds, 3),
                "items_per_second": round(len(rows) / seconds),
                "items_per_cpu_second": round(len(rows) / cpu_seconds),
                "personnummer_posts": posts,
                "personnummer_found": found,
                "personnummer_recall": round(found / posts, 4) if posts else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
