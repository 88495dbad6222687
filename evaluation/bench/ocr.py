"""OCR figures: speed with 1 and 2 workers, and accuracy against a hand transcription.

``python -m evaluation.bench.ocr speed [PDF] [--workers 1,2]``: seconds a page (wall clock, and
CPU seconds of this process and its workers) for OCR of every page of PDF (default: the
scanned 意见 in ``../shared``).

``python -m evaluation.bench.ocr accuracy [PDF] [--truth DIR]``: character errors (edit
distance, whitespace ignored) and mean line confidence on pages 1-2 against
``tests/data/ocr/yijian_p{1,2}.txt``, for the page as scanned and degraded (lower
resolution, blur, noise, JPEG): the figures behind ``POOR_CONFIDENCE``.
"""
from __future__ import annotations

import argparse
import io
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from ingest.ocr.engine import recognise
from ingest.ocr.layout import page_lines
from ingest.ocr.pool import recognise_pages, shutdown
from ingest.ocr.reader import mean_confidence
from ingest.ocr.sources import pdf_refs

ROOT = Path(__file__).resolve().parents[2]
SCANNED = next((ROOT.parent / "shared/realdocs/policyreader-yummyjacky").glob("关于加力推进*.pdf"), None)
TRUTH = ROOT / "tests/data/ocr"


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def char_errors(truth: str, text: str) -> tuple[int, int]:
    """(edit distance, reference length) with whitespace removed from both."""
    ref, hyp = re.sub(r"\s+", "", truth), re.sub(r"\s+", "", text)
    return edit_distance(ref, hyp), len(ref)


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def speed(pdf: Path, workers: list[int]) -> None:
    """Print s/page for each worker count (the pool's start-up included, models loaded)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    pages = len(doc)
    doc.close()
    for w in workers:
        shutdown()
        t, c = time.perf_counter(), _cpu()
        recognise_pages(pdf_refs(pdf, list(range(1, pages + 1))), workers=w)
        shutdown()  # reaps the workers so their CPU time is counted
        wall, cpu = time.perf_counter() - t, _cpu() - c
        print(f"workers {w}: {pages} pages in {wall:.1f} s = {wall / pages:.2f} s/page wall, {cpu / pages:.2f} CPU-s/page")


def _degradations() -> dict[str, callable]:
    rng = np.random.default_rng(0)

    def noise(sigma):
        def f(im):
            a = np.asarray(im.convert("L"), dtype=np.float32) + rng.normal(0, sigma, (im.height, im.width))
            return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
        return f

    def jpeg(quality):
        def f(im):
            buf = io.BytesIO()
            im.convert("L").save(buf, "JPEG", quality=quality)
            return Image.open(io.BytesIO(buf.getvalue()))
        return f

    def dpi(d):
        return lambda im: im.resize((im.width * d // 200, im.height * d // 200), Image.LANCZOS)

    return {
        "as scanned, 200 dpi": lambda im: im, "75 dpi": dpi(75), "50 dpi": dpi(50), "40 dpi": dpi(40),
        "blur r=3": lambda im: im.filter(ImageFilter.GaussianBlur(3)), "blur r=5": lambda im: im.filter(ImageFilter.GaussianBlur(5)),
        "noise sd=100": noise(100), "JPEG q=5": jpeg(5), "75 dpi + noise sd=60": lambda im: noise(60)(dpi(75)(im)),
        "60 dpi + noise sd=80": lambda im: noise(80)(dpi(60)(im)), "50 dpi + noise sd=60": lambda im: noise(60)(dpi(50)(im)),
    }


def accuracy(pdf: Path, truth: Path) -> None:
    """Print character errors and mean confidence per degradation on pages 1-2."""
    from ingest.ocr.sources import load_image

    refs = pdf_refs(pdf, [1, 2])
    images = [load_image(r) for r in refs]
    texts = [(truth / f"yijian_p{r.number}.txt").read_text(encoding="utf-8") for r in refs]
    print(f"{'page image':24} {'errors / chars':>15} {'accuracy':>9} {'mean confidence':>16}")
    for name, degrade in _degradations().items():
        errors = chars = 0
        lines = []
        for image, text in zip(images, texts):
            im = degrade(image)
            page = page_lines(recognise(im), width=im.width, height=im.height)
            body = [l for l in page if not re.fullmatch(r"[-—一\d\s]+|扫描全能王.*", l.text)]  # folio, stamp
            e, n = char_errors(text, "".join(l.text for l in body))
            errors, chars, lines = errors + e, chars + n, lines + body
        conf = mean_confidence(lines) or 0.0
        print(f"{name:24} {errors:>7} / {chars:<6} {1 - errors / chars:>9.3f} {conf:>16.3f}")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen measurement."""
    ap = argparse.ArgumentParser(prog="python -m evaluation.bench.ocr", description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("speed", "accuracy"))
    ap.add_argument("pdf", nargs="?", type=Path, default=SCANNED)
    ap.add_argument("--workers", default="1,2", help="worker counts to time (speed)")
    ap.add_argument("--truth", type=Path, default=TRUTH, help="folder of yijian_p1.txt, yijian_p2.txt (accuracy)")
    args = ap.parse_args(argv)
    if args.pdf is None or not args.pdf.exists():
        print("the scanned PDF is missing: give its path", file=sys.stderr)
        return 2
    if args.what == "speed":
        speed(args.pdf, [int(w) for w in args.workers.split(",")])
    else:
        accuracy(args.pdf, args.truth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
