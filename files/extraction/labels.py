"""The words invoices use for their fields, in English, German, French, Spanish, Italian and Dutch.

The reader is driven by these labels and by the shape of values (dates, amounts,
identifiers), never by where a particular vendor prints them. Each field has a list
of regular expressions; the longest label found on a line decides which field the
line is about, so "Total HT" is a subtotal and not a total, and "Due date" is not an
issue date.
"""

from __future__ import annotations

import re

LABELS: dict[str, tuple[str, ...]] = {
    "invoice_number": (
        r"invoice\s*(?:no\.?|number|num\.?|nr\.?|#|n°|id)",
        r"inv\.?\s*(?:no\.?|#)",
        r"bill\s*(?:no\.?|number|#)",
        r"document\s*(?:no\.?|number)",
        r"rechnungs\s*-?\s*(?:nummer|nr\.?|no\.?)",
        r"rechnung\s*(?:nr\.?|no\.?|#)",
        r"beleg\s*-?\s*(?:nummer|nr\.?)",
        r"facture\s*(?:n\s*°|n\s*º|no\.?|nr\.?|num[ée]ro|#)",
        r"n\s*[°º]\s*(?:de\s*)?facture",
        r"num[ée]ro\s*de\s*(?:la\s*)?facture",
        r"n[úu]mero\s*de\s*(?:la\s*)?factura",
        r"factura\s*(?:n\.?\s*[º°o]\.?|n[úu]m\.?|no\.?|n[úu]mero|#)",
        r"n\.?\s*[º°]\s*(?:de\s*)?factura",
        r"fattura\s*(?:n\.?\s*°?|nr\.?|numero|num\.?|#)",
        r"numero\s*(?:di\s*|della\s*)?fattura",
        r"n\.\s*fattura",
        r"factuur\s*-?\s*(?:nummer|nr\.?|no\.?|#)",
    ),
    "issue_date": (
        r"invoice\s*date",
        r"date\s*of\s*(?:issue|invoice)",
        r"issue\s*date",
        r"issued(?:\s*on)?",
        r"billing\s*date",
        r"rechnungsdatum",
        r"ausstellungsdatum",
        r"belegdatum",
        r"date\s*de\s*(?:la\s*)?facture",
        r"date\s*d['’]\s*[ée]mission",
        r"date\s*de\s*facturation",
        r"fecha\s*de\s*(?:la\s*)?factura",
        r"fecha\s*de\s*(?:emisi[óo]n|expedici[óo]n)",
        r"data\s*(?:della\s*)?fattura",
        r"data\s*(?:di\s*)?emissione",
        r"data\s*documento",
        r"factuurdatum",
        r"datum\s*factuur",
        # generic words, the weakest labels
        r"date",
        r"datum",
        r"fecha",
        r"data",
    ),
    "due_date": (
        r"due\s*date",
        r"payment\s*due(?:\s*date)?",
        r"due(?:\s*on|\s*by)?",
        r"pay(?:able)?\s*by",
        r"f[äa]lligkeits?datum",
        r"f[äa]llig(?:\s*am|\s*bis)?",
        r"zahlbar\s*bis",
        r"zahlungsziel",
        r"date\s*d['’]\s*[ée]ch[ée]ance",
        r"[ée]ch[ée]ance",
        r"[àa]\s*payer\s*avant\s*le",
        r"fecha\s*(?:de\s*)?vencimiento",
        r"vencimiento",
        r"fecha\s*l[íi]mite\s*de\s*pago",
        r"data\s*(?:di\s*)?scadenza",
        r"scadenza",
        r"vervaldatum",
        r"vervaldag",
        r"te\s*betalen\s*v[óo]{1,2}r",
        r"uiterste\s*betaaldatum",
    ),
    "subtotal": (
        r"sub\s*-?\s*total",
        r"net\s*(?:amount|total)",
        r"total\s*net",
        r"total\s*(?:excl\.?|excluding|before)\s*(?:vat|tax|gst)",
        r"amount\s*before\s*tax",
        r"zwischensumme",
        r"netto\s*(?:summe|betrag|gesamt)?",
        r"summe\s*netto",
        r"gesamt\s*netto",
        r"nettobetrag",
        r"total\s*h\.?\s*t\.?",
        r"montant\s*h\.?\s*t\.?",
        r"sous\s*-?\s*total",
        r"base\s*imponible",
        r"importe\s*neto",
        r"subtotale",
        r"(?:totale\s*)?imponibile",
        r"totale\s*netto",
        r"subtotaal",
        r"totaal\s*excl(?:\.|usief)?\s*btw",
        r"netto\s*bedrag",
    ),
    "total_amount": (
        r"total\s*(?:due|amount|to\s*pay|payable|incl(?:\.|uding)?\s*(?:vat|tax))?",
        r"amount\s*due",
        r"balance\s*due",
        r"grand\s*total",
        r"invoice\s*total",
        r"gesamt\s*-?\s*(?:betrag|summe)",
        r"rechnungs\s*-?\s*(?:betrag|summe)",
        r"endbetrag",
        r"brutto\s*-?\s*(?:betrag|summe)?",
        r"summe\s*brutto",
        r"zu\s*zahlen(?:der\s*betrag)?",
        r"total\s*t\.?\s*t\.?\s*c\.?",
        r"montant\s*(?:total|t\.?t\.?c\.?|d[uû])",
        r"net\s*[àa]\s*payer",
        r"total\s*[àa]\s*payer",
        r"total\s*a\s*pagar",
        r"importe\s*total",
        r"total\s*(?:de\s*la\s*)?factura",
        r"totale(?:\s*fattura|\s*da\s*pagare|\s*documento)?",
        r"importo\s*(?:totale|da\s*pagare)",
        r"totaal(?:\s*te\s*betalen|\s*incl(?:\.|usief)?\s*btw|\s*bedrag)?",
        r"te\s*betalen",
    ),
    "tax_total": (
        r"total\s*(?:vat|tax|sales\s*tax|gst)",
        r"(?:vat|tax)\s*total",
        r"summe\s*(?:ust|mwst|umsatzsteuer|mehrwertsteuer)",
        r"total\s*(?:tva|iva)",
        r"totale\s*iva",
        r"totaal\s*btw",
    ),
    "tax": (
        r"sales\s*tax",
        r"vat",
        r"tax",
        r"gst",
        r"hst",
        r"mwst\.?",
        r"ust\.?",
        r"umsatzsteuer",
        r"mehrwertsteuer",
        r"tva",
        r"iva",
        r"btw",
        r"imposta",
        r"impuesto",
    ),
    "customer": (
        r"bill(?:ed)?\s*to",
        r"invoice\s*to",
        r"sold\s*to",
        r"customer",
        r"client",
        r"recipient",
        r"rechnungsempf[äa]nger",
        r"rechnungsadresse",
        r"kunde",
        r"empf[äa]nger",
        r"factur[ée]\s*[àa]",
        r"adresse\s*de\s*facturation",
        r"destinataire",
        r"facturar\s*a",
        r"cliente",
        r"destinatario",
        r"fatturato\s*a",
        r"intestatario",
        r"spett(?:\.|abile)\s*(?:le)?",
        r"factuur\s*aan",
        r"gefactureerd\s*aan",
        r"klant",
    ),
    "issuer": (
        r"from",
        r"seller",
        r"supplier",
        r"vendor",
        r"issued\s*by",
        r"rechnungssteller",
        r"lieferant",
        r"absender",
        r"[ée]metteur",
        r"fournisseur",
        r"vendeur",
        r"emisor",
        r"proveedor",
        r"fornitore",
        r"cedente",
        r"afzender",
        r"leverancier",
    ),
    "tax_id": (
        r"vat\s*(?:no\.?|number|id|reg(?:istration)?\.?\s*(?:no\.?)?)",
        r"tax\s*(?:id|no\.?|number)",
        r"ein",
        r"tin",
        r"ust\s*-?\s*id\s*(?:nr\.?)?",
        r"ust\s*-?\s*idnr\.?",
        r"umsatzsteuer\s*-?\s*id(?:entifikationsnummer)?",
        r"steuer\s*-?\s*nr\.?",
        r"uid(?:\s*-?\s*nr\.?)?",
        r"mwst\s*-?\s*nr\.?",
        r"n\s*[°º]\s*(?:de\s*)?tva(?:\s*intracom(?:munautaire)?)?",
        r"tva\s*intracom(?:munautaire)?",
        r"nif",
        r"cif",
        r"n\.?i\.?f\.?",
        r"p\.?\s*iva",
        r"partita\s*iva",
        r"btw\s*-?\s*(?:nummer|nr\.?|id)",
    ),
    "items_description": (
        r"description",
        r"item",
        r"service",
        r"product",
        r"beschreibung",
        r"bezeichnung",
        r"leistung",
        r"artikel",
        r"d[ée]signation",
        r"libell[ée]",
        r"concepto",
        r"descripci[óo]n",
        r"art[íi]culo",
        r"descrizione",
        r"articolo",
        r"omschrijving",
    ),
    "items_quantity": (
        r"qty\.?",
        r"quantity",
        r"menge",
        r"anzahl",
        r"qt[ée]\.?",
        r"quantit[ée]",
        r"cant\.?",
        r"cantidad",
        r"qt[àa]\.?",
        r"quantit[àa]",
        r"aantal",
        r"hours",
        r"stunden",
    ),
    "items_discount": (r"disc\.?", r"discount", r"rabatt", r"remise", r"dto\.?", r"descuento", r"sconto", r"korting"),
    "items_tax": (r"tax", r"vat", r"ust\.?", r"mwst\.?", r"tva", r"iva", r"btw"),
}

