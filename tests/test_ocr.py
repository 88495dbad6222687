"""OCR of scanned PDFs and page images (issue 14, item 1).

Fast tests check the line building, bracket repair, folio rule, seal merge and image
loading on synthetic data. Tests marked ``slow`` run rapidocr on real pages of
``../shared/realdocs`` (skipped without it): the scanned 意见 and 397.pdf rasterised.
"""
from __future__ import annotations

import difflib
import re
import socket
from pathlib import Path

import pytest
from PIL import Image

from ingest import furniture
from ingest.ocr.engine import Box, _covered, red_ink_share
from ingest.ocr.layout import fix_brackets, page_lines, rows
from ingest.ocr.sources import PageRef, SourceKind, image_refs, load_image

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REALDOCS = SHARED / "realdocs"
SCANNED = next((REALDOCS / "policyreader-yummyjacky").glob("关于加力推进*.pdf"), None) if REALDOCS.is_dir() else None
GOVDOC = REALDOCS / "govdoc-cn" / "397.pdf"
TRUTH = ROOT / "tests" / "data" / "ocr"
TITLE = "农业农村部办公厅关于加力推进农机购置与应用补贴“优机优补”“有进有出”的意见"
HUB_VARS = ("HF_ENDPOINT", "HF_HUB_OFFLINE", "HUGGINGFACE_HUB_CACHE", "MODELSCOPE_CACHE", "MODELSCOPE_DOMAIN")

needs_scan = pytest.mark.skipif(SCANNED is None, reason="../shared/realdocs (scanned 意见) is absent")
needs_govdoc = pytest.mark.skipif(not GOVDOC.exists(), reason="../shared/realdocs/govdoc-cn/397.pdf is absent")


