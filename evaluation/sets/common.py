"""What every eval set shares: the train/test split and the JSONL writer."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path


def split_of(qid: str) -> str:
    """``train`` or ``test``: a stable half of the ids (sha1 parity)."""
    return "train" if int(hashlib.sha1(str(qid).encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"


def write_jsonl(rows: list[dict], path: Path) -> None:
    """Write ``rows`` as one JSON object a line (UTF-8, Chinese kept readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
