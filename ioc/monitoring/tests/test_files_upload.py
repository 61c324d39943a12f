"""File upload: good and bad files, every kind of error at its row, preview → all-or-nothing commit, re-sending,
encodings, templates, and who may see what."""

import csv
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ioc.core.models import AuditEvent
from ioc.monitoring.models import BatchStatus, IngestBatch, Observation, Reading

from .ingest_fixtures import *  # noqa: F403
from .ingest_fixtures import recent_hour

UPLOAD = "/giam-sat/nhap-so-lieu/"
OBS_HEADER = ["Mã chỉ tiêu", "Địa bàn", "Kỳ số liệu", "Giá trị", "Chất lượng", "Ghi chú"]
READ_HEADER = ["Mã trạm", "Mã đại lượng", "Thời điểm đo", "Giá trị"]


def csv_bytes(rows, delimiter=",", encoding="utf-8", bom=False):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = to_cp1258(out.getvalue()) if encoding == "cp1258" else out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text):
    """Encode as Vietnamese Windows does: precomposed base letters, separate tone marks."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in decomposed if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def xlsx_bytes(rows, title="Số liệu"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, name, data, target="observations", **extra):
    return client.post(UPLOAD, {"target": target, "file": SimpleUploadedFile(name, data), **extra})


def batch_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    public_id = response["Location"].rstrip("/").split("/")[-1]
    return IngestBatch.objects.get(public_id=public_id)


def confirm(client, batch):
    return client.post(reverse("monitoring:upload_confirm", args=[batch.public_id]))


def error_places(batch):
    return sorted((e["row"] or 0, e["column"]) for e in batch.errors)


@pytest.fixture
def officer(world, signed_in, media):
    return signed_in(world["people"]["officer"])


def test_a_good_readings_file_is_previewed_then_written(officer, world):
    hour = recent_hour()
    rows = [READ_HEADER, ["KK-01", "pm25", hour.strftime("%Y-%m-%d %H:%M"), "35,5"],
            ["KK-01", "pm10", hour.strftime("%d/%m/%Y %H:%M"), "61.25"]]
    batch = batch_of(upload(officer, "quan-trac.csv", csv_bytes(rows), target="readings"))
    assert batch.status == BatchStatus.PREVIEW and batch.errors == [] and batch.rows_received == 2
    assert Reading.objects.count() == 0  # nothing before the confirmation
    page = officer.get(reverse("monitoring:upload_batch", args=[batch.public_id]))
    assert page.status_code == 200 and "Ghi số liệu" in page.content.decode()
    response = confirm(officer, batch)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED and batch.rows_written == 2
    assert sorted(Reading.objects.values_list("value", flat=True)) == [35.5, 61.25]
    assert Reading.objects.filter(t=int(hour.timestamp())).count() == 2
    assert AuditEvent.objects.filter(object_type="monitoring.ingestbatch", object_id=str(batch.pk),
                                     actor=world["people"]["officer"]).count() == 1
    # Confirming twice writes nothing more.
    confirm(officer, batch)
    assert AuditEvent.objects.filter(object_type="monitoring.ingestbatch", object_id=str(batch.pk)).count() == 1


def test_every_kind_of_error_is_reported_at_its_row(officer, world):
    rows = [
        OBS_HEADER,
        ["khong-co", "07210", "2025-03", "10", "", ""],  # 2: unknown indicator
        ["nha-o-kien-co", "Phường Không Tồn Tại", "2025-03", "10", "", ""],  # 3: unknown area
        ["nha-o-kien-co", "07210", "2025-13", "10", "", ""],  # 4: bad period
        ["nha-o-kien-co", "07210", "2025-04", "mười", "", ""],  # 5: not a number
        ["giuong-benh", "07210", "2025-03", "80", "", ""],  # 6: another unit's indicator
        ["nha-o-kien-co", "Song Khê", "2025-05", "10,5", "sơ bộ", "tên cũ"],  # 7: former commune → fine
        ["nha-o-kien-co", "Phường Bắc Giang", "05/2025", "11", "", ""],  # 8: duplicate of row 7
        ["nha-o-kien-co", "07210", "2025-06", "10", "tuyệt vời", ""],  # 9: bad quality
        ["bui-pm25", "07210", "2025-06", "10", "", ""],  # 10: real-time indicator, not by period
        ["nha-o-kien-co", "Huyện Yên Dũng", "2025-06", "10", "", ""],  # 11: a former district
        ["nha-o-kien-co", "", "2025-07", "", "", ""],  # 12: missing area and value
    ]
    batch = batch_of(upload(officer, "chi-tieu.csv", csv_bytes(rows)))
    assert batch.status == BatchStatus.REJECTED
    assert error_places(batch) == [(2, "indicator"), (3, "area"), (4, "period"), (5, "value"), (6, "indicator"),
                                   (8, "period"), (9, "quality"), (10, "indicator"), (11, "area"), (12, "area"),
                                   (12, "value")]
    messages = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "khong-co" in messages[(2, "indicator")]
    assert "Sở Y tế" in messages[(6, "indicator")]
    assert "dòng 7" in messages[(8, "period")]
    assert "huyện cũ" in messages[(11, "area")]
    page = officer.get(reverse("monitoring:upload_batch", args=[batch.public_id])).content.decode()
    import html
    for message in messages.values():
        assert html.escape(message) in page
    assert "Ghi số liệu</button>" not in page
    assert "11 lỗi (CSV)" in officer.get(UPLOAD).content.decode()  # the history counts them
    # All or nothing: a confirmation is refused and writes nothing.
    confirm(officer, batch)
    assert Observation.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED
    report = officer.get(reverse("monitoring:upload_errors", args=[batch.public_id]))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0] == ["Dòng", "Cột", "Lỗi"] and len(lines) == 12
    assert lines[1][:2] == ["2", "Mã chỉ tiêu (cột A)"]


def test_a_good_observations_workbook_is_written_with_a_former_commune_resolved(officer, world):
    rows = [OBS_HEADER,
            ["nha-o-kien-co", "07210 - Phường Bắc Giang", "2025-03", 87.5, "chính thức", ""],
            ["nha-o-kien-co", "Xa Song Khe", "2025-04", "88,1", None, "ghi theo tên xã cũ"],
            ["giay-phep-xay-dung", "24", "Q1/2025", 120, "sơ bộ", ""]]
    batch = batch_of(upload(officer, "chi-tieu.xlsx", xlsx_bytes(rows)))
    assert batch.errors == [] and batch.status == BatchStatus.PREVIEW
    confirm(officer, batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    current = Observation.objects.filter(is_current=True, batch=batch)
    values = {(o.indicator.code, o.area.code, o.period.isoformat()): o.value for o in current}
    assert values[("nha-o-kien-co", "07210", "2025-03-01")] == 87.5
    assert values[("nha-o-kien-co", "07210", "2025-04-01")] == 88.1  # Song Khê became Phường Bắc Giang
    assert values[("giay-phep-xay-dung", "24", "2025-01-01")] == 120
    assert current.get(indicator__code="giay-phep-xay-dung").quality == "preliminary"


def test_a_missing_column_is_reported_at_the_header(officer, world):
    rows = [["Mã chỉ tiêu", "Địa bàn", "Kỳ số liệu"], ["nha-o-kien-co", "07210", "2025-03"]]
    batch = batch_of(upload(officer, "thieu-cot.csv", csv_bytes(rows)))
    assert batch.status == BatchStatus.REJECTED
    assert error_places(batch) == [(1, "value")]
    assert "Giá trị" in batch.errors[0]["message"]


def test_the_file_is_validated_again_on_confirmation(officer, world):
    rows = [OBS_HEADER, ["nha-o-kien-co", "07210", "2025-03", "10", "", ""]]
    batch = batch_of(upload(officer, "chi-tieu.csv", csv_bytes(rows)))
    assert batch.status == BatchStatus.PREVIEW
    world["housing"].is_active = False
    world["housing"].save()
    confirm(officer, batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REJECTED and error_places(batch) == [(2, "indicator")]
    assert Observation.objects.count() == 0


def test_the_same_file_is_not_written_twice(officer, world):
    hour = recent_hour()
    data = csv_bytes([READ_HEADER, ["KK-01", "pm25", hour.isoformat(), "5"]])
    first = batch_of(upload(officer, "lan-1.csv", data, target="readings"))
    confirm(officer, first)
    again = batch_of(upload(officer, "lan-2.csv", data, target="readings"))
    assert again.status == BatchStatus.REJECTED and again.errors[0]["column"] == "file"
    assert "đã được ghi" in again.errors[0]["message"]
    assert Reading.objects.count() == 1


def test_the_same_form_sent_twice_gives_the_same_batch(officer, world):
    data = csv_bytes([OBS_HEADER, ["nha-o-kien-co", "07210", "2025-03", "10", "", ""]])
    first = batch_of(upload(officer, "a.csv", data, idempotency_key="form-123"))
    second = batch_of(upload(officer, "a.csv", data, idempotency_key="form-123"))
    assert first.pk == second.pk
    assert IngestBatch.objects.count() == 1


@pytest.mark.parametrize("name,data,words", [
    ("bao-cao.pdf", b"%PDF-1.4", "CSV"),
    ("bao-cao.xls", b"\xd0\xcf\x11\xe0", ".xlsx"),
    ("hong.xlsx", b"day khong phai excel", "Excel"),
    ("trong.csv", b"", "trống"),
    ("khong-tieu-de.csv", b"a,b,c\n1,2,3\n", "tiêu đề"),
])
def test_unreadable_files_get_a_clear_message(officer, world, name, data, words):
    response = upload(officer, name, data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert IngestBatch.objects.count() == 0


def test_a_file_too_large_is_refused(officer, world, settings):
    settings.IOC_UPLOAD_MAX_BYTES = 100
    response = upload(officer, "lon.csv", csv_bytes([OBS_HEADER] + [["nha-o-kien-co", "07210", "2025-03", "1", "",
                                                                     ""]] * 10))
    assert response.status_code == 400 and "MB" in response.content.decode()


@pytest.mark.parametrize("encoding,bom,delimiter", [("utf-8", True, ","), ("cp1258", False, ";"),
                                                    ("utf-8", False, "\t")])
def test_encodings_and_delimiters(officer, world, encoding, bom, delimiter):
    rows = [OBS_HEADER, ["nha-o-kien-co", "Phường Bắc Giang", "03/2025", "12,5", "ước tính", "Ghi chú có dấu"]]
    batch = batch_of(upload(officer, "chi-tieu.csv", csv_bytes(rows, delimiter, encoding, bom)))
    assert batch.errors == [], batch.errors
    assert batch.summary["preview"]["rows"][0][-1] == "Ghi chú có dấu"


def test_templates_hold_the_units_indicators_and_read_back_without_errors(officer, world):
    response = officer.get(reverse("monitoring:upload_template", args=["chi-tieu"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    data_sheet = workbook["Số liệu"]
    assert [c.value for c in data_sheet[1]] == OBS_HEADER
    assert data_sheet.data_validations.dataValidation, "drop-down lists for codes, areas and quality"
    codes = [row[0] for row in workbook["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)]
    assert set(codes) == {"nha-o-kien-co", "giay-phep-xay-dung"}  # not Sở Y tế's, not the real-time one
    csv_template = officer.get(reverse("monitoring:upload_template", args=["chi-tieu"]) + "?dinh-dang=csv")
    assert csv_template.content.startswith(b"\xef\xbb\xbf")
    batch = batch_of(upload(officer, "mau.csv", csv_template.content))
    assert batch.errors == [] and batch.rows_received == 2
    readings = officer.get(reverse("monitoring:upload_template", args=["quan-trac"]) + "?dinh-dang=csv")
    batch = batch_of(upload(officer, "mau-qt.csv", readings.content, target="readings"))
    assert batch.errors == [] and batch.rows_received == 2  # KK-01 × pm25, pm10: only the unit's station
    assert officer.get(reverse("monitoring:upload_template", args=["khac"])).status_code == 404


def test_access(world, signed_in, client, media):
    assert client.get(UPLOAD).status_code == 302
    assert signed_in(world["people"]["citizen"]).get(UPLOAD).status_code == 403
    officer = signed_in(world["people"]["officer"])
    batch = batch_of(upload(officer, "a.csv", csv_bytes([OBS_HEADER, ["nha-o-kien-co", "07210", "2025-03", "1",
                                                                       "", ""]])))
    other = signed_in(world["people"]["other_officer"])
    assert other.get(reverse("monitoring:upload_batch", args=[batch.public_id])).status_code == 403
    assert other.post(reverse("monitoring:upload_confirm", args=[batch.public_id])).status_code == 403
    assert batch.filename not in other.get(UPLOAD).content.decode()
    head = signed_in(world["people"]["head"])  # the same unit
    assert batch.filename in head.get(UPLOAD).content.decode()
    operator = signed_in(world["people"]["operator"])
    assert operator.get(reverse("monitoring:upload_batch", args=[batch.public_id])).status_code == 200


def test_cancel(officer, world):
    batch = batch_of(upload(officer, "a.csv", csv_bytes([OBS_HEADER, ["nha-o-kien-co", "07210", "2025-03", "1", "",
                                                                      ""]])))
    officer.post(reverse("monitoring:upload_cancel", args=[batch.public_id]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    confirm(officer, batch)
    assert Observation.objects.count() == 0
