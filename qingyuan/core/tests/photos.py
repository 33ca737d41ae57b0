"""Photos as phones make them: GPS position, camera serial, orientation, XMP, a colour profile and text.

``assert_no_metadata`` checks what a re-encoded file must not carry, both through Pillow
and in the raw bytes.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms, PngImagePlugin

SERIAL = "SN-QY-4711-0815"
OWNER = "Zhang San's phone"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="27,50.1N"/>'
       b"</rdf:RDF></x:xmpmeta>")
BLUE, RED = (20, 20, 200), (200, 30, 30)
SECRETS = (SERIAL.encode(), OWNER.encode(), b"Exif", b"GPSLatitude", b"xmpmeta", b"Canon", b"sRGB", b"secret note")


def exif(orientation: int = 1) -> Image.Exif:
    data = Image.Exif()
    data[ExifTags.Base.Orientation] = orientation
    data[ExifTags.Base.Make] = "Canon"
    data[ExifTags.Base.Artist] = OWNER
    data.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    data.get_ifd(ExifTags.IFD.GPSInfo).update({
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (27.0, 50.0, 6.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (116.0, 24.0, 54.0)})
    return data


def picture(mode: str = "RGB", size: tuple[int, int] = (64, 32)) -> Image.Image:
    """A red picture whose left quarter is blue, so a rotation shows where the blue went."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (0, 0, size[0] // 4, size[1]))
    return image.convert(mode)


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg(orientation: int = 6) -> bytes:
    """A JPEG with GPS EXIF, the camera's serial, the owner's name, XMP, an ICC profile and a comment;
    orientation 6 means 'turn 90° clockwise to show'."""
    out = io.BytesIO()
    picture().save(out, "JPEG", exif=exif(orientation), xmp=XMP, icc_profile=srgb_profile(),
                   comment=b"secret note", quality=95)
    return out.getvalue()


def plain_png() -> bytes:
    out = io.BytesIO()
    picture().save(out, "PNG")
    return out.getvalue()


def png() -> bytes:
    """A half-transparent PNG with EXIF (eXIf chunk), text chunks, XMP and an ICC profile."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret note")
    info.add_text("Author", OWNER, zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    image = picture("RGBA")
    image.putpixel((63, 31), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=exif(1), icc_profile=srgb_profile())
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    picture().save(out, "WEBP", exif=exif(1), xmp=XMP, icc_profile=srgb_profile())
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels: a few bytes that would unpack to gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
            + chunk(b"IEND", b""))


def assert_no_metadata(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert not image.getexif(), dict(image.getexif())
    assert not {"exif", "xmp", "icc_profile", "comment", "Comment", "Author", "XML:com.adobe.xmp"} & set(image.info)
    for secret in SECRETS:
        assert secret not in data, secret
    for marker in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"EXIF", b"XMP ", b"ICCP"):
        assert marker not in data, marker
    image.load()
    return image
