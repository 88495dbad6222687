"""Per-clause line boxes (issue 14): from the PDF to the KB to the highlighted page image.

The known clause is on page 2 of ``../shared/realdocs/govdoc-cn/397.pdf`` (corpus/ holds no
PDF): ``税务部门在个人所得税自行纳税申报表…`` (二、（一）), five lines printed from
(111.4, 490.5) to (538.3, 606.4) points. pdfium's own character boxes check ours.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from conftest import SHARED
from ingest.records import Box

GOVDOC = SHARED / "realdocs" / "govdoc-cn" / "397.pdf"
needs_govdoc = pytest.mark.skipif(not GOVDOC.exists(), reason="../shared/realdocs/govdoc-cn/397.pdf is absent")
KNOWN = "税务部门在个人所得税自行纳税申报表"


@pytest.fixture(scope="module")
def parsed():
    from ingest.pipeline import parse_file

    return parse_file(GOVDOC)


def _known(doc):
    return next(c for c in doc.clauses if c.text.startswith(KNOWN))


@needs_govdoc
def test_known_clause_has_its_page_and_line_boxes(parsed):
    clause = _known(parsed)
    assert clause.page_start == clause.page_end == 2
    assert [b.page for b in clause.boxes] == [2] * 5
    first, last = clause.boxes[0], clause.boxes[-1]
    assert first.x0 == pytest.approx(111.4, abs=1.0) and first.y0 == pytest.approx(490.5, abs=1.0)
    assert first.x1 == pytest.approx(538.3, abs=1.0) and first.y1 == pytest.approx(506.5, abs=1.0)
    assert last.y1 == pytest.approx(606.4, abs=1.0) and last.x1 < 400  # the short last line
    assert all(b.y0 < c.y0 for b, c in zip(clause.boxes, clause.boxes[1:]))  # top to bottom
    assert all(c.boxes for c in parsed.clauses)  # every clause of a text PDF is placed


@needs_govdoc
def test_pdfium_places_the_first_characters_inside_the_first_box(parsed):
    import pypdfium2 as pdfium

    first = _known(parsed).boxes[0]
    doc = pdfium.PdfDocument(str(GOVDOC))
    try:
        page = doc[1]
        height = page.get_height()
        text = page.get_textpage()
        chars = text.get_text_range()
        at = chars.index("税务部门在")
        for k in range(at, at + 5):
            left, bottom, right, top = text.get_charbox(k)  # PDF space: origin bottom left
            assert first.x0 - 1 <= left and right <= first.x1 + 1
            assert first.y0 - 2 <= height - top and height - bottom <= first.y1 + 2
    finally:
        doc.close()


def _tinted(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 200 and g > 180 and b < 200 and r - b > 40  # the yellow fill over white paper


def _tint_mask(image):
    """``_tinted`` for every pixel of ``image`` at once (rows × columns of booleans)."""
    a = np.asarray(image.convert("RGB"), dtype=np.int16)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    return (r > 200) & (g > 180) & (b < 200) & (r - b > 40)


@needs_govdoc
def test_highlight_covers_exactly_the_clause_lines(parsed):
    import io

    from PIL import Image

    from webui.pageview import VIEW_DPI, page_png, pixel_rect

    clause = _known(parsed)
    image = Image.open(io.BytesIO(page_png(GOVDOC, 2, clause.boxes))).convert("RGB")
    scale = VIEW_DPI / 72
    assert image.width == pytest.approx(612 * scale, abs=2)  # a US-letter page (612 pt) at 110 dpi
    tinted = _tint_mask(image)
    ys, xs = tinted.nonzero()
    top = pixel_rect(clause.boxes[0], scale=scale)
    bottom = pixel_rect(clause.boxes[-1], scale=scale)
    assert ys.min() == pytest.approx(top[1], abs=4) and ys.max() == pytest.approx(bottom[3], abs=4)
    assert xs.min() == pytest.approx(min(pixel_rect(b, scale=scale)[0] for b in clause.boxes), abs=4)
    assert xs.max() == pytest.approx(top[2], abs=4)
    # the heading above the clause (（一）全面实施…) is not highlighted; the clause's text is dark under the fill
    above = round((clause.boxes[0].y0 - 12) * scale)
    assert not tinted[above].any()
    line = np.asarray(image, dtype=np.int16)[top[1]:top[3], top[0]:top[2]]
    dark = int((line.sum(axis=2) < 350).sum())
    assert dark > 1000  # the 27 glyphs of the first line


def _drawn_sideways(src: Path, rotate: int, out: Path) -> Path:
    """``src`` rebuilt as a landscape printer or scanner writes it: each page's content drawn turned
    in its user space and a ``/Rotate`` that shows it upright again (pypdfium2)."""
    import pypdfium2 as pdfium

    original, made = pdfium.PdfDocument(str(src)), pdfium.PdfDocument.new()
    for i in range(len(original)):
        w, h = original[i].get_size()
        turn = {90: pdfium.PdfMatrix().rotate(90, ccw=True).translate(h, 0),
                180: pdfium.PdfMatrix().rotate(180).translate(w, h),
                270: pdfium.PdfMatrix().rotate(90).translate(0, w)}[rotate]
        content = original.page_as_xobject(i, made).as_pageobject()
        content.transform(turn)
        page = made.new_page(*((h, w) if rotate in (90, 270) else (w, h)))
        page.insert_obj(content)
        page.gen_content()
        page.set_rotation(rotate)
    made.save(str(out))
    return out


@needs_govdoc
@pytest.mark.slow  # parses the rebuilt PDF (~1 s)
@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_page_shown_upright_by_rotate_keeps_its_boxes_and_highlight(parsed, tmp_path, rotate):
    """Boxes are in the page as shown, as are pdfium's renderings: a /Rotate page highlights the same lines."""
    import io

    from PIL import Image

    from ingest.pipeline import parse_file
    from webui.pageview import page_png

    turned = _drawn_sideways(GOVDOC, rotate, tmp_path / f"rot{rotate}.pdf")
    clause = _known(parse_file(turned))
    expected = _known(parsed)
    assert (clause.page_start, len(clause.boxes)) == (2, 5)
    for got, want in zip(clause.boxes, expected.boxes):
        assert (got.x0, got.y0, got.x1, got.y1) == pytest.approx((want.x0, want.y0, want.x1, want.y1), abs=0.5)
    shown = _tint_mask(Image.open(io.BytesIO(page_png(turned, 2, clause.boxes))))
    plain = _tint_mask(Image.open(io.BytesIO(page_png(GOVDOC, 2, expected.boxes))))
    assert shown.shape == plain.shape and (shown != plain).mean() < 0.001


