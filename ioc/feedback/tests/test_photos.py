"""Photos: checked by their content at intake (type, size, count), then re-encoded in the background without
metadata, turned upright, with a thumbnail; an unreadable photo or a failing image library loses no report."""

import io
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from ..forms import ReportForm
from ..models import Report, ReportPhoto

GPS = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (21.0, 11.0, 10.0),
       ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (106.0, 4.0, 34.0)}


def image_upload(name="anh.jpg", size=(64, 48), fmt="JPEG", exif=None, content_type="image/jpeg"):
    """An image built in memory with Pillow, as the browser would upload it."""
    buffer = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt, **extra)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def report_data(categories, communes, **overrides):
    data = {"category": categories["lights"].pk,
            "description": "Đèn đường trước số 12 Lý Thái Tổ bị hỏng nhiều ngày, buổi tối rất tối.",
            "latitude": communes["kinh_bac"].latitude, "longitude": communes["kinh_bac"].longitude,
            "address": "", "reporter_name": "Nguyễn Văn An", "reporter_email": "an@example.vn",
            "reporter_phone": "", "consent": "on", "submission_token": str(uuid.uuid4())}
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def media_and_limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def photo_errors(categories, communes, files):
    form = ReportForm(report_data(categories, communes), {"photos": files})
    assert not form.is_valid()
    return " ".join(form.errors.get("photos", []))


def test_it_accepts_jpeg_png_and_webp(categories, communes):
    files = [image_upload("a.jpg"), image_upload("b.png", fmt="PNG", content_type="image/png"),
             image_upload("c.webp", fmt="WEBP", content_type="image/webp")]
    form = ReportForm(report_data(categories, communes), {"photos": files})
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["photos"]) == 3


def test_it_refuses_more_than_five_photos(categories, communes):
    errors = photo_errors(categories, communes, [image_upload(f"{i}.jpg") for i in range(6)])
    assert "tối đa 5 ảnh" in errors and "6 ảnh" in errors


def test_it_refuses_a_file_that_is_not_an_image_whatever_its_name(categories, communes):
    fake = SimpleUploadedFile("hoa-don.jpg", b"%PDF-1.4 this is not a picture", content_type="image/jpeg")
    assert "“hoa-don.jpg” không phải là ảnh JPEG, PNG hoặc WebP" in photo_errors(categories, communes, [fake])


def test_it_refuses_other_image_formats(categories, communes):
    gif = image_upload("dong.gif", fmt="GIF", content_type="image/gif")
    assert "“dong.gif” không phải là ảnh" in photo_errors(categories, communes, [gif])


def test_it_refuses_a_photo_over_10_mb(categories, communes):
    big = SimpleUploadedFile("rat-lon.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), content_type="image/jpeg")
    errors = photo_errors(categories, communes, [big])
    assert "“rat-lon.jpg”" in errors and "vượt quá giới hạn 10 MB" in errors


def test_it_names_every_bad_file_and_keeps_good_ones_out_of_the_error(categories, communes):
    errors = photo_errors(categories, communes, [image_upload("tot.jpg"),
                                                 SimpleUploadedFile("xau.jpg", b"nope", content_type="image/jpeg"),
                                                 SimpleUploadedFile("xau2.png", b"nope", content_type="image/png")])
    assert "xau.jpg" in errors and "xau2.png" in errors and "tot.jpg" not in errors


def test_the_form_page_shows_photo_errors_at_the_field(client, categories, communes):
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(reverse("feedback:submit"), {**report_data(categories, communes), "photos": [fake]})
    assert response.status_code == 200
    assert "“virus.jpg” không phải là ảnh JPEG, PNG hoặc WebP hợp lệ." in response.content.decode()
    assert Report.objects.count() == 0


def _submit_with(client, categories, communes, upload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feedback:submit"), {**report_data(categories, communes), "photos": [upload]})
    assert response.status_code == 302
    return Report.objects.get().photos.get()


def test_processing_strips_metadata_applies_orientation_and_makes_a_thumbnail(
        client, categories, communes, django_capture_on_commit_callbacks):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: must be turned 90°
    exif[ExifTags.Base.Make] = "Máy ảnh thử"
    exif[ExifTags.IFD.GPSInfo] = GPS
    upload = image_upload("hien-truong.jpg", size=(1600, 800), exif=exif)
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS
    upload.seek(0)

    photo = _submit_with(client, categories, communes, upload, django_capture_on_commit_callbacks)

    assert photo.is_ready and photo.error == ""
    assert not photo.upload  # the original, with its metadata, is gone
    with photo.image.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (800, 1600)  # upright
    assert len(image.getexif()) == 0 and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" not in data[:4096]
    with photo.thumbnail.open("rb") as handle:
        thumb = Image.open(io.BytesIO(handle.read()))
    assert max(thumb.size) <= 320 and thumb.size[1] > thumb.size[0]


def test_an_unreadable_photo_records_the_error_and_keeps_the_report(
        client, categories, communes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("feedback:submit"),
                               {**report_data(categories, communes), "photos": [image_upload("hong.jpg")]})
    assert response.status_code == 302
    photo = ReportPhoto.objects.get()
    with open(photo.upload.path, "wb") as handle:  # the stored upload turns unreadable before processing
        handle.write(b"garbage, not a JPEG any more")
    for callback in callbacks:
        callback()

    photo.refresh_from_db()
    report = Report.objects.get()
    assert not photo.is_ready and photo.error
    assert report.code in response["Location"]
    page = client.get(reverse("feedback:track", args=[report.code]))
    assert page.status_code == 200 and "Ảnh hiện trường 1" not in page.content.decode()


def test_a_crashing_image_library_loses_no_report(client, categories, communes, monkeypatch,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("feedback:submit"),
                               {**report_data(categories, communes), "photos": [image_upload()]})

    def crash(*args, **kwargs):
        raise RuntimeError("image library crashed")

    monkeypatch.setattr(Image, "open", crash)
    for callback in callbacks:
        callback()

    report = Report.objects.get()
    assert report.code in response["Location"]
    assert report.photos.get().is_ready is False
    monkeypatch.undo()
    assert client.get(reverse("feedback:track", args=[report.code])).status_code == 200


def test_ready_photos_are_served_without_metadata_from_the_report_page(
        client, categories, communes, django_capture_on_commit_callbacks):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    photo = _submit_with(client, categories, communes, image_upload(exif=exif), django_capture_on_commit_callbacks)
    page = client.get(reverse("feedback:track", args=[photo.report.code])).content.decode()
    thumb_url = reverse("feedback:photo", args=[photo.report.code,
                                                photo.thumbnail.name.rsplit("/", 1)[-1].removesuffix(".jpg")])
    full_url = reverse("feedback:photo", args=[photo.report.code,
                                               photo.image.name.rsplit("/", 1)[-1].removesuffix(".jpg")])
    assert f'src="{thumb_url}"' in page and f'href="{full_url}"' in page
    response = client.get(full_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    served = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert not served.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    missing = reverse("feedback:photo", args=[photo.report.code, "0" * 32])
    assert client.get(missing).status_code == 404
