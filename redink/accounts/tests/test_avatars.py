"""Avatars: real pictures made with Pillow, re-encoded to 256 px with no metadata left."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from redink.accounts.models import User
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def picture(fmt: str = "JPEG", size: tuple[int, int] = (800, 400), *, gps: bool = True) -> bytes:
    """A real picture with camera details and a GPS position in its EXIF."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (size[0] // 2 - 50, 0, size[0] // 2 + 50, size[1]))  # a blue middle
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model X"  # Model
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.9)})
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def owner(client):  # type: ignore[no-untyped-def]
    user = UserFactory(display_name="Picture Owner")
    client.force_login(user)
    return user


def upload(client, data: bytes, name: str = "me.jpg", content_type: str = "image/jpeg"):  # type: ignore[no-untyped-def]
    return client.post("/accounts/profile/avatar/", {"avatar": SimpleUploadedFile(name, data, content_type)})


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_upload_is_re_encoded_square_with_no_exif_or_gps(client, media, owner, fmt):
    original = picture(fmt)
    assert b"SecretCam" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    assert upload(client, original, name=f"me.{fmt.lower()}").status_code == 302
    owner.refresh_from_db()
    stored = Path(media) / owner.avatar.name
    data = stored.read_bytes()
    assert data != original and b"SecretCam" not in data and b"Model X" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format in ("WEBP", "PNG") and image.size == (256, 256)
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    # Centre-cropped: the blue middle of the wide picture fills the middle of the square.
    middle = image.convert("RGB").getpixel((128, 128))
    assert middle[2] > 150 and middle[0] < 100
    assert "me." not in owner.avatar.name, "the upload's own file name is not kept"


def test_the_uploaded_picture_replaces_the_generated_avatar_on_essays_and_the_profile(client, media, owner, essay):
    essay.author = owner
    essay.save()
    assert '<svg class="avatar"' in client.get(essay.get_absolute_url()).content.decode()
    upload(client, picture())
    owner.refresh_from_db()
    assert f'<img class="avatar" src="{owner.avatar.url}"' in client.get(essay.get_absolute_url()).content.decode()
    assert owner.avatar.url in client.get("/accounts/profile/").content.decode()


def test_a_new_picture_replaces_the_old_file_and_remove_goes_back_to_the_generated_one(client, media, owner):
    upload(client, picture())
    owner.refresh_from_db()
    first = Path(media) / owner.avatar.name
    upload(client, picture("PNG"))
    owner.refresh_from_db()
    second = Path(media) / owner.avatar.name
    assert second.exists() and not first.exists()
    assert client.post("/accounts/profile/avatar/remove/").status_code == 302
    owner.refresh_from_db()
    assert not owner.avatar and not second.exists()
    assert '<svg class="avatar"' in client.get("/accounts/profile/").content.decode()


def test_a_picture_over_2_mb_is_refused_with_a_clear_message(client, media, owner):
    big = picture("PNG", size=(50, 50), gps=False) + b"\0" * (2 * 1024 * 1024)
    response = upload(client, big, name="big.png", content_type="image/png")
    assert response.status_code == 400 and "That picture is over 2 MB" in response.content.decode()
    assert not User.objects.get(pk=owner.pk).avatar and not list(Path(media).rglob("*.*"))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"GIF89a" + b"\0" * 100, "me.png"),  # another format, named as an accepted one
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "me.jpg"),
        (b"just some text", "me.webp"),
    ],
)
def test_only_png_jpeg_and_webp_are_accepted_by_their_content(client, media, owner, data, name):
    response = upload(client, data, name=name)
    assert response.status_code == 400
    assert "not a PNG, JPEG or WebP picture" in response.content.decode()
    assert not User.objects.get(pk=owner.pk).avatar


def test_a_real_gif_named_jpg_is_refused(client, media, owner):
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(out, format="GIF")
    response = upload(client, out.getvalue(), name="me.jpg")
    assert response.status_code == 400 and "not a PNG, JPEG or WebP picture" in response.content.decode()


def test_a_damaged_picture_is_refused(client, media, owner):
    response = upload(client, picture()[:300])
    assert response.status_code == 400
    owner.refresh_from_db()
    assert not owner.avatar


def test_a_visitor_cannot_upload(client, media):
    assert upload(client, picture()).status_code == 302  # to the login page
    assert not list(Path(media).rglob("*.*"))
