"""Document extraction: throughput per worker, peak memory, and the share of fields read right.

Builds its corpus first (not timed): generated sample invoices as text PDFs, the same
samples as e-invoices (CII, UBL, UBL credit notes, Factur-X PDFs) and as scans and
photos (PNG, scanned PDF, JPEG photo, low-resolution TIFF, WebP). Then, in this single
process, it reads and extracts every document through `get_extractor()` and prints
documents per second per kind and the process's peak RSS.

    .venv/bin/python bench/extraction.py                          # 40 text, 40 e-invoices, 10 scans
    .venv/bin/python bench/extraction.py --text 100 --scans 30 --accuracy

With `--accuracy` it also prints, per kind of document and per field, the share of
documents whose field was read exactly (addresses compare by their words), and the
share of line items read exactly. A document that fails with an ExtractionError counts
as wrong on every field. See bench/README.md for the figures measured.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billing.settings")
os.environ.setdefault("DEBUG", "true")  # a local measurement, like `make run`

import django

django.setup()

from files.extraction import ExtractionError, get_extractor  # noqa: E402
from files.tests.corpus import CorpusDocument, einvoice_documents, raster_documents, text_documents  # noqa: E402
from files.tests.extraction_support import ISSUER_FIELDS, KEY_FIELDS, field_errors  # noqa: E402

GROUPS = ("text_pdf", "e-invoice", "scan")


def group_of(document: CorpusDocument) -> str:
    if document.kind in ("cii", "ubl", "facturx"):
        return "e-invoice"
    if document.kind in ("scan_pdf", "image"):
        return "scan"
    return "text_pdf"


def build_corpus(text: int, einvoices: int, scans: int, offset: int) -> list[CorpusDocument]:
    return (
        text_documents(text, offset=offset)
        + einvoice_documents(einvoices, offset=offset)
        + raster_documents(scans, offset=offset)
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=int, default=40, help="text PDFs")
    parser.add_argument("--einvoices", type=int, default=40, help="e-invoices (CII, UBL, credit notes, Factur-X)")
    parser.add_argument("--scans", type=int, default=10, help="scans and photos (OCR)")
    parser.add_argument("--offset", type=int, default=0, help="first sample of the grid (another corpus)")
    parser.add_argument("--accuracy", action="store_true", help="print the share of fields read right")
    args = parser.parse_args()

    print(f"building corpus: {args.text} text PDFs, {args.einvoices} e-invoices, {args.scans} scans ...", flush=True)
    # Built in a child process, so the rendering and rasterising do not count in this one's memory.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        corpus = pool.submit(build_corpus, args.text, args.einvoices, args.scans, args.offset).result()
    baseline = peak_rss_mib()
    extractor = get_extractor()
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    right: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    items_right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures: dict[str, list[str]] = defaultdict(list)

    for document in corpus:
        group = group_of(document)
        started = time.perf_counter()
        try:
            result = extractor.extract(extractor.read(content=document.content, content_type=document.content_type))
        except ExtractionError as error:
            result = None
            failures[group].append(f"{document.name}: {error}")
        seconds[group] += time.perf_counter() - started
        counts[group] += 1
        expected_items = document.expected["items"]
        items_right[group][1] += len(expected_items)
        if result is None:
            continue
        errors = field_errors(document.expected, result.structured_data)
        for name in (*KEY_FIELDS, *(f"issuer.{field}" for field in ISSUER_FIELDS)):
            right[group][name] += name not in errors
        found_items = result.structured_data["items"]
        items_right[group][0] += sum(1 for item in expected_items if item in found_items)

    print(
        f"\nthroughput, one process (peak RSS {peak_rss_mib():.0f} MiB; {baseline:.0f} MiB before the first document)"
    )
    for group in GROUPS:
        if counts[group]:
            rate = counts[group] / seconds[group]
            print(f"  {group:10} {counts[group]:4} documents  {rate:8.2f} documents/s  {1000 / rate:8.0f} ms each")
    if args.accuracy:
        names = (*KEY_FIELDS, *(f"issuer.{field}" for field in ISSUER_FIELDS))
        print("\nshare of documents with the field read exactly")
        print(f"  {'field':18}" + "".join(f"{group:>12}" for group in GROUPS if counts[group]))
        for name in names:
            row = "".join(f"{right[group][name] / counts[group]:>12.0%}" for group in GROUPS if counts[group])
            print(f"  {name:18}{row}")
        row = "".join(
            f"{(items_right[group][0] / items_right[group][1]) if items_right[group][1] else 0:>12.0%}"
            for group in GROUPS
            if counts[group]
        )
        print(f"  {'line items':18}{row}")
        for group in GROUPS:
            for failure in failures[group]:
                print(f"  failed ({group}): {failure}")


if __name__ == "__main__":
    main()
