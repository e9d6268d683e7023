"""Service functions for triage state: each runs in a transaction and logs an audit event."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from uppsikt.audit.events import log
from uppsikt.policies.vocabulary import CATEGORIES

from .models import LabelledExample


class LabelError(ValueError):
    """Labels that are not triage categories."""


def record_editor_decision(*, text: str, labels, policy: str, user=None, source: str = "editor") -> LabelledExample:
    """Store an editor's confirmed categories for a post as a training example."""
    if not isinstance(text, str) or not text.strip():
        raise LabelError("texten saknas")
    labels = list(dict.fromkeys(labels or ()))
    if not labels:
        raise LabelError("minst en kategori krävs")
    unknown = [x for x in labels if x not in CATEGORIES]
    if unknown:
        raise LabelError(f"okända kategorier: {', '.join(map(str, unknown))}")
    valid_sources = {key for key, _ in LabelledExample.SOURCE_CHOICES}
    if source not in valid_sources:
        raise LabelError(f"okänd källa '{source}'")
    with transaction.atomic():
        example = LabelledExample.objects.create(
            text=text, labels=labels, policy=policy, source=source, confirmed_by=user if getattr(user, "pk", None) else None
        )
        log("triage_label_recorded", actor=user, obj=example, policy=policy, categories=", ".join(labels))
    return example


def export_training_file(policy: str, path: Path) -> int:
    """Write the policy's confirmed examples as JSONL for ``uppsikt triage train``."""
    rows = LabelledExample.objects.filter(policy=policy).order_by("id")
    count = 0
    with Path(path).open("w", encoding="utf-8") as f:
        for example in rows.iterator():
            f.write(json.dumps(example.to_training_line(), ensure_ascii=False) + "\n")
            count += 1
    return count