@needs_govdoc
def test_kb_keeps_boxes_and_the_original(tmp_path, demo_embedder):
    from index.kb import KnowledgeBase
    from index.originals import ORIGINALS_DIR

    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest([GOVDOC])
    hit = kb.search(f'"{KNOWN}"', k=1, mode="lexical")[0]
    boxes = kb.clause_boxes(hit.clause_id)
    assert len(boxes) == 5 and boxes[0].page == 2 and boxes[0].y0 == pytest.approx(490.5, abs=1.0)
    original = kb.original(hit.doc_id)
    assert original is not None and original.parent.name == ORIGINALS_DIR
    assert original.read_bytes() == GOVDOC.read_bytes()
    assert kb.remove(str(GOVDOC.resolve()))
    assert not any((tmp_path / "kb" / ORIGINALS_DIR).iterdir())  # the copy goes with the document
    kb.close()


def test_kb_without_the_boxes_table_opens_and_searches(corpus_kb_dir, tmp_path, demo_embedder):
    """A KB made before clause boxes: no table, no originals; it opens, searches, and says () / None."""
    import shutil

    from index.kb import KnowledgeBase

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "old")
    db = sqlite3.connect(kb_dir / "kb.sqlite")
    db.execute("DROP TABLE IF EXISTS clause_boxes")
    db.commit()
    db.close()
    kb = KnowledgeBase.open(kb_dir, create=False, embedder=demo_embedder)
    hit = kb.search("公共服务 人均支出", k=1)[0]
    assert "人均支出" in hit.text
    assert kb.clause_boxes(hit.clause_id) == ()
    assert kb.original(hit.doc_id) is None  # a .txt has no page to show
    kb.close()


def test_boxes_round_trip_through_the_store(tmp_path, demo_embedder):
    from conftest import make_doc
    from dataclasses import replace

    from index.kb import KnowledgeBase

    doc = make_doc("/nowhere/x.pdf", "测试文件", [((), "", "第一条内容足够长，可以成为一个条款。"),
                                                   ((), "", "第二条内容也足够长，可以成为条款。")])
    box = Box(page=3, x0=10.0, y0=20.5, x1=300.0, y1=36.0)
    doc = replace(doc, format="pdf", clauses=(replace(doc.clauses[0], boxes=(box,)), doc.clauses[1]))
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest_parsed([doc])
    rows = kb.document_clauses(kb.documents()[0].doc_id)
    assert kb.clause_boxes(rows[0].clause_id) == (box,)
    assert kb.clause_boxes(rows[1].clause_id) == ()
    assert kb.original(rows[0].doc_id) is None  # the source file does not exist: nothing to show
    kb.close()


@pytest.mark.parametrize("suffix", [".png", ".jpg"])  # a JPEG is decoded at a reduced size (draft mode)
def test_an_image_page_is_shown_scaled_with_its_box(tmp_path, suffix):
    """A page image (a scan): boxes are in its pixels; a wide scan is scaled down."""
    from PIL import Image

    from webui.pageview import VIEW_DPI, highlight, pixel_rect, render_page

    path = tmp_path / f"scan{suffix}"
    Image.new("RGB", (2480, 3508), "white").save(path)  # A4 at 300 dpi
    image, scale = render_page(path, 1)
    assert scale == pytest.approx(8.27 * VIEW_DPI / 2480, rel=1e-3)
    assert image.size == (round(2480 * scale), round(3508 * scale))
    box = Box(page=1, x0=300.0, y0=600.0, x1=2100.0, y1=680.0)
    shown = highlight(image, [box], scale=scale)
    x0, y0, x1, y1 = pixel_rect(box, scale=scale)
    assert _tinted(shown.getpixel(((x0 + x1) // 2, (y0 + y1) // 2)))
    assert shown.getpixel(((x0 + x1) // 2, y0 - 5)) == (255, 255, 255)
    with pytest.raises(Exception, match="第 2 页不在文件中"):
        render_page(path, 2)
