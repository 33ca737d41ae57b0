"""Re-encode uploaded photos so that only the pixels are kept.

A photo taken on a phone carries where it was taken (GPS), when, and the camera's
serial number in its EXIF, XMP and ICC data. Complainants' and inspectors' photos
are shown to other people (the enterprise a complaint is about among them), so
every image is decoded, turned upright per its EXIF orientation, converted to sRGB
and written again with no metadata at all. JPEG stays JPEG (quality 85), PNG stays
PNG (transparency kept), WebP stays WebP. An image Pillow cannot decode, or one with
more pixels than ``MAX_PIXELS`` (a decompression bomb: a small file that unpacks to
gigabytes), is refused with a message naming the file.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

MAX_PIXELS = 40_000_000  # 8000 × 5000; a 12-megapixel phone photo is 4032 × 3024
JPEG_QUALITY = 85
WEBP_QUALITY = 85
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def reencode(upload: Any, mime: str) -> bytes:
    """The image's pixels in a new file of the same format, upright and without metadata.

    Raises a ValidationError (code ``image``) when the file cannot be decoded or is too large.
    """
    name = getattr(upload, "name", "") or ""
    image = _decode(upload, PIL_FORMATS[mime], name)
    image = _upright(image)
    image = _to_srgb(image)
    return _encode(image, PIL_FORMATS[mime])


def _decode(upload: Any, fmt: str, name: str) -> Image.Image:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=[fmt])
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” has too many pixels (at most %(max)d megapixels). Send a smaller photo.")
            % {"name": name, "max": MAX_PIXELS // 1_000_000}, code="image") from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, EOFError ... on bad data
        raise ValidationError(
            _("“%(name)s” cannot be read as an image (damaged or incomplete). Take or save the photo again.")
            % {"name": name}, code="image") from None
    finally:
        upload.seek(0)
    return image


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a malformed EXIF block: keep the pixels as they are
        return image.copy()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded colour profile (wide-gamut phone photos) before the profile is dropped."""
    icc = image.info.get("icc_profile")
    if image.mode == "CMYK" or (icc and image.mode in ("RGB", "RGBA")):
        try:
            if icc:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                mode = "RGBA" if image.mode == "RGBA" else "RGB"
                converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
        if image.mode == "CMYK":
            return image.convert("RGB")
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    transparency = image.info.get("transparency")
    clean = image.copy()
    clean.info = {}  # EXIF, XMP, ICC, comments, PNG text chunks, dpi: nothing is carried over
    options: dict[str, Any] = {}
    if fmt == "JPEG":
        if clean.mode not in ("L", "RGB"):
            clean = clean.convert("RGB")
        options = {"quality": JPEG_QUALITY, "optimize": True}
    elif fmt == "PNG":
        if transparency is not None and clean.mode in ("P", "L", "RGB", "I;16"):
            options["transparency"] = transparency
        options["optimize"] = clean.width * clean.height <= 4_000_000
    else:
        if clean.mode not in ("RGB", "RGBA"):
            has_alpha = clean.mode in ("LA", "PA", "RGBa") or transparency is not None
            clean = clean.convert("RGBA" if has_alpha else "RGB")
        options = {"quality": WEBP_QUALITY, "method": 4}
    out = io.BytesIO()
    clean.save(out, fmt, **options)
    return out.getvalue()
