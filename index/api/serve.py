"""``python -m index serve [--kb DIR] [--host 127.0.0.1] [--port 8000] [--workers N]``: the HTTP API
(``index.api.app``) under uvicorn. Each worker process opens the KB itself (read by many, SQLite
WAL snapshots; writes through the write endpoints take the KB's one write lock)."""
from __future__ import annotations

import os
import sys

from index.cli_args import positive


def add_serve_command(sub, *, kb_arg) -> None:
    """Register ``serve`` on the sub-command parsers ``sub``."""
    s = sub.add_parser("serve", help="the HTTP API (FastAPI; OpenAPI at /docs)",
                       description="Serve the KB over HTTP. Write endpoints (upload, delete, rebuild) are on "
                                   "only when POLICY_API_TOKEN is set; they need Authorization: Bearer TOKEN.")
    kb_arg(s)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--workers", type=positive, default=1, help="worker processes, each with the KB open (default 1)")
    s.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"])
    s.set_defaults(run=run_serve)


def run_serve(args) -> int:
    """Check the KB opens, then run uvicorn with ``--workers`` processes (exit 2 on a KB error)."""
    from index.kb import KnowledgeBase
    from index.location import ENV_VAR, kb_path
    from index.records import KBError

    path = kb_path(args.kb).resolve()
    try:
        KnowledgeBase.open(path, create=False).close()  # refuse a missing or unreadable KB before binding
    except KBError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    import uvicorn

    os.environ[ENV_VAR] = str(path)  # the workers build their app from the environment
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # see index/cli.py: one OpenMP thread per query
    uvicorn.run("index.api.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level)
    return 0
