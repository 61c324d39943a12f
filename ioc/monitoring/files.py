"""Files agencies upload (CSV and XLSX) and the templates they download to fill in.

`read_table()` finds the header row by its Vietnamese (or English) column names, accent-insensitive, and returns
the rows with their spreadsheet row numbers, so every error points at the row people see in Excel. CSV is read as
UTF-8 (with or without BOM), falling back to Windows-1258 (Vietnamese Windows) and then Windows-1252; the
delimiter is a comma, a semicolon or a tab. `observation_template()` / `reading_template()` build the files to fill
in, with drop-down lists in XLSX.
"""

import csv
import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.areas import search_key

from . import ingest
from .models import VN_TZ, Frequency, Quality

MAX_BYTES_DEFAULT = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
PREVIEW_ROWS = 20

ALIASES = {
    "indicator": ("ma chi tieu", "chi tieu", "indicator", "indicator code", "ma chi so"),
    "area": ("dia ban", "ma dia ban", "xa phuong", "area", "area code", "don vi hanh chinh"),
    "period": ("ky so lieu", "ky", "ky bao cao", "period"),
    "value": ("gia tri", "so lieu", "value"),
    "quality": ("chat luong", "chat luong so lieu", "quality"),
    "note": ("ghi chu", "note", "notes"),
    "station": ("ma tram", "tram", "station", "station code"),
    "metric": ("ma dai luong", "dai luong", "metric", "metric code"),
    "time": ("thoi diem do", "thoi diem", "thoi gian", "thoi gian do", "time", "timestamp"),
}
TARGET_FIELDS = {ingest.OBSERVATIONS: ingest.OBSERVATION_FIELDS, ingest.READINGS: ingest.READING_FIELDS}
TARGET_REQUIRED = {ingest.OBSERVATIONS: ingest.OBSERVATION_REQUIRED, ingest.READINGS: ingest.READING_FIELDS}


def max_bytes():
    return getattr(settings, "IOC_UPLOAD_MAX_BYTES", MAX_BYTES_DEFAULT)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileProblem(Exception):
    """The file cannot be read at all (wrong type, damaged, too large, empty)."""


@dataclass
class Table:
    target: str
    header_row: int = 1
    columns: dict = field(default_factory=dict)  # field → 0-based column index
    headers: list = field(default_factory=list)  # header texts as written
    rows: list = field(default_factory=list)  # (row number, list of cells)
    missing: list = field(default_factory=list)  # required fields without a column

    def records(self):
        """(row number, {field: cell}) for every data row."""
        columns = self.columns
        for row, cells in self.rows:
            yield row, {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}

    def column_letters(self):
        return {name: _letter(i) for name, i in self.columns.items()}

    def preview(self, limit=PREVIEW_ROWS):
        order = [name for name in TARGET_FIELDS[self.target] if name in self.columns]
        rows = []
        for row, record in list(self.records())[:limit]:
            rows.append([row] + [_display(record.get(name)) for name in order])
        return {"fields": order, "rows": rows}


