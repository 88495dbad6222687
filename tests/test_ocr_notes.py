"""The ingest summary about OCR (issue 14): page progress and poor-page warnings, without
running the OCR engine (the parser is replaced by one that reports pages as OCR does)."""
from __future__ import annotations

from dataclasses import replace

from conftest import make_doc
from index.cli_write import summary
from index.ocr_notes import ocr_warnings, page_progress_text
from index.records import IngestReport
from ingest.records import OcrSummary

SUMMARY = OcrSummary(pages=(1, 2, 3), poor_pages=(3,), confidence=0.971, confidences=(0.991, 0.985, 0.912))


def test_page_progress_text():
    assert page_progress_text(3, 8, "/x/意见.pdf") == "OCR 第 3/8 页 意见.pdf"


def test_poor_page_warning_names_the_page_and_its_confidence():
    report = IngestReport(added=("/k/uploads/ab12.pdf",), ocr=(("/k/uploads/ab12.pdf", SUMMARY),))
    assert ocr_warnings(report, names={"ab12.pdf": "扫描件.pdf"}) == [
        "「扫描件.pdf」第3页识别质量差（平均置信度 0.91），请对照原文核对该页条款"]
    text = summary(report)
    assert "  OCR: /k/uploads/ab12.pdf: 3 页，平均置信度 0.971" in text
    assert "  警告：「ab12.pdf」第3页识别质量差（平均置信度 0.91），请对照原文核对该页条款" in text
    assert ocr_warnings(replace(report, ocr=((("/a.pdf", replace(SUMMARY, poor_pages=())),)))) == []


def test_writer_reports_ocr_pages_and_summaries(tmp_path, demo_embedder, monkeypatch):
    import ingest.pipeline
    from index.kb import KnowledgeBase
    from ingest.ocr.pool import _PROGRESS

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 fake")

    def fake_parse(path):
        for page in (1, 2, 3):
            _PROGRESS.get()(page, 3, str(path))  # what recognise_pages does after each page
        doc = make_doc(str(path), "扫描件", [((), "", "第一段扫描文字足够长，可以成为一个条款。")])
        return replace(doc, format="pdf", ocr=SUMMARY)

    # one small file is parsed in this process (index.parse_queue), where OCR's page reports arrive
    monkeypatch.setattr(ingest.pipeline, "parse_file", fake_parse)
    seen: list[str] = []
    with KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder) as kb:
        report = kb.ingest([scan], page_progress=lambda d, t, s: seen.append(page_progress_text(d, t, s)))
    assert seen == ["OCR 第 1/3 页 scan.pdf", "OCR 第 2/3 页 scan.pdf", "OCR 第 3/3 页 scan.pdf"]
    assert report.ocr == ((str(scan.resolve()), SUMMARY),)
