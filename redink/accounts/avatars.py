"""Avatars: an uploaded picture becomes a 256 px square WebP (PNG where Pillow lacks WebP),
re-encoded from its pixels alone. Nothing of the upload is kept: not its bytes, its name, its
EXIF (camera, time, GPS position), its ICC profile or its comments. The generated avatar
(`{% avatar %}`) stays the default."""

from __future__ import annotations

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError, features

from .models import User

MAX_BYTES = 2 * 1024 * 1024
SIZE = 256
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
# Far above any photo a phone takes (about 50 megapixels), far below a decompression bomb.
MAX_PIXELS = 80_000_000


class AvatarRefused(ValueError):
    """The upload cannot be an avatar; the message says why, for the person who sent it."""


def _read_image(upload: UploadedFile) -> Image.Image:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise AvatarRefused("That picture is over 2 MB. Please choose a smaller one (a phone photo resized will do).")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AvatarRefused("That picture is over 2 MB. Please choose a smaller one (a phone photo resized will do).")
    refused = AvatarRefused("That file is not a PNG, JPEG or WebP picture. Please choose one of those.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise AvatarRefused("That picture has too many pixels. Please choose a smaller one.")
            image.load()
    except AvatarRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise refused from error
    except (OSError, ValueError, SyntaxError) as error:  # truncated or corrupt
        raise AvatarRefused("That picture could not be read; it may be damaged. Please try another.") from error
    return image


def avatar_image(upload: UploadedFile) -> tuple[bytes, str]:
    """The avatar made from an upload: (encoded bytes, file extension)."""
    image = _read_image(upload)
    image = ImageOps.exif_transpose(image)  # a phone photo the right way up, before EXIF goes
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    square = ImageOps.fit(image, (SIZE, SIZE), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    # A new image from the pixels alone: no `info` (EXIF, ICC, XMP, comments) comes across.
    clean = Image.frombytes(square.mode, square.size, square.tobytes())
    out = io.BytesIO()
    if features.check("webp"):
        clean.save(out, format="WEBP", quality=85, method=4)
        return out.getvalue(), "webp"
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue(), "png"


def avatar_set(*, user: User, upload: UploadedFile) -> User:
    """Replace the user's avatar with one made from `upload` (AvatarRefused if it cannot be)."""
    data, extension = avatar_image(upload)
    previous = user.avatar.name if user.avatar else ""
    # A random name: the address says nothing about the account and changes with each picture.
    user.avatar.save(f"{secrets.token_urlsafe(12)}.{extension}", ContentFile(data), save=False)
    user.save(update_fields=["avatar"])
    if previous:
        user.avatar.storage.delete(previous)
    return user


def avatar_remove(*, user: User) -> User:
    if user.avatar:
        name = user.avatar.name
        user.avatar = ""
        user.save(update_fields=["avatar"])
        user._meta.get_field("avatar").storage.delete(name)
    return user
