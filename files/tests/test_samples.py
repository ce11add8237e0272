"""Sample invoices: what the generate-sample and supported-types endpoints serve."""

from __future__ import annotations

from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from files.samples import (
    ACCEPTED_FORMATS,
    COMPLEXITY_LEVELS,
    LAYOUTS,
    SUPPORTED_BUSINESS_TYPES,
    render_sample,
)


def test_the_supported_types_list_business_types_complexities_and_formats():
    assert len(SUPPORTED_BUSINESS_TYPES) == 10
    assert {"consulting", "retail", "restaurant", "construction", "software", "medical", "legal"} <= set(
        SUPPORTED_BUSINESS_TYPES
    )
    assert COMPLEXITY_LEVELS == ("simple", "detailed", "complex")
    assert {entry["content_type"] for entry in ACCEPTED_FORMATS} == {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/tiff",
        "application/xml",
    }


@pytest.mark.parametrize("complexity", COMPLEXITY_LEVELS)
def test_a_sample_prints_figures_that_add_up(complexity):
    expected = render_sample(business_type="construction", complexity=complexity, seed=11).expected
    items = expected["items"]
    assert sum(Decimal(item["line_total"]) for item in items) == Decimal(expected["subtotal"])
    assert Decimal(expected["subtotal"]) + Decimal(expected["tax_amount"]) == Decimal(expected["total_amount"])
    assert expected["issue_date"] < expected["due_date"]


def test_complex_samples_have_more_lines_and_several_tax_rates_than_simple_ones():
    simple = render_sample(business_type="retail", complexity="simple", seed=4, language="de").expected
    complex_ = render_sample(business_type="retail", complexity="complex", seed=4, language="de").expected
    assert len(simple["items"]) <= 3 < 7 <= len(complex_["items"])
    assert len({item["tax_rate"] for item in complex_["items"]}) >= 2


def test_a_sample_is_a_one_page_pdf_printing_its_number_and_the_company_name_given():
    sample = render_sample(business_type="legal", complexity="detailed", company_name="Keller Rechtsanwälte", seed=2)
    document = pdfium.PdfDocument(sample.pdf)
    text = document[0].get_textpage().get_text_bounded()
    assert len(document) == 1
    assert sample.expected["issuer"]["name"] == "Keller Rechtsanwälte"
    assert "Keller Rechtsanwälte" in text
    assert sample.expected["invoice_number"] in text
    document.close()


def test_a_seed_makes_a_sample_reproducible():
    first = render_sample(business_type="software", complexity="complex", seed=99)
    second = render_sample(business_type="software", complexity="complex", seed=99)
    assert first.expected == second.expected
    assert first.layout == second.layout


def test_every_layout_can_be_chosen():
    layouts = {
        render_sample(business_type="medical", complexity="simple", seed=1, layout=name).layout for name in LAYOUTS
    }
    assert layouts == set(LAYOUTS)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"business_type": "casino", "complexity": "simple"}, "Unknown business type"),
        ({"business_type": "retail", "complexity": "extreme"}, "Unknown complexity"),
        ({"business_type": "retail", "complexity": "simple", "language": "pt"}, "Unknown language"),
        ({"business_type": "retail", "complexity": "simple", "layout": "poster"}, "Unknown layout"),
    ],
)
def test_unknown_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        render_sample(**options)
