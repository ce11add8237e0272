"""Generated sample invoices read back from their text layer, every key field exact."""

from __future__ import annotations

import pytest

from files.extraction import get_extractor
from files.samples import SUPPORTED_BUSINESS_TYPES, render_sample
from files.tests.corpus import sample_grid
from files.tests.extraction_support import field_errors

# 40 samples: every business type, complexity, language and layout appears several times.
GRID = sample_grid(40)


@pytest.mark.parametrize(
    "params", GRID, ids=["{business_type}-{complexity}-{language}-{layout}".format(**params) for params in GRID]
)
def test_a_generated_sample_is_read_back_with_every_key_field_and_line_item_exact(params):
    sample = render_sample(**params)
    extractor = get_extractor()
    document = extractor.read(content=sample.pdf, content_type="application/pdf")
    result = extractor.extract(document)

    assert document.kind == "text_pdf"
    assert result.method == "text"
    assert field_errors(sample.expected, result.structured_data) == {}
    assert result.structured_data["items"] == sample.expected["items"]
    assert result.confidence_score >= 0.9


def test_the_round_trip_covers_every_business_type_complexity_language_and_layout():
    assert {params["business_type"] for params in GRID} == set(SUPPORTED_BUSINESS_TYPES)
    assert {params["complexity"] for params in GRID} == {"simple", "detailed", "complex"}
    assert {params["language"] for params in GRID} == {"en", "de", "fr", "es", "it", "nl"}
    assert {params["layout"] for params in GRID} == {"classic", "banner", "letter", "compact"}
