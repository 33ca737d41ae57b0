"""Small helpers around openpyxl for the lists officials keep in Excel."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SpreadsheetError(ValueError):
    pass


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, notes: Sequence[str] = ()) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B5D55")
    for row in rows:
        ws.append(list(row))
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(str(header)) * 2 + 4))
    ws.freeze_panes = "A2"
    if notes:
        info = wb.create_sheet("说明 Notes")
        for line in notes:
            info.append([line])
        info.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def read_rows(upload: Any, *, max_rows: int) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header row and the data rows (with their 1-based sheet row numbers) of the first sheet."""
    if getattr(upload, "size", 0) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(_("The file is larger than 10 MB."))
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not xlsx
        raise SpreadsheetError(_("This is not a readable .xlsx file.")) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(c).strip() if c is not None else "" for c in next(rows)]
    except StopIteration:
        raise SpreadsheetError(_("The first sheet is empty.")) from None
    data: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        data.append((number, list(values)))
        if len(data) > max_rows:
            raise SpreadsheetError(_("The file has more than %(n)d rows.") % {"n": max_rows})
    wb.close()
    return header, data