TITLE_WORDS = (
    "invoice",
    "tax invoice",
    "rechnung",
    "facture",
    "factura",
    "fattura",
    "factuur",
    "credit note",
    "gutschrift",
)

# Company legal forms: a line ending with one is very likely a company name.
LEGAL_FORMS = re.compile(
    r"\b(?:GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|UG|KG|e\.K\.|Ltd\.?|Limited|LLC|L\.L\.C\.|Inc\.?|Corp\.?|PLC|LLP|"
    r"SARL|S\.A\.R\.L\.|SAS|S\.A\.S\.|SA|S\.A\.|S\.L\.|S\.L\.U\.|S\.r\.l\.|S\.p\.A\.|S\.n\.c\.|B\.V\.|N\.V\.|V\.O\.F\.)$"
)

LANGUAGE_HINTS: dict[str, tuple[str, ...]] = {
    "de": ("rechnung", "datum", "betrag", "summe", "menge", "ust", "mwst", "zahlbar", "fällig"),
    "fr": ("facture", "montant", "tva", "échéance", "désignation", "qté", "total ttc", "total ht"),
    "es": ("factura", "fecha", "importe", "iva", "cantidad", "concepto", "vencimiento"),
    "it": ("fattura", "data", "importo", "iva", "quantità", "descrizione", "scadenza", "totale"),
    "nl": ("factuur", "datum", "bedrag", "btw", "aantal", "omschrijving", "totaal", "vervaldatum"),
    "en": ("invoice", "date", "amount", "total", "quantity", "description", "due", "tax"),
}


def _compile(patterns: tuple[str, ...]) -> list[tuple[re.Pattern[str], int]]:
    # A label starts a word and ends before a letter, so "tax" does not match "taxi".
    return [
        (re.compile(r"(?<![\w])" + pattern + r"(?![^\W\d_])", re.IGNORECASE), index)
        for index, pattern in enumerate(patterns)
    ]


COMPILED: dict[str, list[tuple[re.Pattern[str], int]]] = {field: _compile(LABELS[field]) for field in LABELS}


def find_label(field: str, line: str, *, at_start: bool = False) -> re.Match[str] | None:
    """The longest label of `field` in `line` (or at its start), or None."""
    best: re.Match[str] | None = None
    for pattern, _ in COMPILED[field]:
        match = pattern.match(line) if at_start else pattern.search(line)
        if match and (best is None or len(match.group(0)) > len(best.group(0))):
            best = match
    return best
