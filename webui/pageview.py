"""The original page of a clause as an image: a PDF page rendered by pypdfium2 (or a page
image file), the clause's line boxes (``ingest.records.Box``, PDF points from the page's
top left) laid over it in translucent yellow with an orange outline (Pillow).

Pure functions, no Streamlit: the page caches their PNG bytes (``webui.original``).
"""
from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from ingest.records import Box

# 110 dpi: a page is ~900 px wide, body text ~20 px high — readable in a dialog, ~80 ms to render.
VIEW_DPI = 110
FILL = (255, 214, 0, 96)  # translucent yellow: the text under it stays readable
OUTLINE = (230, 115, 0, 255)
PAD = 2.0  # points around each line box, so the highlight does not clip ascenders
_IMAGE_FORMATS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_ORIENTATION = 0x0112  # the EXIF tag


class PageUnavailable(Exception):
    """The original cannot be shown (file gone, page out of range, unreadable)."""


def render_page(path: str | Path, page: int, *, dpi: int = VIEW_DPI) -> tuple[Image.Image, float]:
    """Page ``page`` (1-based) of a PDF, or frame ``page`` of an image file, as an RGB
    image, and the pixels per point of ``Box`` coordinates on it."""
    path = Path(path)
    try:
        if path.suffix.lower() in _IMAGE_FORMATS:
            return _image_frame(path, page, dpi=dpi)
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= page <= len(doc):
                raise PageUnavailable(f"第 {page} 页不在文件中（共 {len(doc)} 页）")
            pdf_page = doc[page - 1]
            try:
                return pdf_page.render(scale=dpi / 72).to_pil().convert("RGB"), dpi / 72
            finally:
                pdf_page.close()
        finally:
            doc.close()
    except PageUnavailable:
        raise
    except Exception as exc:  # pdfium / Pillow errors on a missing or damaged file
        raise PageUnavailable(f"无法打开原文文件（{type(exc).__name__}）") from exc


def _image_frame(path: Path, page: int, *, dpi: int) -> tuple[Image.Image, float]:
    """An image file's frame, scaled so that an A4-wide scan is about as wide as a rendered
    PDF page; a ``Box`` on an image is in the image's own pixels (upright, as EXIF shows it)."""
    with Image.open(path) as im:
        frames = getattr(im, "n_frames", 1)
        if not 1 <= page <= frames:
            raise PageUnavailable(f"第 {page} 页不在文件中（共 {frames} 页）")
        im.seek(page - 1)
        turned = page == 1 and im.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8)  # EXIF: shown on its side
        width, height = (im.height, im.width) if turned else im.size
        scale = min(1.0, 8.27 * dpi / max(width, 1))
        # a JPEG decodes straight to 1/2, 1/4 or 1/8 of its size, not below what is asked: 4x faster
        # for a 300-dpi A4 scan (0.20 -> 0.05 s); other formats ignore it
        im.draft("RGB", (math.ceil(im.width * scale), math.ceil(im.height * scale)))
        frame = (ImageOps.exif_transpose(im) if page == 1 else im.copy()).convert("RGB")
    size = (round(width * scale), round(height * scale))
    return (frame.resize(size) if frame.size != size else frame), scale


def highlight(image: Image.Image, boxes: Sequence[Box], *, scale: float) -> Image.Image:
    """A copy of ``image`` with ``boxes`` (points; ``scale`` pixels per point) filled in
    translucent yellow and outlined."""
    base = image.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for b in boxes:
        rect = pixel_rect(b, scale=scale)
        draw.rectangle(rect, fill=FILL, outline=OUTLINE, width=2)
    return Image.alpha_composite(base, layer).convert("RGB")


def pixel_rect(box: Box, *, scale: float) -> tuple[int, int, int, int]:
    """A box's rectangle on the rendered page in pixels, padded by ``PAD`` points."""
    return (round((box.x0 - PAD) * scale), round((box.y0 - PAD) * scale),
            round((box.x1 + PAD) * scale), round((box.y1 + PAD) * scale))


def page_png(path: str | Path, page: int, boxes: Sequence[Box], *, dpi: int = VIEW_DPI) -> bytes:
    """PNG bytes of page ``page`` with the boxes on it highlighted (raises PageUnavailable)."""
    image, scale = render_page(path, page, dpi=dpi)
    shown = highlight(image, [b for b in boxes if b.page == page], scale=scale)
    out = io.BytesIO()
    shown.save(out, format="PNG", compress_level=1)  # fast: a page is sent once, then cached
    return out.getvalue()


def clause_pages(boxes: Sequence[Box], page_start: int | None) -> list[int]:
    """The pages to show for a clause: those its boxes are on, else its first page."""
    pages = sorted({b.page for b in boxes})
    return pages or ([page_start] if page_start else [])
