#!/usr/bin/env python3
"""Write a Facebook "Download Your Information" export with N comments, as Facebook writes it.

The 2024 layout (``your_facebook_activity/comments_and_reactions/comments.json``) inside a
zip, text in Meta's double-encoded UTF-8, Swedish with å/ä/ö and emoji. Deterministic.

    python bench/ingest/generate_facebook_export.py --comments 200000 --out /tmp/fb-200k.zip
"""

from __future__ import annotations

import argparse
import json
import random
import zipfile
from pathlib import Path

OPENINGS = ("Hej!", "Hej kommunen,", "Tack för infon.", "Fråga:", "Hallå där!", "God morgon!", "Snälla,")
TOPICS = (
    "när plogas Åsvägen", "varför är simhallen stängd", "vem ansvarar för gatlampan på Storgatan",
    "hur söker man plats på förskolan Solrosen", "när öppnar badplatsen vid Mörbyån", "kan ni laga hålet i Älvgatan",
    "finns det lediga sommarjobb", "när töms soptunnorna på Björkstigen", "är biblioteket öppet på lördag",
)
ENDINGS = ("🙏", "😊", "❄️", "Tack på förhand!", "Mvh Åsa", "/Göran", "👍", "")
NAMES = ("Mörbyåns kommun",)


def meta(text: str) -> str:
    """Meta's double encoding: every UTF-8 byte written as its own \\u00XX."""
    return text.encode("utf-8").decode("latin-1")


def write(out: Path, comments: int, seed: int = 20240501) -> int:
    rng = random.Random(seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    member = "facebook-morbyanskommun-2024-06-01-AbCdEf/your_facebook_activity/comments_and_reactions/comments.json"
    written = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as zf:
        with zf.open(member, "w", force_zip64=True) as raw:
            raw.write(b'{\n  "comments_v2": [\n')
            for n in range(comments):
                timestamp = 1717200000 - n * 37 - rng.randrange(0, 30)
                text = f"{rng.choice(OPENINGS)} {rng.choice(TOPICS)}? (#{n}) {rng.choice(ENDINGS)}".strip()
                author = rng.choice(NAMES)
                record = {
                    "timestamp": timestamp,
                    "data": [{"comment": {"timestamp": timestamp, "comment": meta(text), "author": meta(author)}}],
                    "title": meta(f"{author} replied to Åsa Öberg's comment." if n % 5 == 0 else f"{author} commented on Mörbyåns kommun's post."),
                }
                raw.write((b",\n" if n else b"") + json.dumps(record, indent=None).encode("ascii"))
                written += 1
            raw.write(b"\n  ]\n}\n")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    n = write(args.out, args.comments)
    print(f"{args.out}: {n} comments, {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
