"""Checks made before a workbook is parsed: zip bombs, XML entity bombs, formulas and error cells.

An .xlsx / .xlsm / .ods file is a zip of XML parts. A hostile one can declare tiny parts that
inflate to gigabytes, or XML that defines entities expanding exponentially ("billion
laughs"). Both are refused with a message before any parser sees them. The same pass finds
formula cells (their cached values are used, with a warning) and Excel error cells such as
#REF!, which python-calamine would otherwise return as empty.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from placement_planner.io.problems import WorkbookError

MAX_UNCOMPRESSED_BYTES = 1_500_000_000     # 1.5 GB of XML: far beyond any real planning workbook
MAX_RATIO = 500                             # a part inflating 500x or more is treated as a bomb...
RATIO_CHECK_MIN_BYTES = 50_000_000          # ...when it is also large
EXCEL_ERRORS = ("#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")

_CELL = re.compile(rb'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb'<v>([^<]*)</v>')
_DTD = re.compile(rb'<!(?:DOCTYPE|ENTITY)', re.I)
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass
class CellNotes:
    """Per sheet name: formula cells and error cells as (Excel row, 0-based column[, error text])."""

    formulas: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    errors: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)     # rows holding a value (stops past the limit)


def check_zip_container(path: Path, max_rows: int = 1_048_576) -> CellNotes:
    """Refuse zip and XML bombs; return formula and error cells of an .xlsx/.xlsm."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise WorkbookError(path, "the file is not a valid workbook (it is not a zip package as .xlsx and "
                                  ".ods files are). It may be damaged or have the wrong extension.") from None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise WorkbookError(path, f"the workbook would unpack to {total / 1e9:.1f} GB, more than the "
                                      f"{MAX_UNCOMPRESSED_BYTES / 1e9:.1f} GB the planner accepts. It may be a "
                                      f"'zip bomb'; if it is genuine, split it into smaller workbooks.")
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_RATIO:
                raise WorkbookError(path, f"part '{info.filename}' inflates {ratio:,.0f} times; the file looks "
                                          f"like a 'zip bomb' and was not opened.")
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _has_dtd(archive, info):
                raise WorkbookError(path, f"part '{info.filename}' declares XML entities, which spreadsheets "
                                          f"never need (a possible 'billion laughs' attack). It was not opened.")
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            return _cell_notes(archive, path, max_rows)
    return CellNotes()


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as fh:
        head = fh.read(4096)
    return bool(_DTD.search(head))


def _sheet_parts(archive: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """{sheet name: zip part} from workbook.xml and its relationships, parsed with defusedxml."""
    try:
        book = SafeET.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise WorkbookError(path, f"the workbook's structure is unsafe or damaged ({exc}).") from None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        target = target.lstrip("/")
        parts[sheet.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
    return parts


_CHUNK_BYTES = 4 << 20      # sheet XML is scanned in pieces of this size (bounded memory)
_ROW_END = b"</row>"
_VALUE_END, _INLINE_END = b"</v>", b"</is>"


def _cell_notes(archive: zipfile.ZipFile, path: Path, max_rows: int) -> CellNotes:
    notes = CellNotes()
    for name, part in _sheet_parts(archive, path).items():
        try:
            info = archive.getinfo(part)
        except KeyError:
            continue
        _scan_sheet(archive, info, name, notes, max_rows)
    return notes


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, notes: CellNotes,
                max_rows: int) -> None:
    """Count the rows that hold a value and note formula and error cells, streaming the XML.

    The sheet's declared used range (``<dimension ref="A1:XFD1048576"/>``, which some tools
    write) is not trusted: rows that are only formatted hold no data. The scan stops as soon
    as more than ``max_rows`` rows hold data, so a genuinely huge sheet is refused quickly.
    """
    formulas, errors = [], []
    data_rows = 0
    tail = b""
    with archive.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK_BYTES)
            buffer = tail + chunk
            cut = buffer.rfind(_ROW_END) + len(_ROW_END) if chunk else len(buffer)
            if cut < len(_ROW_END) and chunk:
                tail = buffer      # no whole row yet (a huge row or the sheet's header part)
                continue
            whole, tail = buffer[:cut], buffer[cut:]
            pieces = whole.split(_ROW_END)
            data_rows += sum(1 for piece in pieces if _VALUE_END in piece or _INLINE_END in piece)
            if b"<f" in whole or b't="e"' in whole:
                _note_cells(whole, formulas, errors)
            if data_rows > max_rows or not chunk:
                break
    notes.rows[name] = data_rows
    if formulas:
        notes.formulas[name] = formulas
    if errors:
        notes.errors[name] = errors


def _note_cells(xml: bytes, formulas: list, errors: list) -> None:
    for match in _CELL.finditer(xml):
        attrs, body = match.group(1), match.group(2) or b""
        ref = _REF.search(attrs)
        if not ref:
            continue
        row, col = int(ref.group(2)), _column_index(ref.group(1))
        if b"<f" in body:
            formulas.append((row, col))
        if _ERROR_TYPE.search(attrs):
            value = _VALUE.search(body)
            errors.append((row, col, value.group(1).decode("utf-8", "replace") if value else "#ERROR"))


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def is_excel_error(value) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS
