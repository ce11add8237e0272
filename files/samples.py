"""Realistic sample invoices, rendered as PDFs, with the values they print.

`render_sample` is what `POST /api/v1/invoices/generate-sample/` serves and what the
extraction tests read back: every sample comes with `expected`, the printed values in
the shape of `structured_data`, so a reader can be checked field by field. Samples are
printed by the same WeasyPrint renderer as invoice PDFs (`invoices.pdf`), with one of
several layouts (`templates/files/samples/`) and the number and date conventions of
one of six languages, so the corpus is varied without per-vendor templates in the
reader. A `seed` makes a sample reproducible; without one it is random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from django.template.loader import render_to_string
from stdnum import iban as iban_module
from stdnum import luhn
from stdnum.iso7064 import mod_11_10

from invoices.money import ZERO, line_tax, line_total, quantize
from invoices.pdf import html_to_pdf

SUPPORTED_BUSINESS_TYPES: tuple[str, ...] = (
    "consulting",
    "retail",
    "restaurant",
    "construction",
    "software",
    "medical",
    "legal",
    "marketing",
    "logistics",
    "manufacturing",
)
COMPLEXITY_LEVELS: tuple[str, ...] = ("simple", "detailed", "complex")
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl")
LAYOUTS: tuple[str, ...] = ("classic", "banner", "letter", "compact")
# What an upload may be (the `files` validation decides by magic bytes; this is the public list).
ACCEPTED_FORMATS: tuple[dict[str, str], ...] = (
    {"content_type": "application/pdf", "extension": "pdf", "description": "PDF with a text layer, or scanned"},
    {"content_type": "application/pdf", "extension": "pdf", "description": "Factur-X / ZUGFeRD PDF (embedded CII)"},
    {"content_type": "image/png", "extension": "png", "description": "Scan or photo"},
    {"content_type": "image/jpeg", "extension": "jpg", "description": "Scan or photo"},
    {"content_type": "image/webp", "extension": "webp", "description": "Scan or photo"},
    {"content_type": "image/tiff", "extension": "tiff", "description": "Scan"},
    {"content_type": "application/xml", "extension": "xml", "description": "UN/CEFACT CII e-invoice"},
    {"content_type": "application/xml", "extension": "xml", "description": "UBL 2.1 Invoice or CreditNote"},
)

# (description, unit price range, quantity choices) per business type.
CATALOG: dict[str, list[tuple[str, tuple[int, int], tuple[str, ...]]]] = {
    "consulting": [
        ("Strategy workshop", (900, 2400), ("1", "2")),
        ("Senior consultant hours", (120, 220), ("4", "7.5", "12", "16")),
        ("Market analysis report", (1500, 4800), ("1",)),
        ("Stakeholder interviews", (180, 350), ("3", "5", "8")),
        ("Process review", (600, 1500), ("1", "2")),
        ("Travel expenses", (80, 400), ("1",)),
        ("Follow-up call", (90, 150), ("1", "2", "3")),
    ],
    "retail": [
        ("Cotton T-shirt, navy", (9, 25), ("10", "24", "50")),
        ("Leather wallet", (25, 60), ("5", "12")),
        ("Ceramic mug 350 ml", (4, 12), ("36", "48", "100")),
        ("Canvas tote bag", (6, 15), ("20", "40")),
        ("Gift wrapping", (1, 3), ("10", "25")),
        ("Shipping and handling", (12, 45), ("1",)),
        ("Wool scarf", (18, 40), ("6", "15")),
    ],
    "restaurant": [
        ("Set lunch menu", (18, 35), ("12", "20", "35")),
        ("House wine, bottle", (19, 45), ("4", "6", "10")),
        ("Sparkling water 0.75 l", (3, 6), ("10", "20")),
        ("Dessert platter", (25, 60), ("2", "4")),
        ("Private room hire", (150, 400), ("1",)),
        ("Espresso", (2, 4), ("15", "30")),
        ("Service charge", (40, 120), ("1",)),
    ],
    "construction": [
        ("Site preparation", (800, 3000), ("1",)),
        ("Concrete C25/30, m3", (95, 140), ("6", "12.5", "20")),
        ("Bricklaying, m2", (35, 70), ("40", "85", "120")),
        ("Skilled labour hours", (45, 75), ("16", "40", "64")),
        ("Scaffolding rental, week", (180, 420), ("2", "4")),
        ("Waste disposal container", (220, 480), ("1", "2")),
        ("Roof insulation, m2", (18, 42), ("60", "140")),
    ],
    "software": [
        ("Backend development hours", (90, 160), ("20", "37.5", "80")),
        ("Annual licence, Pro plan", (490, 2900), ("1", "5", "10")),
        ("Cloud hosting, monthly", (120, 900), ("1", "3")),
        ("Code review", (400, 1200), ("1",)),
        ("Support retainer", (300, 1500), ("1",)),
        ("UX design sprint", (2500, 6000), ("1",)),
        ("Security audit", (1800, 5200), ("1",)),
    ],
    "medical": [
        ("General consultation", (60, 140), ("1", "2")),
        ("Blood panel analysis", (45, 120), ("1",)),
        ("X-ray, two views", (80, 190), ("1",)),
        ("Physiotherapy session", (55, 95), ("4", "6", "10")),
        ("Vaccination", (25, 70), ("1", "2")),
        ("Medical certificate", (15, 40), ("1",)),
        ("Follow-up visit", (40, 90), ("1", "3")),
    ],
    "legal": [
        ("Contract drafting", (900, 3500), ("1",)),
        ("Legal advice hours", (180, 420), ("2.5", "6", "10")),
        ("Court filing fees", (120, 600), ("1",)),
        ("Due diligence review", (2500, 9000), ("1",)),
        ("Notary coordination", (150, 450), ("1",)),
        ("Document translation", (60, 180), ("3", "8")),
        ("Trademark registration", (350, 1200), ("1", "2")),
    ],
    "marketing": [
        ("Campaign concept", (1500, 5000), ("1",)),
        ("Social media management, month", (600, 2200), ("1", "3")),
        ("Copywriting hours", (70, 130), ("6", "14", "25")),
        ("Photo shoot, half day", (500, 1400), ("1", "2")),
        ("Newsletter design", (250, 800), ("1", "4")),
        ("Ad spend management", (300, 1500), ("1",)),
        ("Analytics report", (350, 900), ("1",)),
    ],
    "logistics": [
        ("Pallet transport, domestic", (80, 220), ("4", "12", "26")),
        ("Warehouse storage, pallet-week", (6, 14), ("40", "120")),
        ("Express courier", (25, 90), ("3", "10")),
        ("Customs clearance", (90, 260), ("1", "2")),
        ("Fuel surcharge", (40, 180), ("1",)),
        ("Pick and pack, order", (2, 5), ("150", "400")),
        ("Insurance cover", (30, 150), ("1",)),
    ],
    "manufacturing": [
        ("Machined aluminium bracket", (7, 22), ("100", "250", "500")),
        ("Steel shaft 20 mm", (12, 35), ("50", "120")),
        ("Tooling set-up", (300, 950), ("1",)),
        ("Powder coating, batch", (180, 600), ("1", "2")),
        ("Quality inspection", (120, 400), ("1",)),
        ("Packaging crates", (18, 45), ("4", "10")),
        ("Engineering hours", (75, 140), ("8", "15")),
    ],
}

NAME_PARTS: dict[str, tuple[str, ...]] = {
    "consulting": ("Northbridge", "Clearview", "Meridian", "Altura"),
    "retail": ("Maple & Thread", "Urban Goods", "Bluebird", "Corner Store"),
    "restaurant": ("La Tavola", "Green Fig", "Old Harbour", "Sapori"),
    "construction": ("Stonebuild", "Hartmann Bau", "Solid Ground", "Ironframe"),
    "software": ("Pixelforge", "Cloudnine Labs", "Bitwise", "Quantum Leaf"),
    "medical": ("Lakeside Clinic", "Praxis Weber", "Healthpoint", "Vita Care"),
    "legal": ("Keller & Partner", "Brightline Legal", "Morgan Avocats", "Lex Nova"),
    "marketing": ("Brandwave", "Spark Studio", "Loud Lemon", "Northstar Media"),
    "logistics": ("Swiftcargo", "Rhein Logistik", "Blue Route", "Transalp"),
    "manufacturing": ("Precision Parts", "Metallwerk Sommer", "Atlas Components", "Forgeline"),
}


@dataclass(frozen=True)
class Region:
    """How one country writes an invoice: language, locale, money, tax rates, addresses."""

    language: str
    locale: str
    country: str
    currencies: tuple[str, ...]
    tax_rates: tuple[str, ...]
    legal_forms: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (postal code, city)


REGIONS: dict[str, tuple[Region, ...]] = {
    "en": (
        Region(
            "en",
            "en_US",
            "US",
            ("USD",),
            ("8.875", "7.25", "6"),
            ("LLC", "Inc."),
            ("Market Street", "Oak Avenue", "5th Avenue"),
            (("94103", "San Francisco, CA"), ("10001", "New York, NY"), ("60601", "Chicago, IL")),
        ),
        Region(
            "en",
            "en_GB",
            "GB",
            ("GBP",),
            ("20", "5", "0"),
            ("Ltd",),
            ("High Street", "King's Road", "Station Lane"),
            (("EC1A 1BB", "London"), ("M1 1AE", "Manchester"), ("EH1 1YZ", "Edinburgh")),
        ),
    ),
    "de": (
        Region(
            "de",
            "de_DE",
            "DE",
            ("EUR",),
            ("19", "7"),
            ("GmbH", "AG", "UG"),
            ("Hauptstraße", "Bahnhofstraße", "Lindenallee"),
            (("10115", "Berlin"), ("80331", "München"), ("50667", "Köln")),
        ),
        Region(
            "de",
            "de_CH",
            "CH",
            ("CHF",),
            ("8.1", "2.6"),
            ("AG", "GmbH"),
            ("Bahnhofstrasse", "Seestrasse", "Marktgasse"),
            (("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel")),
        ),
    ),
    "fr": (
        Region(
            "fr",
            "fr_FR",
            "FR",
            ("EUR",),
            ("20", "10", "5.5"),
            ("SARL", "SAS"),
            ("rue de la Paix", "avenue Victor Hugo", "boulevard Voltaire"),
            (("75002", "Paris"), ("69001", "Lyon"), ("13001", "Marseille")),
        ),
    ),
    "es": (
        Region(
            "es",
            "es_ES",
            "ES",
            ("EUR",),
            ("21", "10", "4"),
            ("S.L.", "S.A."),
            ("Calle Mayor", "Gran Vía", "Calle de Alcalá"),
            (("28013", "Madrid"), ("08001", "Barcelona"), ("46001", "Valencia")),
        ),
    ),
    "it": (
        Region(
            "it",
            "it_IT",
            "IT",
            ("EUR",),
            ("22", "10", "4"),
            ("S.r.l.", "S.p.A."),
            ("Via Roma", "Corso Garibaldi", "Via Dante"),
            (("00184", "Roma"), ("20121", "Milano"), ("50123", "Firenze")),
        ),
    ),
    "nl": (
        Region(
            "nl",
            "nl_NL",
            "NL",
            ("EUR",),
            ("21", "9"),
            ("B.V.",),
            ("Kerkstraat", "Damrak", "Stationsweg"),
            (("1012 AB", "Amsterdam"), ("3011 AD", "Rotterdam"), ("3511 AA", "Utrecht")),
        ),
    ),
}

# What each language prints; the reader knows many more synonyms than these.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Invoice",
        "number": "Invoice No.",
        "issue_date": "Invoice Date",
        "due_date": "Due Date",
        "bill_to": "Bill To",
        "from": "From",
        "description": "Description",
        "quantity": "Qty",
        "unit_price": "Unit Price",
        "discount": "Disc.",
        "tax_rate": "Tax",
        "line_total": "Amount",
        "subtotal": "Subtotal",
        "tax": "Tax",
        "total": "Total Due",
        "iban": "IBAN",
        "tax_id": "VAT No.",
        "tax_id_us": "EIN",
        "thanks": "Thank you for your business.",
        "terms": "Payment within {days} days.",
    },
    "de": {
        "title": "Rechnung",
        "number": "Rechnungsnummer",
        "issue_date": "Rechnungsdatum",
        "due_date": "Fällig am",
        "bill_to": "Rechnungsempfänger",
        "from": "Rechnungssteller",
        "description": "Beschreibung",
        "quantity": "Menge",
        "unit_price": "Einzelpreis",
        "discount": "Rabatt",
        "tax_rate": "USt.",
        "line_total": "Betrag",
        "subtotal": "Zwischensumme",
        "tax": "USt.",
        "total": "Gesamtbetrag",
        "iban": "IBAN",
        "tax_id": "USt-IdNr.",
        "thanks": "Vielen Dank für Ihren Auftrag.",
        "terms": "Zahlbar innerhalb von {days} Tagen ohne Abzug.",
    },
    "fr": {
        "title": "Facture",
        "number": "Facture n°",
        "issue_date": "Date de facture",
        "due_date": "Date d'échéance",
        "bill_to": "Facturé à",
        "from": "Émetteur",
        "description": "Désignation",
        "quantity": "Qté",
        "unit_price": "Prix unitaire",
        "discount": "Remise",
        "tax_rate": "TVA",
        "line_total": "Montant HT",
        "subtotal": "Total HT",
        "tax": "TVA",
        "total": "Total TTC",
        "iban": "IBAN",
        "tax_id": "N° TVA",
        "thanks": "Merci de votre confiance.",
        "terms": "Paiement à {days} jours.",
    },
    "es": {
        "title": "Factura",
        "number": "Número de factura",
        "issue_date": "Fecha de emisión",
        "due_date": "Fecha de vencimiento",
        "bill_to": "Facturar a",
        "from": "Emisor",
        "description": "Concepto",
        "quantity": "Cant.",
        "unit_price": "Precio unitario",
        "discount": "Dto.",
        "tax_rate": "IVA",
        "line_total": "Importe",
        "subtotal": "Base imponible",
        "tax": "IVA",
        "total": "Total a pagar",
        "iban": "IBAN",
        "tax_id": "NIF",
        "thanks": "Gracias por su confianza.",
        "terms": "Pago a {days} días.",
    },
    "it": {
        "title": "Fattura",
        "number": "Fattura n.",
        "issue_date": "Data fattura",
        "due_date": "Data di scadenza",
        "bill_to": "Intestatario",
        "from": "Fornitore",
        "description": "Descrizione",
        "quantity": "Qtà",
        "unit_price": "Prezzo unitario",
        "discount": "Sconto",
        "tax_rate": "IVA",
        "line_total": "Importo",
        "subtotal": "Imponibile",
        "tax": "IVA",
        "total": "Totale fattura",
        "iban": "IBAN",
        "tax_id": "P.IVA",
        "thanks": "Grazie per la fiducia.",
        "terms": "Pagamento a {days} giorni.",
    },
    "nl": {
        "title": "Factuur",
        "number": "Factuurnummer",
        "issue_date": "Factuurdatum",
        "due_date": "Vervaldatum",
        "bill_to": "Factuur aan",
        "from": "Afzender",
        "description": "Omschrijving",
        "quantity": "Aantal",
        "unit_price": "Prijs per stuk",
        "discount": "Korting",
        "tax_rate": "Btw",
        "line_total": "Bedrag",
        "subtotal": "Subtotaal",
        "tax": "Btw",
        "total": "Totaal te betalen",
        "iban": "IBAN",
        "tax_id": "Btw-nummer",
        "thanks": "Bedankt voor uw opdracht.",
        "terms": "Betaling binnen {days} dagen.",
    },
}

CUSTOMERS: tuple[str, ...] = (
    "Harbor View Hotels",
    "Blue Fern Studio",
    "Kowalski Engineering",
    "Sunrise Dental Group",
    "Granite Peak Partners",
    "Moreau Distribution",
    "Atelier Lumen",
    "Van Dijk Retail",
    "Rossi Costruzioni",
    "Garcia & Hijos",
    "Fischer Maschinenbau",
    "Evergreen Schools",
)
PERSON_CUSTOMERS: tuple[str, ...] = ("Anna Schmidt", "James Carter", "Sophie Martin", "Luca Bianchi", "Eva de Vries")

MONEY_STYLES: tuple[str, ...] = ("symbol_before", "code_after", "code_before", "symbol_after")
SYMBOLS: dict[str, str] = {"USD": "$", "GBP": "£", "EUR": "€", "CHF": "CHF"}


@dataclass
class SampleDocument:
    """A rendered sample: the PDF and the values it prints, in `structured_data` shape."""

    pdf: bytes
    expected: dict[str, Any]
    language: str = "en"
    layout: str = "classic"
    html: str = field(default="", repr=False)


def decimal_text(value: Decimal, *, min_places: int, max_places: int) -> str:
    """`Decimal("7.50")` -> `"7.5"` (quantities) or `"150.00"` (prices), never an exponent."""
    text = f"{value.normalize():f}"
    places = len(text.split(".")[1]) if "." in text else 0
    places = max(min_places, min(places, max_places))
    return f"{value:.{places}f}"


def _random_tax_id(rng: random.Random, country: str) -> str:
    """A tax id with valid check digits for the country, in compact form."""
    if country == "US":
        return f"{rng.choice(['12', '27', '46', '94'])}{rng.randrange(10**6, 10**7)}"
    if country == "DE":
        body = str(rng.randrange(10**7, 10**8))
        return "DE" + body + mod_11_10.calc_check_digit(body)
    if country == "IT":
        body = f"{rng.randrange(10**6, 10**7)}{rng.randrange(1, 100):03d}"
        return "IT" + body + luhn.calc_check_digit(body)
    if country == "FR":
        siren_body = str(rng.randrange(10**7, 10**8))
        siren = siren_body + luhn.calc_check_digit(siren_body)
        return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    if country == "NL":
        while True:
            digits = [rng.randrange(10) for _ in range(8)]
            check = sum((9 - i) * d for i, d in enumerate(digits)) % 11
            if check < 10 and digits[0]:
                return "NL" + "".join(map(str, digits)) + str(check) + "B01"
    if country == "GB":
        while True:
            digits = [rng.randrange(10) for _ in range(7)]
            total = sum((8 - i) * d for i, d in enumerate(digits))
            check = (-total) % 97
            if digits[0]:
                return "GB" + "".join(map(str, digits)) + f"{check:02d}"
    if country == "ES":
        letters = "TRWAGMYFPDXBNJZSQVHLCKE"
        number = rng.randrange(10**7, 10**8)
        return f"ES{number}{letters[number % 23]}"
    if country == "CH":
        digits = [rng.randrange(10) for _ in range(8)]
        weights = (5, 4, 3, 2, 7, 6, 5, 4)
        check = (11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11) % 11
        if check == 10:
            digits[-1] = (digits[-1] + 1) % 10
            check = (11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11) % 11
        return "CHE" + "".join(map(str, digits)) + str(check)
    raise ValueError(f"No tax id scheme for {country}")


def format_tax_id(tax_id: str, country: str) -> str:
    """How the id is printed (`12-3456789`, `CHE-123.456.789 MWST`); the reader compacts it again."""
    if country == "US":
        return f"{tax_id[:2]}-{tax_id[2:]}"
    if country == "CH":
        digits = tax_id[3:]
        return f"CHE-{digits[:3]}.{digits[3:6]}.{digits[6:]} MWST"
    return tax_id


def _random_iban(rng: random.Random, country: str) -> str | None:
    """A valid IBAN for the country (none for the US, whose banks do not use them).

    Some countries carry national check digits inside the account part (Spain, France,
    Italy); random account parts are drawn until one passes stdnum's validation.
    """
    if country == "US":
        return None
    digits = "0123456789"
    shapes = {
        "DE": lambda: "".join(rng.choice(digits) for _ in range(18)),
        "CH": lambda: "".join(rng.choice(digits) for _ in range(17)),
        "FR": lambda: "".join(rng.choice(digits) for _ in range(23)),
        "ES": lambda: "".join(rng.choice(digits) for _ in range(20)),
        "GB": lambda: "NWBK" + "".join(rng.choice(digits) for _ in range(14)),
        "NL": lambda: "ABNA" + "".join(rng.choice(digits) for _ in range(10)),
        "IT": lambda: rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "".join(rng.choice(digits) for _ in range(22)),
    }
    for _ in range(10_000):
        bban = shapes[country]()
        candidate = country + iban_module.calc_check_digits(country + "00" + bban) + bban
        if iban_module.is_valid(candidate):
            return candidate
    raise ValueError(f"Could not make a valid IBAN for {country}")


def format_iban(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _address(rng: random.Random, region: Region) -> list[str]:
    postal, city = rng.choice(region.cities)
    number = rng.randrange(1, 180)
    street = rng.choice(region.streets)
    if region.language in ("fr",) or region.language == "en":
        street_line = f"{number} {street}"
    else:
        street_line = f"{street} {number}"
    if region.country == "US":
        return [street_line, f"{city} {postal}"]
    if region.country == "GB":
        return [street_line, city, postal]
    return [street_line, f"{postal} {city}"]


@dataclass
class _Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    tax_rate: Decimal
    total: Decimal
    tax: Decimal


def _lines(rng: random.Random, *, business_type: str, complexity: str, region: Region) -> list[_Line]:
    catalog = list(CATALOG[business_type])
    rng.shuffle(catalog)
    count = {"simple": rng.randint(1, 3), "detailed": rng.randint(4, 6), "complex": rng.randint(7, 12)}[complexity]
    rates = [Decimal(rate) for rate in region.tax_rates]
    lines = []
    for index in range(count):
        description, (low, high), quantities = catalog[index % len(catalog)]
        if index >= len(catalog):
            description = f"{description}, phase 2"
        unit_price = Decimal(rng.randrange(low * 100, high * 100 + 1)) / 100
        quantity = Decimal(rng.choice(quantities))
        discount = ZERO
        if complexity != "simple" and rng.random() < 0.35:
            discount = Decimal(rng.choice(["5", "10", "15", "2.5"]))
        rate = rates[0] if complexity != "complex" else rng.choice(rates[:2] if len(rates) > 1 else rates)
        total = line_total(quantity=quantity, unit_price=unit_price, discount_percent=discount)
        lines.append(
            _Line(
                description,
                quantity,
                unit_price,
                discount,
                rate,
                total,
                line_tax(line_total_amount=total, tax_rate=rate),
            )
        )
    if complexity == "complex" and len({line.tax_rate for line in lines}) < 2 and len(rates) > 1:
        last = lines[-1]
        last.tax_rate = rates[1]
        last.tax = line_tax(line_total_amount=last.total, tax_rate=last.tax_rate)
    return lines


class _Formatter:
    """Money, numbers and dates the way one sample prints them."""

    def __init__(self, *, region: Region, currency: str, money_style: str, date_style: str) -> None:
        self.region = region
        self.currency = currency
        self.money_style = money_style
        self.date_style = date_style

    def number(self, value: Decimal, places: int = 2) -> str:
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return format_decimal(value, format=pattern, locale=self.region.locale).replace("\u2019", "'")

    def plain_number(self, value: Decimal) -> str:
        """Quantities and rates: no grouping, the locale's decimal mark, no trailing zeros."""
        text = decimal_text(value, min_places=0, max_places=4)
        return text.replace(".", ",") if self.region.language != "en" and self.region.country != "CH" else text

    def money(self, value: Decimal) -> str:
        amount = self.number(value)
        symbol = SYMBOLS[self.currency]
        if self.money_style == "symbol_before" or (self.currency == "USD" and self.money_style == "symbol_after"):
            return f"{symbol}{amount}" if len(symbol) == 1 else f"{symbol} {amount}"
        if self.money_style == "symbol_after":
            return f"{amount} {symbol}"
        if self.money_style == "code_before":
            return f"{self.currency} {amount}"
        return f"{amount} {self.currency}"

    def date(self, value: date) -> str:
        if self.date_style == "iso":
            return value.isoformat()
        if self.date_style == "long":
            return format_date(value, format="long", locale=self.region.locale)
        if self.region.country == "US":
            return format_date(value, format="long", locale="en_US")
        separator = {"de": ".", "nl": "-"}.get(self.region.language, "/")
        return value.strftime(f"%d{separator}%m{separator}%Y")


