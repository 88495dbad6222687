"""``python -m evaluation.bench.first_start [--runs N] [--warm-model]``: the first start of the page
on a fresh clone, timed from ``streamlit run app.py`` until headless Chromium shows the results of
``/?q=公共服务 人均支出`` (the page builds ``kb/`` from ``corpus/`` with e5-int8 on that first start).

Each run clones this repository's committed HEAD into a new temporary directory (no ``kb/``),
points ``POLICY_MODEL_CACHE`` at a new empty directory (so the ONNX model is prepared too;
``--warm-model`` keeps the user's prepared cache instead) and unsets ``POLICY_KB``. The install
step (``pip install -r requirements.txt``) is not timed: the packages are those of this machine.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from evaluation.bench.page import EXPECTED, QUERY, VIEWPORT
from webui.server import stop

ROOT = Path(__file__).resolve().parents[2]


def _clone(into: Path, rev: str) -> Path:
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(into)], check=True)
    subprocess.run(["git", "-C", str(into), "checkout", "--quiet", rev], check=True)
    return into


def _start(clone: Path, env: dict, log) -> tuple[subprocess.Popen, str]:
    from webui.server import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=str(clone), env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def _wait_results(browser, url: str, process: subprocess.Popen, started: float) -> float:
    """Seconds from ``started`` until the results of QUERY are on screen (retrying until the server answers)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            page.goto(f"{url}/?q={quote(QUERY)}", wait_until="commit", timeout=2_000)
            break
        except Exception:  # not listening yet
            time.sleep(0.05)
    page.get_by_text(EXPECTED).first.wait_for(timeout=300_000)
    seconds = time.perf_counter() - started
    context.close()
    return seconds


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its waited-for children (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def one_run(browser, *, warm_model: bool, rev: str = "HEAD") -> tuple[float, float, str]:
    """Seconds to results on a fresh clone, the server's CPU seconds until then (what a quiet
    machine's wall time would be, were nothing run in parallel) and its log lines about the model."""
    with tempfile.TemporaryDirectory(prefix="first-start-") as tmp:
        clone = _clone(Path(tmp) / "repo", rev)
        env = {k: v for k, v in os.environ.items() if k != "POLICY_KB"}
        if not warm_model:
            env["POLICY_MODEL_CACHE"] = str(Path(tmp) / "model-cache")
        log_path = Path(tmp) / "streamlit.log"
        with open(log_path, "w") as log:
            started = time.perf_counter()
            process, url = _start(clone, env, log)
            try:
                seconds = _wait_results(browser, url, process, started)
                cpu = cpu_seconds(process.pid)
            finally:
                stop(process)
        notes = [line for line in log_path.read_text().splitlines() if re.search(r"model|ready", line)]
        return seconds, cpu, "; ".join(notes)


def main(argv: list[str] | None = None) -> int:
    """Time the first start ``--runs`` times and print each figure and the median."""
    ap = argparse.ArgumentParser(prog="python -m evaluation.bench.first_start", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--warm-model", action="store_true", help="keep the prepared model cache (only kb/ is new)")
    ap.add_argument("--rev", default="HEAD", help="the commit to clone (default: HEAD)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from webui.server import CHROMIUM, CHROMIUM_ARGS

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is absent (apt-get install chromium)", file=sys.stderr)
        return 2
    times, cpus = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            for n in range(args.runs):
                seconds, cpu, notes = one_run(browser, warm_model=args.warm_model, rev=args.rev)
                times.append(seconds)
                cpus.append(cpu)
                print(f"run {n + 1}: results of /?q={QUERY} visible {seconds:.1f} s after `streamlit run`, "
                      f"server CPU {cpu:.1f} s ({notes})", flush=True)
        finally:
            browser.close()
    times.sort()
    cpus.sort()
    print(f"median {times[len(times) // 2]:.1f} s (server CPU {cpus[len(cpus) // 2]:.1f} s), "
          f"min {times[0]:.1f} s, max {times[-1]:.1f} s "
          f"(model cache {'kept' if args.warm_model else 'empty'}; load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
