"""Stage `read`: bytes to text (text layer or OCR) or to e-invoice XML.

The kind of document is decided from its first bytes, never from the name or the
declared content type. In order:

- XML: a CII or UBL e-invoice, parsed safely (`einvoice.parse_xml`); other XML is refused.
- PDF: an embedded CII file (Factur-X, ZUGFeRD, XRechnung attachments) wins over
  everything printed; otherwise the text layer; a PDF without one (a scan) is
  rasterised with pdfium and read by OCR.
- PNG, JPEG, WebP, TIFF: OCR.

Limits keep a hostile file from exhausting a worker: at most `EXTRACTION_MAX_PAGES`
pages (PDF pages or TIFF frames) and `EXTRACTION_MAX_PIXELS` pixels per image, checked
from the headers before anything is decoded; pages are rasterised at a resolution
reduced to fit the pixel limit.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium
from django.conf import settings
from PIL import Image, ImageFile, UnidentifiedImageError

from files.extraction import ocr
from files.extraction.base import ExtractionError, ReadDocument
from files.extraction.einvoice import parse_xml, xml_kind

DEFAULT_MAX_PAGES = 20
DEFAULT_MAX_PIXELS = 40_000_000
# A page whose text layer has fewer letters or digits than this is treated as a scan.
MIN_TEXT_CHARACTERS = 40
OCR_DPI = 300
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
EMBEDDED_XML_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "zugferd.xml")


def max_pages() -> int:
    return int(getattr(settings, "EXTRACTION_MAX_PAGES", DEFAULT_MAX_PAGES))


def max_pixels() -> int:
    return int(getattr(settings, "EXTRACTION_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def open_pdf(content: bytes) -> pdfium.PdfDocument:
    """The PDF opened by pdfium, or an `ExtractionError` that says why it cannot be."""
    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as error:
        raise ExtractionError(f"The PDF cannot be opened: {error}.") from error
    count = len(pdf)
    if count == 0 or count > max_pages():
        pdf.close()
        if count == 0:
            raise ExtractionError("The PDF has no pages.")
        raise ExtractionError(f"The PDF has {count} pages; at most {max_pages()} are read.")
    return pdf


def embedded_einvoice(pdf: pdfium.PdfDocument) -> bytes | None:
    """The CII/UBL XML attached to a PDF (Factur-X, ZUGFeRD, XRechnung), if any."""
    candidates = []
    for index in range(pdf.count_attachments()):
        attachment = pdf.get_attachment(index)
        name = attachment.get_name().lower()
        if name.endswith(".xml"):
            candidates.append((name not in EMBEDDED_XML_NAMES, index))
    for _, index in sorted(candidates):
        data = bytes(pdf.get_attachment(index).get_data())
        try:
            root = parse_xml(data)
        except ExtractionError:
            continue
        if xml_kind(root) is not None:
            return data
    return None


def pdf_text(pdf: pdfium.PdfDocument) -> list[str]:
    """The text layer of each page."""
    pages = []
    for page in pdf:
        textpage = page.get_textpage()
        pages.append(textpage.get_text_bounded().replace("\r\n", "\n"))
        textpage.close()
        page.close()
    return pages


def render_pages(pdf: pdfium.PdfDocument) -> list[Image.Image]:
    """Each page as a grayscale image at `OCR_DPI`, or less when that would exceed the pixel limit."""
    images = []
    for page in pdf:
        width, height = page.get_size()  # in points (1/72 inch)
        scale = OCR_DPI / 72
        if width * height * scale * scale > max_pixels():
            scale = (max_pixels() / (width * height)) ** 0.5
        if scale * 72 < 50:
            page.close()
            raise ExtractionError("A page of the PDF is too large to be read.")
        bitmap = page.render(scale=scale, grayscale=True)
        images.append(bitmap.to_pil().convert("L"))
        page.close()
    return images


def read_pdf(content: bytes) -> ReadDocument:
    pdf = open_pdf(content)
    try:
        xml = embedded_einvoice(pdf)
        pages = pdf_text(pdf)
        if xml is not None:
            return ReadDocument(kind="facturx", text="\f".join(pages), xml=xml, pages=len(pdf))
        letters = sum(sum(character.isalnum() for character in page) for page in pages)
        if letters >= MIN_TEXT_CHARACTERS * len(pages):
            return ReadDocument(kind="text_pdf", text="\f".join(pages), xml=None, pages=len(pdf))
        images = render_pages(pdf)
    finally:
        pdf.close()
    return ReadDocument(kind="scan_pdf", text="\f".join(ocr.read_images(images)), xml=None, pages=len(images))


@contextmanager
def _refuse_truncated_images() -> Iterator[None]:
    """Make Pillow raise on truncated data while we decode.

    WeasyPrint sets Pillow's process-wide `LOAD_TRUNCATED_IMAGES` on import, which
    would let a cut-off upload decode as a grey page and be "read" as empty; an upload
    must rather fail with a reason. The flag is restored afterwards.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def open_image_frames(content: bytes) -> list[Image.Image]:
    """The frames of an image (several for a multi-page TIFF), checked against the limits before decoding."""
    try:
        with warnings.catch_warnings(), _refuse_truncated_images():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            frames = getattr(image, "n_frames", 1)
            if frames > max_pages():
                raise ExtractionError(f"The image has {frames} pages; at most {max_pages()} are read.")
            result = []
            for index in range(frames):
                image.seek(index)
                width, height = image.size
                if width * height > max_pixels():
                    raise ExtractionError(
                        f"The image is {width} x {height} pixels; at most {max_pixels():,} pixels are read."
                    )
                image.load()
                result.append(image.copy())
            return result
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ExtractionError(f"The image is too large to be read: {error}") from error
    except UnidentifiedImageError as error:
        raise ExtractionError(f"The image cannot be read: {error}.") from error
    except (OSError, SyntaxError, ValueError) as error:
        # Pillow reports truncated or corrupt data as OSError / SyntaxError / ValueError.
        raise ExtractionError(f"The image is damaged or truncated: {error}.") from error


def is_image(content: bytes) -> bool:
    return content.startswith(IMAGE_SIGNATURES) or (content[:4] == b"RIFF" and content[8:12] == b"WEBP")


def looks_like_xml(content: bytes) -> bool:
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


def read_document(*, content: bytes, content_type: str) -> ReadDocument:
    """Read any supported document; `ExtractionError` for anything else."""
    if not content:
        raise ExtractionError("The document is empty.")
    if content.startswith(b"%PDF-"):
        return read_pdf(content)
    if is_image(content):
        frames = open_image_frames(content)
        return ReadDocument(kind="image", text="\f".join(ocr.read_images(frames)), xml=None, pages=len(frames))
    if looks_like_xml(content):
        root = parse_xml(content)
        kind = xml_kind(root)
        if kind is None:
            raise ExtractionError("The XML is neither a CII nor a UBL invoice.")
        return ReadDocument(kind=kind, text="", xml=content, pages=1)
    raise ExtractionError(
        f"Documents of this type ({content_type or 'unknown'}) cannot be read: "
        "PDF, PNG, JPEG, WebP, TIFF and CII or UBL XML are."
    )
