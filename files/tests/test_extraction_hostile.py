"""Hostile or broken documents end in an ExtractionError with a reason, quickly, never in a crash."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pypdfium2 as pdfium
import pytest
from PIL import Image
from weasyprint import HTML

from files.extraction import ExtractionError, get_extractor


def _pdf_with_pages(count: int, *, width: float = 595, height: float = 842) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(count):
        document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: decoding it would need gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _read(content: bytes, content_type: str = "application/octet-stream"):
    extractor = get_extractor()
    return extractor.extract(extractor.read(content=content, content_type=content_type))


def test_a_pdf_with_thousands_of_pages_is_refused_without_reading_them():
    bomb = _pdf_with_pages(2000)
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="2000 pages; at most 20"):
        _read(bomb, "application/pdf")
    assert time.monotonic() - started < 5


def test_the_page_limit_is_a_setting(settings):
    settings.EXTRACTION_MAX_PAGES = 2
    with pytest.raises(ExtractionError, match="3 pages; at most 2"):
        _read(_pdf_with_pages(3), "application/pdf")


def test_an_image_claiming_a_billion_pixels_is_refused_before_it_is_decoded():
    with pytest.raises(ExtractionError, match=r"too large to be read.*1600000000 pixels"):
        _read(_png_header_claiming(40000, 40000), "image/png")


def test_an_image_over_the_pixel_limit_is_refused_with_its_size(settings):
    settings.EXTRACTION_MAX_PIXELS = 1_000_000
    with pytest.raises(ExtractionError, match="2000 x 2000 pixels; at most 1,000,000"):
        _read(_png_header_claiming(2000, 2000), "image/png")


def test_a_tiff_with_more_frames_than_pages_allowed_is_refused(settings):
    settings.EXTRACTION_MAX_PAGES = 3
    frames = [Image.new("L", (20, 20), 255) for _ in range(5)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(ExtractionError, match="5 pages; at most 3"):
        _read(buffer.getvalue(), "image/tiff")


@pytest.mark.parametrize("format_name", ["PNG", "JPEG", "TIFF"])
def test_a_truncated_image_is_refused(format_name):
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 60).save(buffer, format=format_name)
    content = buffer.getvalue()
    with pytest.raises(ExtractionError, match="damaged or truncated"):
        _read(content[: len(content) // 2], f"image/{format_name.lower()}")


def test_a_huge_empty_page_is_refused_instead_of_rasterised():
    with pytest.raises(ExtractionError, match="too large to be read"):
        _read(_pdf_with_pages(1, width=14400, height=14400), "application/pdf")


def test_a_blank_scanned_page_has_no_readable_text():
    with pytest.raises(ExtractionError, match="no readable text"):
        _read(_pdf_with_pages(1), "application/pdf")


def test_a_pdf_that_is_not_an_invoice_is_refused():
    letter = HTML(
        string="<h1>Minutes of the garden committee</h1><p>We met on Tuesday and agreed to plant more tulips "
        "along the north fence. Next meeting in spring.</p>"
    ).write_pdf()
    with pytest.raises(ExtractionError, match="does not look like an invoice"):
        _read(letter, "application/pdf")


def test_bytes_of_an_unknown_kind_are_refused_with_the_accepted_kinds_named():
    with pytest.raises(ExtractionError, match="PDF, PNG, JPEG, WebP, TIFF and CII or UBL XML"):
        _read(b"MZ\x90\x00 an executable", "application/x-msdownload")


def test_a_damaged_pdf_is_refused():
    with pytest.raises(ExtractionError, match="cannot be opened"):
        _read(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "application/pdf")