def _letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _display(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_key(text):
    if text is None:
        return ""
    text = str(text).split("(")[0].replace("*", "")
    return search_key(text)


_ALIAS_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def _match_header(cells, target):
    wanted = set(TARGET_FIELDS[target])
    columns = {}
    for index, cell in enumerate(cells):
        name = _ALIAS_LOOKUP.get(_header_key(cell))
        if name in wanted and name not in columns:
            columns[name] = index
    return columns


def _is_blank(cells):
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(filename, data: bytes, target) -> Table:
    """Rows of an uploaded CSV or XLSX file. Raises FileProblem for a file that cannot be read."""
    if target not in ingest.TARGETS:
        raise FileProblem(_("Loại số liệu không hợp lệ."))
    if len(data) > max_bytes():
        raise FileProblem(_("Tệp lớn quá %(mb)s MB; hãy chia thành nhiều tệp.") % {"mb": max_bytes() // (1024 * 1024)})
    if not data:
        raise FileProblem(_("Tệp trống."))
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        raw_rows = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        raw_rows = _csv_rows(data)
    elif name.endswith(".xls"):
        raise FileProblem(_("Tệp .xls (Excel 97–2003) không được hỗ trợ; hãy mở bằng Excel và lưu lại dưới dạng "
                            ".xlsx hoặc CSV UTF-8."))
    else:
        raise FileProblem(_("Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx); tệp “%(name)s” không đúng định dạng.")
                          % {"name": filename})
    table = Table(target)
    limit = ingest.max_rows()
    header_found = False
    for row_number, cells in raw_rows:
        if not header_found:
            if row_number > HEADER_SEARCH_ROWS:
                break
            columns = _match_header(cells, target)
            if len(columns) >= 2:
                header_found = True
                table.header_row, table.columns = row_number, columns
                table.headers = [_display(c) for c in cells]
            continue
        if _is_blank(cells):
            continue
        table.rows.append((row_number, list(cells)))
        if len(table.rows) > limit:
            raise FileProblem(_("Tệp có hơn %(limit)s dòng số liệu; hãy chia thành nhiều tệp.") % {"limit": limit})
    if not header_found:
        labels = ingest.field_labels()
        raise FileProblem(_("Không tìm thấy dòng tiêu đề trong %(n)s dòng đầu của tệp. Dòng tiêu đề cần có các cột: "
                            "%(columns)s (hãy dùng tệp mẫu).")
                          % {"n": HEADER_SEARCH_ROWS,
                             "columns": ", ".join(str(labels[f]) for f in TARGET_REQUIRED[target])})
    table.missing = [f for f in TARGET_REQUIRED[target] if f not in table.columns]
    return table


def _decode(data: bytes) -> str:
    # Windows-1258 writes most Vietnamese letters as a base letter plus a combining tone mark: compose them.
    return unicodedata.normalize("NFC", _decode_raw(data))


def _decode_raw(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1258", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("Không đọc được bảng mã của tệp CSV; hãy lưu tệp dưới dạng “CSV UTF-8”."))


def _csv_rows(data):
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(_("Tệp không phải là văn bản CSV."))
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(number, [c.strip() for c in cells]) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise FileProblem(_("Tệp CSV bị lỗi cấu trúc: %(error)s.") % {"error": exc}) from None


def _xlsx_rows(data):
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileProblem(_("Tệp không phải là tệp Excel .xlsx hợp lệ (có thể đã bị hỏng hoặc đổi đuôi tên)."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise FileProblem(_("Không mở được tệp Excel; tệp có thể đã bị hỏng.")) from None
    try:
        sheet = None
        for candidate in workbook.worksheets:
            if search_key(candidate.title) in ("so lieu", "data"):
                sheet = candidate
                break
        sheet = sheet or workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(cells)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            rows.append((number, [c.strip() if isinstance(c, str) else c for c in cells]))
        return rows
    except FileProblem:
        raise
    except Exception:
        raise FileProblem(_("Không đọc được nội dung tệp Excel; tệp có thể đã bị hỏng.")) from None
    finally:
        workbook.close()


# --- Templates ------------------------------------------------------------------------------------


def example_period(frequency, today=None):
    """The last complete period of a frequency, as the template shows it."""
    today = today or timezone.localdate()
    if frequency == Frequency.DAILY:
        return (today - timedelta(days=1)).isoformat()
    if frequency == Frequency.MONTHLY:
        first = today.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    if frequency == Frequency.QUARTERLY:
        quarter = (today.month - 1) // 3
        year = today.year if quarter else today.year - 1
        return f"{year:04d}-Q{quarter or 4}"
    return str(today.year - 1)


def _observation_headers():
    labels = ingest.field_labels()
    return [str(labels[f]) for f in ingest.OBSERVATION_FIELDS]


def _reading_headers():
    labels = ingest.field_labels()
    return [str(labels[f]) for f in ingest.READING_FIELDS]


def _area_choice(area):
    return f"{area.code} - {area.name}"


def observation_examples(indicators, areas):
    examples = []
    sample_areas = [a for a in areas][:2] or []
    for indicator in indicators[:5]:
        for area in sample_areas[:1]:
            value = indicator.target if indicator.target is not None else 100
            examples.append([indicator.code, _area_choice(area), example_period(indicator.frequency),
                             str(value).replace(".", ","), str(Quality.OFFICIAL.label),
                             _("Dòng ví dụ – thay bằng số liệu thật")])
    return examples


def reading_examples(stations, metrics):
    moment = timezone.now().astimezone(VN_TZ).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    examples = []
    for station in stations[:2]:
        for metric in metrics[:2]:
            low = metric.min_valid if metric.min_valid is not None else 0
            examples.append([station.code, metric.code, moment.strftime("%Y-%m-%d %H:%M"),
                             str(round(low + 10, metric.decimals)).replace(".", ",")])
    return examples


def _csv_bytes(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _styled_header(sheet, headers, widths):
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="A50F15")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for index, width in enumerate(widths):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _list_sheet(workbook, title, headers, rows):
    sheet = workbook.create_sheet(title)
    _styled_header(sheet, headers, [28] + [40] * (len(headers) - 1))
    for row in rows:
        sheet.append(row)
    return sheet


def _validation(sheet, formula, column, prompt, last_row):
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    rule.errorTitle = _("Giá trị không có trong danh mục")
    rule.error = prompt
    rule.promptTitle = _("Chọn trong danh mục")
    rule.prompt = prompt
    rule.showInputMessage = True
    sheet.add_data_validation(rule)
    rule.add(f"{column}2:{column}{last_row}")


def _workbook_bytes(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TEMPLATE_ROWS = 5000


def observation_template(indicators, areas, fmt):
    """A file to fill in with observations of the given indicators: (bytes, content type, extension)."""
    indicators, areas = list(indicators), list(areas)
    headers = _observation_headers()
    examples = observation_examples(indicators, areas)
    if fmt == "csv":
        return _csv_bytes(headers, examples), "text/csv; charset=utf-8", "csv"
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Số liệu")
    _styled_header(sheet, headers, [28, 34, 14, 14, 16, 40])
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet.cell(row=row, column=3).number_format = "@"  # periods stay text ("2025-03", not a date)
    _list_sheet(workbook, _("Chỉ tiêu"), [_("Mã chỉ tiêu"), _("Tên chỉ tiêu"), _("Đơn vị tính"), _("Tần suất"),
                                          _("Ghi kỳ số liệu theo")],
                [[i.code, i.name, i.unit_of_measure, str(i.get_frequency_display()),
                  ingest.period_hint(i.frequency)] for i in indicators])
    _list_sheet(workbook, _("Địa bàn"), [_("Địa bàn (mã - tên)"), _("Tên")],
                [[_area_choice(a), a.name] for a in areas])
    guide = _list_sheet(workbook, _("Hướng dẫn"), headers, examples)
    guide.insert_rows(1, 3)
    guide["A1"] = _("Các dòng dưới là ví dụ. Nhập số liệu vào trang “Số liệu”, mỗi dòng một chỉ tiêu × địa bàn × kỳ.")
    guide["A2"] = _("Địa bàn: mã hoặc tên tỉnh, xã, phường (tên, mã cũ trước 1/7/2025 được quy về xã, phường mới). "
                    "Giá trị: số, phần thập phân dùng dấu phẩy hoặc dấu chấm. Chất lượng, ghi chú: không bắt buộc.")
    quality = ",".join(str(q.label) for q in ingest.QUALITY_INPUTS)
    if indicators:
        _validation(sheet, f"'{_('Chỉ tiêu')}'!$A$2:$A${len(indicators) + 1}", "A",
                    _("Chọn mã chỉ tiêu trong trang “Chỉ tiêu”."), TEMPLATE_ROWS + 1)
    if areas:
        _validation(sheet, f"'{_('Địa bàn')}'!$A$2:$A${len(areas) + 1}", "B",
                    _("Chọn xã, phường hoặc toàn tỉnh trong trang “Địa bàn”."), TEMPLATE_ROWS + 1)
    _validation(sheet, f'"{quality}"', "E", _("Chính thức, sơ bộ, ước tính hoặc cần kiểm tra."), TEMPLATE_ROWS + 1)
    return (_workbook_bytes(workbook), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


def reading_template(stations, metrics, fmt):
    """A file to fill in with readings of the given stations: (bytes, content type, extension)."""
    stations, metrics = list(stations), list(metrics)
    headers = _reading_headers()
    examples = reading_examples(stations, metrics)
    if fmt == "csv":
        return _csv_bytes(headers, examples), "text/csv; charset=utf-8", "csv"
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Số liệu")
    _styled_header(sheet, headers, [24, 20, 24, 14])
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet.cell(row=row, column=3).number_format = "@"
    _list_sheet(workbook, _("Trạm"), [_("Mã trạm"), _("Tên trạm"), _("Loại trạm")],
                [[s.code, s.name, str(s.get_kind_display())] for s in stations])
    _list_sheet(workbook, _("Đại lượng"), [_("Mã đại lượng"), _("Tên"), _("Đơn vị đo"), _("Khoảng hợp lệ")],
                [[m.code, m.name, m.unit_of_measure, _range_text(m)] for m in metrics])
    guide = _list_sheet(workbook, _("Hướng dẫn"), headers, examples)
    guide.insert_rows(1, 2)
    guide["A1"] = _("Các dòng dưới là ví dụ. Thời điểm đo: ISO 8601 (2025-03-15T08:00:00+07:00) hoặc "
                    "“2025-03-15 08:00” / “15/03/2025 08:00” theo giờ Việt Nam.")
    if stations:
        _validation(sheet, f"'{_('Trạm')}'!$A$2:$A${len(stations) + 1}", "A", _("Chọn mã trạm trong trang “Trạm”."),
                    TEMPLATE_ROWS + 1)
    if metrics:
        _validation(sheet, f"'{_('Đại lượng')}'!$A$2:$A${len(metrics) + 1}", "B",
                    _("Chọn mã đại lượng trong trang “Đại lượng”."), TEMPLATE_ROWS + 1)
    return (_workbook_bytes(workbook), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


def _range_text(metric):
    if metric.min_valid is None and metric.max_valid is None:
        return ""
    low = "" if metric.min_valid is None else metric.min_valid
    high = "" if metric.max_valid is None else metric.max_valid
    return f"{low} – {high}"


def error_report_csv(batch, letters=None):
    """The errors of a batch as a CSV file people open in Excel."""
    labels = ingest.field_labels()
    letters = letters or batch.summary.get("columns", {})
    rows = []
    for error in batch.errors or []:
        column = error.get("column") or ""
        label = str(labels.get(column, column))
        if column in letters:
            label = f"{label} ({_('cột')} {letters[column]})"
        rows.append([error.get("row") or "", label, error.get("message", "")])
    return _csv_bytes([_("Dòng"), _("Cột"), _("Lỗi")], rows)

