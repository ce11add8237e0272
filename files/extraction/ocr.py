"""OCR with Tesseract: cleaning up a scan or photo, then reading it in the six invoice languages.

Preprocessing is done with Pillow only, because Tesseract reads clean, upright,
black-on-white text at about 300 DPI best:

1. orientation from EXIF (phone photos), grayscale;
2. scale: small images are enlarged so text is about the size Tesseract expects,
   huge ones reduced (the pixel limit has been checked before);
3. speckle: a 3x3 median filter at the scan's own resolution; lighting: a wide blur of
   the page (the paper's local brightness) is subtracted (uneven light, photo shadows),
   then autocontrast;
4. deskew: the angle (within +-6 degrees) whose horizontal projection has the
   sharpest profile, measured on a small binarised copy;
5. threshold: Otsu's threshold on the histogram.

Tesseract runs with page segmentation mode 4 (a single column of text of variable
sizes), which keeps a table row on one line, and a timeout: a timeout or a missing
binary is a `TransientExtractionError` (worth a retry), a file Tesseract rejects an
`ExtractionError`.
"""

from __future__ import annotations

import os
from typing import cast

from django.conf import settings
from PIL import Image, ImageChops, ImageFilter, ImageOps
from pytesseract import TesseractError, TesseractNotFoundError, image_to_string

from files.extraction.base import ExtractionError, TransientExtractionError

# One Tesseract thread per OCR run: a Celery worker process is the unit of parallelism, and
# OpenMP threads competing with the other workers for the same cores only slow all of them.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANGUAGES = "eng+deu+fra+spa+ita+nld"
TARGET_WIDTH = 2480  # A4 at 300 DPI
DEFAULT_TIMEOUT_SECONDS = 60


def _otsu_threshold(image: Image.Image) -> int:
    histogram = image.histogram()[:256]
    total = sum(histogram)
    sum_all = sum(index * count for index, count in enumerate(histogram))
    weight_background = sum_background = 0
    best, threshold = -1.0, 128
    for index, count in enumerate(histogram):
        weight_background += count
        if weight_background == 0:
            continue
        weight_foreground = total - weight_background
        if weight_foreground == 0:
            break
        sum_background += index * count
        mean_background = sum_background / weight_background
        mean_foreground = (sum_all - sum_background) / weight_foreground
        between = weight_background * weight_foreground * (mean_background - mean_foreground) ** 2
        if between > best:
            best, threshold = between, index
    return threshold


def _profile_sharpness(binary: Image.Image) -> float:
    """Variance of the row sums: high when text lines are horizontal."""
    # One grey level per row of a single-band image; Pillow types the pixels as object.
    rows = cast("list[float]", list(binary.resize((1, binary.height), Image.Resampling.BOX).get_flattened_data()))
    mean = sum(rows) / len(rows)
    return sum((value - mean) ** 2 for value in rows)


def skew_angle(image: Image.Image) -> float:
    """The rotation (degrees) that makes text lines horizontal, searched coarse then fine."""
    small = image.copy()
    small.thumbnail((900, 900))
    threshold = _otsu_threshold(small)
    binary = small.point(lambda value: 255 if value < threshold else 0)  # text white on black

    def score(angle: float) -> float:
        return _profile_sharpness(binary.rotate(angle, resample=Image.Resampling.NEAREST, expand=False))

    best = max((step * 1.0 for step in range(-6, 7)), key=score)
    return max((best + step * 0.2 for step in range(-5, 6)), key=score)


def preprocess(image: Image.Image) -> Image.Image:
    """A clean, upright, binarised page for Tesseract."""
    image = ImageOps.exif_transpose(image) if "exif" in image.info else image
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    # Speckle (scanner dust, salt-and-pepper noise) is removed at the scan's own resolution,
    # before scaling could grow it into blobs that look like punctuation.
    gray = image.convert("L").filter(ImageFilter.MedianFilter(3))
    if gray.width < TARGET_WIDTH * 0.7 or gray.width > TARGET_WIDTH * 1.5:
        ratio = TARGET_WIDTH / gray.width
        gray = gray.resize((TARGET_WIDTH, max(1, round(gray.height * ratio))), Image.Resampling.LANCZOS)
    # Even out lighting: divide by a heavily blurred copy (the page's illumination).
    small = gray.resize((max(1, gray.width // 16), max(1, gray.height // 16)), Image.Resampling.BOX)
    light = small.filter(ImageFilter.GaussianBlur(6)).resize(gray.size, Image.Resampling.BILINEAR)
    levelled = _divide(gray, light)
    levelled = ImageOps.autocontrast(levelled, cutoff=1)
    angle = skew_angle(levelled)
    if abs(angle) >= 0.2:
        levelled = levelled.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    threshold = _otsu_threshold(levelled)
    return levelled.point(lambda value: 255 if value > threshold else 0)


def _divide(gray: Image.Image, light: Image.Image) -> Image.Image:
    """Subtract the lighting: a pixel keeps only how much darker it is than the paper around it."""
    inverted_gray = ImageOps.invert(gray)
    inverted_light = ImageOps.invert(light)
    # (255 - g) - (255 - l) = l - g : how much darker than the local paper a pixel is.
    darker = ImageChops.subtract(inverted_gray, inverted_light)
    return ImageOps.invert(darker)


def read_image(image: Image.Image) -> str:
    """The text of one page image."""
    timeout = float(getattr(settings, "EXTRACTION_OCR_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    try:
        return image_to_string(preprocess(image), lang=LANGUAGES, config="--psm 4", timeout=timeout)
    except TesseractNotFoundError as error:
        raise TransientExtractionError("The OCR engine (tesseract) is not installed on this worker.") from error
    except TesseractError as error:
        raise ExtractionError(f"The OCR engine could not read the image: {error.message}.") from error
    except RuntimeError as error:
        # pytesseract signals its timeout with a bare RuntimeError("Tesseract process timeout").
        if "timeout" in str(error).lower():
            raise TransientExtractionError(f"OCR took longer than {timeout:g} seconds.") from error
        raise


def read_images(images: list[Image.Image]) -> list[str]:
    return [read_image(image) for image in images]
