"""Scans and photos read through Tesseract.

A small fixed set runs in the suite, one document per test so the workers share them
(Tesseract takes seconds a page on two cores). Each document must give the fields
listed for it exactly; the lists follow what `bench/extraction.py --accuracy`
measured over a larger corpus (bench/README.md): totals, dates and the invoice number
are read reliably from the classic layout, party blocks less so, and a photo's
perspective costs the line items.
"""

from __future__ import annotations

import io
import time

import pytesseract
import pytest
from PIL import Image

from files.extraction import ExtractionError, TransientExtractionError, get_extractor
from files.extraction.ocr import preprocess, skew_angle
from files.samples import render_sample
from files.tests.corpus import raster_document, rasterise, scan
from files.tests.extraction_support import field_errors

MONEY_AND_DATES = ("invoice_number", "issue_date", "due_date", "currency", "subtotal", "tax_amount", "total_amount")

CASES = [
    # (sample parameters, variant, fields that must be exact)
    (
        {"business_type": "consulting", "complexity": "simple", "language": "en", "layout": "classic", "seed": 1000},
        "png-scan",
        (*MONEY_AND_DATES, "issuer.tax_id", "issuer.iban", "issuer.name"),
    ),
    (
        {"business_type": "retail", "complexity": "detailed", "language": "de", "layout": "classic", "seed": 1001},
        "scan-pdf",
        (*MONEY_AND_DATES, "customer_name", "customer_address", "issuer.tax_id", "issuer.iban"),
    ),
    (
        {"business_type": "medical", "complexity": "complex", "language": "nl", "layout": "classic", "seed": 1005},
        "png-scan",
        (*MONEY_AND_DATES, "customer_name", "customer_address", "issuer.name", "issuer.tax_id", "issuer.iban"),
    ),
    (
        {"business_type": "restaurant", "complexity": "complex", "language": "fr", "layout": "classic", "seed": 1002},
        "jpeg-photo",
        (*MONEY_AND_DATES, "customer_name", "customer_address", "issuer.name", "issuer.tax_id"),
    ),
]


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("params", "variant", "exact"), CASES, ids=[f"{case[0]['language']}-{case[1]}" for case in CASES]
)
def test_a_scan_or_photo_is_read_by_ocr_with_its_key_fields_exact(params, variant, exact):
    document = raster_document(params, variant)
    extractor = get_extractor()
    read = extractor.read(content=document.content, content_type=document.content_type)
    result = extractor.extract(read)

    errors = field_errors(document.expected, result.structured_data)
    assert read.kind == document.kind
    assert result.method == "ocr"
    assert {name: errors[name] for name in exact if name in errors} == {}
    if variant == "png-scan" and params["complexity"] == "complex":
        # A clean scan's table is read whole: every line, adding up to the subtotal.
        assert result.structured_data["items"] == document.expected["items"]
        assert result.structured_data["confidence"]["items"] >= 0.85


def test_the_skew_of_a_scan_is_measured_and_undone():
    page = rasterise(render_sample(business_type="retail", complexity="simple", seed=3).pdf, dpi=100)[0].convert("L")
    tilted = page.rotate(2.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert abs(skew_angle(tilted) + 2.5) <= 0.3
    assert abs(skew_angle(page)) <= 0.3


def test_preprocessing_gives_a_black_and_white_page_at_ocr_resolution():
    page = scan(rasterise(render_sample(business_type="retail", complexity="simple", seed=3).pdf, dpi=100)[0], seed=1)
    cleaned = preprocess(page)
    assert cleaned.mode == "L"
    colors = cleaned.getcolors()
    assert colors is not None
    assert set(colors) <= {(count, 0) for count, _ in cleaned.getcolors()} | {
        (count, 255) for count, _ in cleaned.getcolors()
    }
    assert 2400 <= cleaned.width <= 2700


def test_a_missing_ocr_engine_is_a_transient_error(monkeypatch):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    buffer = io.BytesIO()
    Image.new("L", (400, 200), 255).save(buffer, format="PNG")
    with pytest.raises(TransientExtractionError, match="not installed"):
        get_extractor().read(content=buffer.getvalue(), content_type="image/png")


@pytest.mark.ocr
def test_an_ocr_run_over_its_time_limit_is_a_transient_error(settings):
    settings.EXTRACTION_OCR_TIMEOUT = 0.01
    page = rasterise(render_sample(business_type="retail", complexity="complex", seed=3).pdf, dpi=150)[0]
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    started = time.monotonic()
    with pytest.raises(TransientExtractionError, match="longer than"):
        get_extractor().read(content=buffer.getvalue(), content_type="image/png")
    assert time.monotonic() - started < 10


def test_a_photo_of_a_blank_wall_has_no_readable_text():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 190, 180)).save(buffer, format="JPEG")
    extractor = get_extractor()
    with pytest.raises(ExtractionError, match="no readable text"):
        extractor.extract(extractor.read(content=buffer.getvalue(), content_type="image/jpeg"))
