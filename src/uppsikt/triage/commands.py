"""``uppsikt triage`` (contracts/triage.md) and ``uppsikt triage train``.

``uppsikt triage [--policy PRESET] < items.jsonl > decisions.jsonl`` reads stdin as
bytes, one JSON object a line, and writes one decision a line in the same order. A line
that is not a JSON object with a string ``text`` (invalid UTF-8 included) gives
``{"line": N, "error": "..."}`` in its place; the rest is still processed and the
command exits 2. It needs neither Django nor a database.

``uppsikt triage train LABELLED.jsonl [--policy P] [--out PATH]`` fits the
municipality's model from labelled lines ``{"text": ..., "labels": [...]}``.
"""

from __future__ import annotations

import json
import os
import sys

import orjson

from uppsikt.cli import CommandError


def register(sub) -> None:
    p = sub.add_parser(
        "triage",
        help="bedöm inlägg (JSONL på stdin) eller träna kommunens modell (triage train FIL)",
        description="Bedöm inlägg enligt policyns åtgärdstabell. Läser JSONL på standard in och skriver ett beslut per rad.",
    )
    p.add_argument("subaction", nargs="?", choices=["train"], help="train: träna en modell från märkta exempel")
    p.add_argument("labelled", nargs="?", help="märkta exempel (JSONL) för train")
    p.add_argument("--policy", default=None, help="förval (preset) att bedöma efter; standard: nationell")
    p.add_argument("--out", default=None, help="för train: var modellen sparas (standard: $UPPSIKT_DATA_DIR/triage/<policy>.joblib)")
    p.add_argument("--explain", action="store_true", help="lägg till förklaringar och hjälp i varje beslut")
    p.set_defaults(handler=cmd_triage)


def _policy_name(args) -> str:
    from uppsikt.policies import loader

    return args.policy or loader.DEFAULT_PRESET


def cmd_triage(args) -> int:
    if args.subaction == "train":
        return cmd_train(args)
    if args.labelled:
        raise CommandError("okänt argument: " + args.labelled + " (menade du 'uppsikt triage train FIL'?)")
    from uppsikt.policies.schema import PolicyError

    from .engine import get_engine

    name = _policy_name(args)
    try:
        engine = get_engine(name)
    except PolicyError as exc:
        raise CommandError(str(exc).splitlines()[0]) from None
    try:
        return run_stream(engine, sys.stdin.buffer, sys.stdout, extended=args.explain)
    except BrokenPipeError:
        # The reader went away (``uppsikt triage < big.jsonl | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _error_line(number: int, message: str) -> str:
    return json.dumps({"line": number, "error": message}, ensure_ascii=False)


_loads = json.loads
_fast_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError


def _without_eol(raw: bytes) -> bytes:
    """A line without its line end (``\n``, ``\r\n`` or a last ``\r``)."""
    if raw[-1:] == b"\n":
        return raw[:-2] if raw[-2:-1] == b"\r" else raw[:-1]
    if raw[-1:] == b"\r":
        return raw[:-1]
    return raw


def parse_item(raw: bytes) -> tuple[dict | None, str | None]:
    """One input line (with or without its line end) as an item, or the reason it is not
    one (in Swedish)."""
    try:
        # The common case first: one well-formed UTF-8 JSON object, parsed by orjson
        # (the line end is JSON whitespace to it).
        item = _fast_loads(raw)
    except _JSONDecodeError:
        # Anything orjson refuses (a BOM, NaN, huge integers, bad bytes, an empty line)
        # goes through the standard library, which accepts what it always did and words
        # the error.
        return _parse_slow(_without_eol(raw))
    if type(item) is dict:
        text = item.get("text")
        if type(text) is str:
            if type(item.get("id")) is float:
                # orjson reads integers past 64 bits as floats; the id is echoed, so the
                # standard library reads that line as it always did.
                return _parse_slow(_without_eol(raw))
            return item, None
    return _check(item)


def _check(item) -> tuple[dict | None, str | None]:
    if not isinstance(item, dict):
        return None, "raden är inte ett JSON-objekt"
    text = item.get("text")
    if not isinstance(text, str):
        return None, "fältet 'text' saknas eller är inte en sträng"
    return item, None


def _parse_slow(raw: bytes) -> tuple[dict | None, str | None]:
    try:
        item = _loads(raw)
    except UnicodeDecodeError as exc:
        return None, f"ogiltig UTF-8 (byte {exc.start})"
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as dexc:
            return None, f"ogiltig UTF-8 (byte {dexc.start})"
        line = line.strip().lstrip("\ufeff")
        if not line:
            return None, "tom rad"
        try:
            item = _loads(line)
        except (json.JSONDecodeError, RecursionError) as exc2:
            return None, f"ogiltig JSON: {getattr(exc2, 'msg', 'för djup nästling')}"
        except ValueError:
            return None, f"ogiltig JSON: {getattr(exc, 'msg', exc)}"
    return _check(item)


def run_stream(engine, stream, out, *, extended: bool = False) -> int:
    """Triage each line of ``stream`` (bytes) to ``out`` (text); 2 if any line failed."""
    failed = False
    dumps = json.dumps
    classify = engine.classify
    line_for = engine.contract_line
    # Lines are gathered and written in batches: one ``write`` per line costs more than
    # the JSON itself. A batch is small enough that a reader sees output as it goes.
    batch: list[str] = []
    append = batch.append
    for number, raw in enumerate(stream, start=1):
        item, error = parse_item(raw)
        if error is not None:
            failed = True
            append(_error_line(number, error))
        elif extended:
            platform = item.get("platform")
            decision = classify(item["text"], platform=platform if type(platform) is str else None)
            append(dumps(decision.to_json(item.get("id"), extended=True), ensure_ascii=False))
        else:
            # The rules read the same on every platform (engine.py): the line straight from the engine.
            append(line_for(item["text"], item.get("id")))
        if len(batch) >= 256:
            batch.append("")
            out.write("\n".join(batch))
            batch.clear()
    if batch:
        batch.append("")
        out.write("\n".join(batch))
    out.flush()
    return 2 if failed else 0


def cmd_train(args) -> int:
    if not args.labelled:
        raise CommandError("ange filen med märkta exempel: uppsikt triage train FIL.jsonl")
    from pathlib import Path

    from .engine import model_path
    from .learning import TrainingError, read_training_file, save_model, train_model

    name = _policy_name(args)
    try:
        from uppsikt.policies import loader

        loader.load_preset(name)
    except Exception as exc:  # noqa: BLE001 -- PolicyError and friends, shown as one line
        raise CommandError(str(exc).splitlines()[0]) from None
    try:
        texts, labels = read_training_file(Path(args.labelled))
        model = train_model(texts, labels, policy=name)
    except TrainingError as exc:
        raise CommandError(str(exc)) from None
    out = Path(args.out) if args.out else model_path(name)
    save_model(model, out)
    print(json.dumps({"policy": name, "examples": len(texts), "categories": model.categories, "model": str(out)}, ensure_ascii=False))
    return 0
