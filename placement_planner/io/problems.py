"""What validation reports: one `Problem` per finding, located as a person finds it in Excel."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "ERROR"      # stops a solve
    WARNING = "WARNING"  # reported; the plan can still be made


@dataclass(frozen=True)
class Problem:
    severity: Severity
    sheet: str           # canonical sheet name (Sites, Capacity, ...) or the file name
    row: int | None      # Excel row number (1-based, as Excel shows it); None = whole sheet/file
    column: str | None   # the column header as it appears in the user's file
    message: str         # plain English, saying what to do
    value: str = ""      # the offending value as typed
    file: str = ""       # file name the sheet came from

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def line(self) -> str:
        """One line for the `validate` command: severity, sheet, row, column, message."""
        where = [self.severity.value, self.sheet or "-", f"row {self.row}" if self.row else "-",
                 self.column or "-"]
        msg = self.message
        if self.value != "" and self.value not in msg:
            msg = f"{msg} (value: {self.value!r})"
        return "\t".join(where + [msg])


@dataclass
class ProblemList:
    """Collects every problem (lazy validation), in the order they were found."""

    items: list[Problem] = field(default_factory=list)

    def error(self, sheet, row, column, message, value="", file="") -> None:
        self.items.append(Problem(Severity.ERROR, sheet, row, column, message, _text(value), file))

    def warning(self, sheet, row, column, message, value="", file="") -> None:
        self.items.append(Problem(Severity.WARNING, sheet, row, column, message, _text(value), file))

    def extend(self, other: "ProblemList | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, ProblemList) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


def _text(value) -> str:
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except Exception:
        pass
    return str(value)


class WorkbookError(Exception):
    """A file that cannot be read at all (missing, corrupt, wrong format, locked)."""

    def __init__(self, path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class FileLockedError(WorkbookError):
    """The file exists but cannot be read right now: held open with an exclusive lock (Excel,
    a sync client) or a OneDrive cloud-only file that is not downloaded. Trying again later may work."""


#: Windows error codes meaning "locked or not available yet", not "broken": sharing and lock
#: violations, and the cloud-files (OneDrive Files On-Demand) errors 362-397.
LOCKED_WINERRORS = frozenset({5, 32, 33, *range(362, 398)})


def is_locked_error(exc: OSError) -> bool:
    """True when an OSError from opening a file means it is locked or not downloaded yet."""
    return isinstance(exc, PermissionError) or getattr(exc, "winerror", None) in LOCKED_WINERRORS


LOCKED_MESSAGE = ("the file is open in another program (for example Excel) or not yet downloaded by "
                  "OneDrive. Close it there or wait, then try again.")
