"""Page images to recognise: PDF pages rendered with pypdfium2, image files with Pillow."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PIL import Image, ImageOps

# Pages are rendered at this resolution: at 200 dpi body text (五号/三号) is 30-45 px high,
# which PP-OCR reads without errors on the scanned 意见; lower loses small print.
RENDER_DPI = 200
IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# Pillow refuses images above ~89 M pixels as a decompression bomb; a 600 dpi A3 scan is 70 M.
Image.MAX_IMAGE_PIXELS = 200_000_000


class SourceKind(StrEnum):
    """Where a page image comes from."""

    PDF = "pdf"
    IMAGE = "image"


@dataclass(frozen=True)
class PageRef:
    """One page to recognise: a file, its kind, the 0-based page or frame index, and the
    1-based page number the document gives it."""

    path: str
    kind: SourceKind
    index: int
    number: int


def image_frames(path: str | Path) -> int:
    """The number of pages in an image file (a multi-page TIFF has several frames)."""
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


def image_refs(path: str | Path) -> list[PageRef]:
    """One PageRef per frame of an image file."""
    return [PageRef(path=str(path), kind=SourceKind.IMAGE, index=i, number=i + 1) for i in range(image_frames(path))]


def pdf_refs(path: str | Path, numbers: list[int]) -> list[PageRef]:
    """PageRefs for the given 1-based page numbers of a PDF."""
    return [PageRef(path=str(path), kind=SourceKind.PDF, index=n - 1, number=n) for n in numbers]


_PDF_CACHE: dict[str, object] = {}


def _pdf(path: str):
    import pypdfium2 as pdfium

    if path not in _PDF_CACHE:  # a worker keeps the document it is reading open
        close_documents()
        _PDF_CACHE[path] = pdfium.PdfDocument(path)
    return _PDF_CACHE[path]


def close_documents() -> None:
    """Close the PDF this process keeps open for rendering."""
    for doc in _PDF_CACHE.values():
        doc.close()
    _PDF_CACHE.clear()


def load_image(ref: PageRef, *, dpi: int = RENDER_DPI) -> Image.Image:
    """The page image of ``ref``: a PDF page rendered at ``dpi``, or an image frame upright
    (EXIF orientation applied) in RGB or grey."""
    if ref.kind == SourceKind.PDF:
        page = _pdf(ref.path)[ref.index]
        try:
            return page.render(scale=dpi / 72).to_pil()
        finally:
            page.close()
    with Image.open(ref.path) as im:
        im.seek(ref.index)
        frame = ImageOps.exif_transpose(im) if ref.index == 0 else im.copy()
        if frame.mode in ("RGB", "L"):
            return frame.copy()
        if frame.mode.startswith("I"):  # 16-bit grey scans
            return frame.point(lambda v: v / 256).convert("L")
        if "A" in frame.mode or frame.mode == "P":  # transparent background: paper is white
            rgba = frame.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            return Image.alpha_composite(white, rgba).convert("RGB")
        return frame.convert("RGB")