def box(text, x0, y0, x1, y1, conf=0.99):
    return Box(text=text, x0=x0, y0=y0, x1=x1, y1=y1, confidence=conf)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Nothing here may reach the network: no hub variables, and connecting raises."""
    for var in HUB_VARS:
        monkeypatch.delenv(var, raising=False)

    def refuse(*args, **kwargs):
        raise OSError("network access attempted during an OCR test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# --- fast: layout, brackets, folios, seal merge, images ---------------------------------

def test_boxes_become_lines_top_to_bottom_left_to_right():
    boxes = [box("2025年1月24日印发", 1010, 1850, 1374, 1892), box("农业农村部办公厅", 268, 1859, 568, 1898),
             box("施透明度。", 218, 873, 413, 921), box("实施方案，并报农业农村部备案后实施。", 217, 246, 1388, 286)]
    lines = page_lines(boxes, width=1653, height=2339)
    assert [l.text for l in lines] == ["实施方案，并报农业农村部备案后实施。", "施透明度。", "农业农村部办公厅 2025年1月24日印发"]
    assert lines[2].bbox == (round(268 / 1653, 4), round(1850 / 2339, 4), round(1374 / 1653, 4), round(1898 / 2339, 4))


def test_line_confidence_is_weighted_by_length():
    lines = page_lines([box("一二三四五六七八", 0, 0, 80, 10, 1.0), box("九十", 90, 0, 110, 10, 0.5)], width=200, height=100)
    assert lines[0].confidence == 0.9  # (8 * 1.0 + 2 * 0.5) / 10


def test_boxes_overlapping_less_than_half_are_separate_rows():
    assert [[b.text for b in r] for r in rows([box("甲", 0, 0, 10, 10), box("乙", 20, 6, 30, 16)])] == [["甲"], ["乙"]]


@pytest.mark.parametrize("raw, fixed", [
    ("(一）建立区域协作", "（一）建立区域协作"), ("农业农村(农牧)厅(局、委)，", "农业农村（农牧）厅（局、委），"),
    ("(2014-2020年)的通知", "（2014-2020年）的通知"), ("f(x) = 1", "f(x) = 1"), ("首台(套)或", "首台（套）或"),
])
def test_half_width_brackets_in_chinese_text_become_full_width(raw, fixed):
    assert fix_brackets(raw) == fixed


@pytest.mark.parametrize("line", ["一1一", "-2一", "一8—", "—8—", "-5-"])
def test_ocr_folios_are_furniture(line):
    assert furniture.is_folio(line)


@pytest.mark.parametrize("line", ["一、总体要求", "一1", "2一3", "一是加强领导"])
def test_content_is_not_a_folio(line):
    assert not furniture.is_folio(line)


def test_seal_reading_keeps_red_only_text_that_black_text_does_not_cover():
    black = [box("农业农村部办公", 905, 1125, 1140, 1170), box("2025年1月23日", 907, 1201, 1140, 1240)]
    seal = box("2025九年公厅", 908, 1177, 1141, 1250)  # seal over the signature
    masthead = box("发展改革委办公厅", 300, 300, 1100, 420)  # red masthead, nothing black there
    assert _covered(seal, black) >= 0.3 and _covered(masthead, black) == 0.0


def test_red_ink_share_counts_red_pixels_only():
    im = Image.new("RGB", (100, 100), "white")
    im.paste((200, 30, 30), (0, 0, 10, 10))
    im.paste((0, 0, 0), (50, 50, 60, 60))
    assert red_ink_share(im) == 0.01
    assert red_ink_share(im.convert("L")) == 0.0


def test_multipage_tiff_gives_a_page_per_frame(tmp_path):
    frames = [Image.new("L", (40, 30), 255), Image.new("L", (40, 30), 0)]
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    refs = image_refs(path)
    assert [(r.index, r.number) for r in refs] == [(0, 1), (1, 2)]
    assert load_image(refs[1]).getpixel((5, 5)) == 0


def test_transparent_png_is_read_on_white_paper(tmp_path):
    path = tmp_path / "page.png"
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(path)
    image = load_image(PageRef(path=str(path), kind=SourceKind.IMAGE, index=0, number=1))
    assert image.mode == "RGB" and image.getpixel((3, 3)) == (255, 255, 255)


def test_models_ship_in_the_wheel():
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    names = {p.name for p in models.glob("*.onnx")}
    assert {"PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"} <= names


# --- slow: real pages --------------------------------------------------------------------

@pytest.fixture(scope="module")
def scanned():
    """The scanned 意见 read once (2 worker processes) and parsed, with progress calls."""
    from ingest.ocr import ocr_progress
    from ingest.pipeline import parse_raw
    from ingest.readers import read_file

    calls = []
    with ocr_progress(lambda done, total, source: calls.append((done, total, source))):
        raw = read_file(SCANNED)
    return raw, parse_raw(raw), calls


@pytest.mark.slow
@needs_scan
def test_scanned_yijian_ingests_with_title_headings_and_date(scanned):
    raw, doc, calls = scanned
    assert [p.number for p in raw.pages] == list(range(1, 9))
    assert doc.meta.pages == 8
    assert doc.meta.title == TITLE
    assert doc.meta.issuer == "农业农村部办公厅"
    assert doc.meta.date == "2025-01-23"  # the signature under the red seal, read from the red channel
    tops = list(dict.fromkeys(c.path[0] for c in doc.clauses if c.path))
    assert tops == ["一、总体要求", "二、主要任务", "三、保障措施"]
    assert "（一）建立区域协作和分区推进机制。" in {c.path[-1] for c in doc.clauses if len(c.path) > 1} | \
        {c.text[:17] for c in doc.clauses}
    assert sorted(d for d, _, _ in calls) == list(range(1, 9)) and {t for _, t, _ in calls} == {8}


@pytest.mark.slow
@needs_scan
def test_no_clause_holds_the_scanner_stamp_or_a_folio(scanned):
    _, doc, _ = scanned
    folio = re.compile(r"[一—\-]\s*\d{1,2}\s*[一—\-]")
    assert [c.text for c in doc.clauses if "扫描全能王" in c.text or folio.search(c.text)] == []
    assert "扫描全能王" not in doc.text


@pytest.mark.slow
@needs_scan
def test_page_numbers_of_ten_clauses_match_the_page_text(scanned):
    from ingest.normalize import clean_line

    raw, doc, _ = scanned
    page_text = {p.number: squash("".join(clean_line(l.text) for l in p.lines)) for p in raw.pages}
    picks = [doc.clauses[round(k * (len(doc.clauses) - 1) / 9)] for k in range(10)]
    assert len({c.ordinal for c in picks}) == 10
    assert [(c.ordinal, c.page_start) for c in picks if squash(c.text)[:12] not in page_text[c.page_start]] == []
    assert {c.page_start for c in picks} >= {1, 3, 5, 7}


@pytest.mark.slow
@needs_scan
def test_main_recipients_are_their_own_first_clause_as_in_a_text_pdf(scanned):
    """The 主送 block (``各省、自治区、直辖市…：``) is the first clause, addressed to the whole
    document (path ``()``), as text PDFs give it (397.pdf: ``各省、自治区、直辖市、新疆…``)."""
    _, doc, _ = scanned
    first = doc.clauses[0]
    assert first.path == () and first.label == "" and first.page_start == 1
    assert first.text.startswith("各省、自治区、直辖市及计划单列市农业农村（农牧）厅（局、委）") and first.text.endswith("：")
    assert not doc.clauses[1].text.startswith("各省")  # the body starts a clause of its own
    assert [b.page for b in first.boxes] == [1] * len(first.boxes) and len(first.boxes) >= 2


@pytest.mark.slow
@needs_scan
def test_character_accuracy_on_two_pages_against_a_hand_transcription(scanned):
    from evaluation.bench.ocr import char_errors

    raw, _, _ = scanned
    errors = chars = 0
    for page in raw.pages[:2]:
        truth = (TRUTH / f"yijian_p{page.number}.txt").read_text(encoding="utf-8")
        e, n = char_errors(truth, "".join(l.text for l in page.lines))
        errors, chars = errors + e, chars + n
    assert chars == 865
    assert errors <= 4, f"{errors} character errors in {chars}"  # measured: 0


@pytest.mark.slow
@needs_scan
def test_lines_keep_boxes_and_confidence_and_no_page_is_poor(scanned):
    raw, doc, _ = scanned
    lines = [l for p in raw.pages for l in p.lines]
    assert all(l.bbox is not None and 0 <= l.bbox[0] < l.bbox[2] <= 1 and 0 <= l.bbox[1] < l.bbox[3] <= 1 for l in lines)
    assert all(l.confidence is not None for l in lines)
    assert min(p.ocr_confidence for p in raw.pages) >= 0.97
    assert doc.ocr.pages == tuple(range(1, 9)) and doc.ocr.poor_pages == ()


@pytest.mark.slow
@needs_scan
def test_a_degraded_page_image_is_flagged_poor(tmp_path, monkeypatch):
    """Page 1 at 60 dpi with heavy noise, saved as PNG: read as an image, flagged poor."""
    import numpy as np

    from ingest.readers import read_file
    from ingest.records import EmptyDocument

    monkeypatch.setenv("POLICY_OCR_WORKERS", "1")
    page = load_image(PageRef(path=str(SCANNED), kind=SourceKind.PDF, index=0, number=1)).convert("L")
    small = np.asarray(page.resize((page.width * 60 // 200, page.height * 60 // 200)), dtype=np.float32)
    noisy = np.clip(small + np.random.default_rng(0).normal(0, 80, small.shape), 0, 255).astype(np.uint8)
    path = tmp_path / "page1.png"
    Image.fromarray(noisy).save(path)
    try:
        raw = read_file(path)
    except EmptyDocument:
        pytest.fail("the degraded page gave no text at all")
    assert raw.format == "png" and [p.number for p in raw.pages] == [1]
    assert raw.ocr.poor_pages == (1,) and raw.ocr.confidence < 0.95


@pytest.mark.slow
@needs_govdoc
def test_rasterised_text_pdf_gives_the_same_document(tmp_path):
    """397.pdf rendered to images and saved as an image-only PDF, OCR'd, against the text PDF."""
    import pypdfium2

    from ingest.pipeline import parse_file

    pdf = pypdfium2.PdfDocument(str(GOVDOC))
    images = [pdf[i].render(scale=200 / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    scan = tmp_path / "397_scan.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=200)
    text, ocr = parse_file(GOVDOC), parse_file(scan)
    assert ocr.ocr is not None and ocr.ocr.pages == (1, 2, 3, 4, 5)
    assert ocr.meta.doc_number == text.meta.doc_number == "发改办财金规〔2019〕860号"
    assert ocr.meta.title == text.meta.title == "关于加强个人所得税纳税信用建设的通知"
    assert [c.path for c in ocr.clauses] == [c.path for c in text.clauses]
    best = [max(difflib.SequenceMatcher(None, t.text, o.text).ratio() for o in ocr.clauses) for t in text.clauses]
    assert sum(r >= 0.95 for r in best) / len(best) >= 0.95
    assert [(t.page_start, t.page_end) for t in text.clauses] == [(o.page_start, o.page_end) for o in ocr.clauses]
    # the OCR line boxes land where the text layer's lines are (PDF points, the same origin)
    for t, o in zip(text.clauses, ocr.clauses):
        assert o.boxes and o.boxes[0].page == t.boxes[0].page
        assert abs(o.boxes[0].y0 - t.boxes[0].y0) < 6 and abs(o.boxes[-1].y1 - t.boxes[-1].y1) < 6
        assert abs(o.boxes[0].x0 - t.boxes[0].x0) < 6


@pytest.mark.slow
@needs_govdoc
def test_model_loads_and_reads_with_the_network_refused(tmp_path, monkeypatch):
    """In this process (one worker), with connect refused: the engine is built afresh from the
    wheel's models and reads a page image."""
    import pypdfium2

    from ingest.ocr import engine as engine_module
    from ingest.readers import read_file

    monkeypatch.setenv("POLICY_OCR_WORKERS", "1")
    monkeypatch.setattr(engine_module, "_ENGINE", None)
    pdf = pypdfium2.PdfDocument(str(GOVDOC))
    path = tmp_path / "397_p5.jpg"
    pdf[4].render(scale=200 / 72).to_pil().convert("L").save(path, quality=90)
    raw = read_file(path)
    assert raw.format == "jpg"
    assert "（二）加强纳税人诚信教育" in [l.text for l in raw.pages[0].lines]


@pytest.mark.slow
@needs_govdoc
def test_an_image_page_inside_a_text_pdf_is_read_by_ocr(tmp_path, monkeypatch):
    """397.pdf with its last page swapped for that page as an image: only that page is OCR'd."""
    import pypdfium2

    from ingest.pipeline import parse_file

    monkeypatch.setenv("POLICY_OCR_WORKERS", "1")
    text_pdf = pypdfium2.PdfDocument(str(GOVDOC))
    image_pdf_path = tmp_path / "p5.pdf"
    text_pdf[4].render(scale=200 / 72).to_pil().convert("RGB").save(image_pdf_path, resolution=200)
    mixed = pypdfium2.PdfDocument(str(GOVDOC))
    mixed.del_page(4)
    mixed.import_pages(pypdfium2.PdfDocument(str(image_pdf_path)), [0], index=4)
    path = tmp_path / "397_mixed.pdf"
    mixed.save(str(path))
    doc, ref = parse_file(path), parse_file(GOVDOC)
    assert doc.ocr.pages == (5,) and doc.ocr.poor_pages == ()
    assert [c.path for c in doc.clauses] == [c.path for c in ref.clauses]
    last_ocr, last_ref = doc.clauses[-1], ref.clauses[-1]
    assert last_ocr.page_start == last_ref.page_start == 5
    assert difflib.SequenceMatcher(None, last_ocr.text, last_ref.text).ratio() >= 0.95
