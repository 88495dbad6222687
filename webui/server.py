"""Start ``streamlit run app.py`` on a free local port (for the browser test and the benchmark)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@dataclass(frozen=True)
class Server:
    """A running app: its base URL and how long it took to answer its health check."""

    url: str
    seconds_to_healthy: float


def stop(process: subprocess.Popen, *, grace: float = 10.0) -> None:
    """Terminate a server process, killing it when it has not ended after ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(kb_dir: str | Path, *, log_path: str | Path | None = None, timeout: float = 60.0) -> Iterator[Server]:
    """Run the app on ``kb_dir`` in a subprocess until the ``with`` block ends (stopped in ``finally``)."""
    port = free_port()
    env = dict(os.environ, POLICY_KB=str(kb_dir))
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode}; see {log_path or 'its output'}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"streamlit did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.1)
        yield Server(url=url, seconds_to_healthy=time.perf_counter() - started)
    finally:
        stop(process)
        if log is not subprocess.DEVNULL:
            log.close()
