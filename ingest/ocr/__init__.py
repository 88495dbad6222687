"""OCR for scanned PDF pages and page images (rapidocr's PP-OCR models, shipped in its wheel).

- ``ocr_pdf_pages(path, numbers)``: the given pages of a PDF as ``Page`` records.
- ``read_image(path, data)``: an image file (``IMAGE_SUFFIXES``) as pages.
- ``ocr_summary(pages)``: which pages were OCR'd and which read poorly (``POOR_CONFIDENCE``).
- ``ocr_progress(callback)``: a context in which each recognised page calls
  ``callback(done, total, source)``.
- ``shutdown()``: stop the worker processes.

Pages are recognised in ``default_workers()`` processes (``POLICY_OCR_WORKERS``).
"""
from ingest.ocr.pool import default_workers, ocr_progress, shutdown
from ingest.ocr.reader import POOR_CONFIDENCE, ocr_pdf_pages, ocr_summary, read_image
from ingest.ocr.sources import IMAGE_SUFFIXES, RENDER_DPI

__all__ = ["IMAGE_SUFFIXES", "POOR_CONFIDENCE", "RENDER_DPI", "default_workers", "ocr_pdf_pages",
           "ocr_progress", "ocr_summary", "read_image", "shutdown"]