def _invoice_number(rng: random.Random, issue: date, language: str) -> str:
    prefix = {"en": "INV", "de": "RE", "fr": "FA", "es": "FAC", "it": "FT", "nl": "F"}[language]
    style = rng.randrange(3)
    if style == 0:
        return f"{prefix}-{issue.year}-{rng.randrange(1, 9999):04d}"
    if style == 1:
        return f"{issue.year}{rng.randrange(1, 999):03d}"
    return f"{prefix}{rng.randrange(10000, 99999)}"


def render_sample(
    *,
    business_type: str,
    complexity: str,
    company_name: str | None = None,
    seed: int | None = None,
    language: str | None = None,
    layout: str | None = None,
) -> SampleDocument:
    """A sample invoice PDF and the values it prints.

    `language` (one of `LANGUAGES`) defaults to English, `layout` (one of `LAYOUTS`) to
    one chosen by the seed. Unknown business types or complexities are a `ValueError`:
    the API validates them against `SUPPORTED_BUSINESS_TYPES` and `COMPLEXITY_LEVELS`.
    """
    if business_type not in SUPPORTED_BUSINESS_TYPES:
        raise ValueError(f"Unknown business type {business_type!r}.")
    if complexity not in COMPLEXITY_LEVELS:
        raise ValueError(f"Unknown complexity {complexity!r}.")
    language = language or "en"
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}.")
    rng = random.Random(seed)
    layout = layout or rng.choice(LAYOUTS)
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown layout {layout!r}.")
    region = rng.choice(REGIONS[language])
    currency = rng.choice(region.currencies)
    formatter = _Formatter(
        region=region,
        currency=currency,
        money_style=rng.choice(MONEY_STYLES),
        date_style=rng.choice(("iso", "local", "long")),
    )
    labels = dict(LABELS[language])
    if region.country == "US":
        labels["tax_id"] = labels["tax_id_us"]
        labels["tax"] = "Sales Tax"
    elif region.country == "CH":
        labels["tax_id"] = "UID"
        labels["tax"] = labels["tax_rate"] = "MWST"

    issue = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
    terms = rng.choice((14, 30, 45))
    due = issue + timedelta(days=terms)
    issuer_name = company_name or f"{rng.choice(NAME_PARTS[business_type])} {rng.choice(region.legal_forms)}"
    issuer_address = _address(rng, region)
    tax_id = _random_tax_id(rng, region.country)
    iban = _random_iban(rng, region.country)
    person = business_type in ("medical", "restaurant") and rng.random() < 0.5
    customer_name = rng.choice(PERSON_CUSTOMERS if person else CUSTOMERS)
    customer_address = _address(rng, region)
    lines = _lines(rng, business_type=business_type, complexity=complexity, region=region)
    subtotal = quantize(sum((line.total for line in lines), ZERO))
    tax_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        tax_by_rate[line.tax_rate] = tax_by_rate.get(line.tax_rate, ZERO) + line.tax
    tax_amount = quantize(sum(tax_by_rate.values(), ZERO))
    total = subtotal + tax_amount
    number = _invoice_number(rng, issue, language)
    show_discount = any(line.discount for line in lines)

    expected: dict[str, Any] = {
        "invoice_number": number,
        "issue_date": issue.isoformat(),
        "due_date": due.isoformat(),
        "currency": currency,
        "subtotal": f"{subtotal:.2f}",
        "tax_amount": f"{tax_amount:.2f}",
        "total_amount": f"{total:.2f}",
        "customer_name": customer_name,
        "customer_address": "\n".join(customer_address),
        "items": [
            {
                "description": line.description,
                "quantity": decimal_text(line.quantity, min_places=0, max_places=4),
                "unit_price": decimal_text(line.unit_price, min_places=2, max_places=4),
                "tax_rate": decimal_text(line.tax_rate, min_places=0, max_places=3),
                "line_total": f"{line.total:.2f}",
            }
            for line in lines
        ],
        "issuer": {"name": issuer_name, "tax_id": tax_id, "iban": iban, "address": "\n".join(issuer_address)},
    }
    expected["confidence"] = {name: 1.0 for name in expected if name not in ("items", "issuer")}

    rate_label = labels["tax"]
    tax_rows = [
        (f"{rate_label} {formatter.plain_number(rate)} %", formatter.money(amount))
        for rate, amount in sorted(tax_by_rate.items(), reverse=True)
    ]
    context = {
        "lang": language,
        "labels": labels,
        "accent": rng.choice(("#1f4e79", "#7a2e2e", "#2f5d50", "#4b3b75", "#8a5a00", "#333333")),
        "font": rng.choice(('"DejaVu Sans", sans-serif', '"DejaVu Serif", serif', '"Nimbus Sans", sans-serif')),
        "number": number,
        "issue_date": formatter.date(issue),
        "due_date": formatter.date(due),
        "issuer_name": issuer_name,
        "issuer_address": issuer_address,
        "tax_id": format_tax_id(tax_id, region.country),
        "iban": format_iban(iban) if iban else None,
        "customer_name": customer_name,
        "customer_address": customer_address,
        "currency": currency,
        "show_discount": show_discount,
        "rows": [
            {
                "description": line.description,
                "quantity": formatter.plain_number(line.quantity),
                "unit_price": formatter.number(line.unit_price),
                "discount": f"{formatter.plain_number(line.discount)} %" if line.discount else "",
                "tax_rate": f"{formatter.plain_number(line.tax_rate)} %",
                "line_total": formatter.number(line.total),
            }
            for line in lines
        ],
        "subtotal": formatter.money(subtotal),
        "tax_rows": tax_rows,
        "total": formatter.money(total),
        "terms": labels["terms"].format(days=terms),
        "complexity": complexity,
        "business_type": business_type,
    }
    html = render_to_string(f"files/samples/{layout}.html", context)
    return SampleDocument(pdf=html_to_pdf(html), expected=expected, language=language, layout=layout, html=html)
