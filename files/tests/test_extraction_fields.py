"""The field reader on texts written by hand: other wordings and layouts than the samples use."""

from __future__ import annotations

import pytest

from files.extraction import ExtractionError, ReadDocument
from files.extraction.fields import extract_fields


def _extract(text: str, kind: str = "text_pdf"):
    return extract_fields(ReadDocument(kind=kind, text=text, xml=None, pages=1))


GERMAN_LETTER = """Müller Haustechnik GmbH
Müller Haustechnik GmbH | Industriestr. 4 | 70565 Stuttgart
Frau
Erika Mustermann
Gartenweg 12
71032 Böblingen
Rechnung Nr. 2024-117
Datum: 5. März 2024
Zahlbar bis: 19. März 2024
Pos. Bezeichnung Menge Einzelpreis Gesamt
1 Heizungswartung 1 189,00 189,00
2 Thermostatventil 3 24,50 73,50
Nettobetrag 262,50 EUR
zzgl. 19 % MwSt. 49,88 EUR
Rechnungsbetrag 312,38 EUR
USt-IdNr.: DE136695976
Bankverbindung: IBAN DE89 3704 0044 0532 0130 00
"""

ITALIAN = """FATTURA
Trattoria Da Gino S.r.l.
Via Roma 10
00184 Roma
P.IVA IT00743110157
Spett.le
Studio Bianchi
Corso Garibaldi 3
20121 Milano
Numero fattura: 88/2024
Data fattura: 20/03/2023
Scadenza: 19/04/2023
Descrizione Quantità Prezzo IVA Importo
Cena aziendale 20 45,00 10% 900,00
Imponibile € 900,00
IVA 10% € 90,00
Totale da pagare € 990,00
"""

DUTCH = """De Bakkerij B.V.
Factuur
Factuurnummer F-2023-0042
Factuurdatum 20-03-2023
Vervaldatum 03-04-2023
Factuur aan: Hotel Centraal
Omschrijving Aantal Prijs Bedrag
Broodjes 120 1,25 150,00
Subtotaal 150,00
Btw 9% 13,50
Totaal € 163,50
"""

US = """ACME WIDGETS INC.
INVOICE
Invoice # 10023
Date: 03/04/2024
Due: 04/03/2024
Sold to: Initech LLC
Item Qty Rate Amount
Widget, large 10 12.50 125.00
Subtotal $125.00
Sales Tax $10.31
Amount Due $135.31
EIN: 04-2103594
"""


def test_a_german_letter_with_other_labels_is_read():
    data = _extract(GERMAN_LETTER).structured_data
    assert (data["invoice_number"], data["issue_date"], data["due_date"]) == ("2024-117", "2024-03-05", "2024-03-19")
    assert (data["currency"], data["subtotal"], data["tax_amount"], data["total_amount"]) == (
        "EUR",
        "262.50",
        "49.88",
        "312.38",
    )
    assert data["issuer"] == {
        "name": "Müller Haustechnik GmbH",
        "tax_id": "DE136695976",
        "iban": "DE89370400440532013000",
        "address": "Industriestr. 4\n70565 Stuttgart",
    }
    assert [item["line_total"] for item in data["items"]] == ["189.00", "73.50"]


def test_an_italian_invoice_is_read():
    result = _extract(ITALIAN)
    data = result.structured_data
    assert (data["invoice_number"], data["issue_date"], data["due_date"]) == ("88/2024", "2023-03-20", "2023-04-19")
    assert (data["subtotal"], data["tax_amount"], data["total_amount"], data["currency"]) == (
        "900.00",
        "90.00",
        "990.00",
        "EUR",
    )
    assert (data["customer_name"], data["customer_address"]) == ("Studio Bianchi", "Corso Garibaldi 3\n20121 Milano")
    assert data["issuer"]["name"] == "Trattoria Da Gino S.r.l."
    assert data["issuer"]["tax_id"] == "IT00743110157"
    assert data["items"] == [
        {
            "description": "Cena aziendale",
            "quantity": "20",
            "unit_price": "45.00",
            "tax_rate": "10",
            "line_total": "900.00",
        }
    ]


def test_a_dutch_invoice_with_the_customer_on_the_label_line_is_read():
    data = _extract(DUTCH).structured_data
    assert (data["invoice_number"], data["issue_date"], data["due_date"]) == ("F-2023-0042", "2023-03-20", "2023-04-03")
    assert data["customer_name"] == "Hotel Centraal"
    assert (data["subtotal"], data["tax_amount"], data["total_amount"]) == ("150.00", "13.50", "163.50")


def test_a_us_invoice_reads_numeric_dates_month_first():
    data = _extract(US).structured_data
    assert (data["invoice_number"], data["issue_date"], data["due_date"]) == ("10023", "2024-03-04", "2024-04-03")
    assert (data["currency"], data["total_amount"], data["issuer"]["tax_id"]) == ("USD", "135.31", "042103594")
    assert data["customer_name"] == "Initech LLC"


def test_totals_that_add_up_are_more_certain_than_totals_that_do_not():
    consistent = _extract(DUTCH)
    broken = _extract(DUTCH.replace("Totaal € 163,50", "Totaal € 170,00"))
    assert consistent.structured_data["confidence"]["total_amount"] == 0.98
    assert broken.structured_data["confidence"]["total_amount"] == 0.4
    assert broken.confidence_score < consistent.confidence_score


def test_a_field_that_is_not_printed_is_null_with_confidence_zero():
    data = _extract(DUTCH).structured_data
    assert data["customer_address"] is None
    assert data["confidence"]["customer_address"] == 0.0
    assert data["issuer"]["iban"] is None


def test_ocr_text_is_trusted_less_than_a_text_layer():
    assert _extract(ITALIAN, kind="image").confidence_score < _extract(ITALIAN).confidence_score


def test_a_document_without_text_is_an_extraction_error():
    with pytest.raises(ExtractionError, match="no readable text"):
        _extract("  \n ")
