"""What an ingestion says about OCR, in Chinese, for the CLI and the page: the page progress
(``OCR 第 n/N 页``) and a warning for each poorly recognised page (``第N页识别质量差``).

A page is poor when its mean line confidence is below ``ingest.ocr.POOR_CONFIDENCE`` (0.95,
measured on the scanned 意见: clean pages 0.978-0.995, see README "Scanned PDFs").
"""
from __future__ import annotations

from pathlib import Path

from index.records import IngestReport


def page_progress_text(done: int, total: int, source: str) -> str:
    """``OCR 第 3/8 页 文件名.pdf``."""
    return f"OCR 第 {done}/{total} 页 {Path(source).name}"


def ocr_warnings(report: IngestReport, *, names: dict[str, str] | None = None) -> list[str]:
    """One sentence per poorly recognised page of the files read by OCR (``names`` maps a
    source, or its file name, to the name to show, e.g. an upload's original file name)."""
    out = []
    for source, summary in report.ocr:
        names = names or {}
        name = names.get(source) or names.get(Path(source).name) or Path(source).name
        confidence = dict(zip(summary.pages, summary.confidences))
        for page in summary.poor_pages:
            score = f"（平均置信度 {confidence[page]:.2f}）" if page in confidence else ""
            out.append(f"「{name}」第{page}页识别质量差{score}，请对照原文核对该页条款")
    return out


def ocr_lines(report: IngestReport) -> list[str]:
    """For the CLI summary: per file read by OCR, its pages and mean confidence, then the warnings."""
    lines = [f"  OCR: {source}: {len(s.pages)} 页，平均置信度 {s.confidence:.3f}" for source, s in report.ocr]
    return lines + [f"  警告：{w}" for w in ocr_warnings(report)]
