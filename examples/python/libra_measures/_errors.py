"""Errors: the status codes, diagnostics and exceptions, and the lm_error a call
reports its problems into."""
from ctypes import byref
from enum import IntEnum
from typing import NamedTuple, Optional

from . import _capi
from ._library import _lib, _str
from ._handles import _Owned


class Status(IntEnum):
    """The library's status codes (enum lm_status_code)."""
    OK = 0
    ERROR = -1
    ENOMEM = -2
    EINVAL = -3
    EIO = -4
    ESYNTAX = -5
    EDEFINITION = -6
    ENOTFOUND = -7
    EDATA = -8
    ELIMIT = -9


def _status(code):
    try:
        return Status(code)
    except ValueError:  # a code added by a newer library
        return code


class Diagnostic(NamedTuple):
    """One problem: its status code, message and location (file, 1-based line
    and column; None where unknown). For a value given to Scorer.score(),
    column is the value's 1-based position and item the item's id."""
    code: int
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    text: str
    item: Optional[str] = None

    def __str__(self):
        return self.text


class LibraError(Exception):
    """A call into the library failed. .code, .message, .file, .line and .column
    describe the first problem; .errors holds every problem kept (at most 100),
    .total counts them all; .status is what the failing function returned."""

    def __init__(self, status, errors=(), total=None, counts=None):
        status = _status(status)
        if not errors:
            message = _str(_lib.lm_strerror(int(status)))
            errors = (Diagnostic(status, message, None, None, None, message),)
        self.status = status
        self.errors = tuple(errors)
        self.total = len(self.errors) if total is None else max(total, len(self.errors))
        first = self.errors[0]
        self.code, self.message, self.file, self.line, self.column = (
            first.code, first.message, first.file, first.line, first.column)
        self.counts = counts  # pre/post: the row counts of the failed run, else None
        super().__init__(str(self))

    def __str__(self):
        lines = [d.text for d in self.errors]
        if self.total > len(self.errors):
            lines.append('... and %d more problems' % (self.total - len(self.errors)))
        return '\n'.join(lines)


class DataError(LibraError):
    """Data the library cannot score (LM_EDATA): a value that is no response,
    a missing column, duplicate ids... Each of .errors locates one problem:
    file:line:column for files; for tables in memory, .file is the data's name
    ("pre", "post" or the name given), .line the 1-based row and .column the
    1-based item position, with the column's name in the message."""


class DefinitionError(LibraError):
    """An instrument definition that cannot be used (syntax or definition
    problems, LM_ESYNTAX / LM_EDEFINITION), each located as file:line:column."""


def _error_class(status):
    if status == Status.EDATA:
        return DataError
    if status in (Status.ESYNTAX, Status.EDEFINITION):
        return DefinitionError
    return LibraError


class _Errors(_Owned):
    """An lm_error: the diagnostics list a call reports into."""
    __slots__ = ()
    _kind = 'error'
    _free = _lib.lm_error_free

    def __init__(self):
        ptr = _capi.P(_capi.lm_error)()
        if _lib.lm_error_new(byref(ptr)) != 0:
            raise MemoryError('lm_error_new')
        self._own(ptr)

    def diagnostics(self, start=0, item=None, column=None):
        e = self._ptr
        out = []
        for i in range(start, _lib.lm_error_count(e)):
            line, col = _lib.lm_error_line(e, i), _lib.lm_error_column(e, i)
            out.append(Diagnostic(_status(_lib.lm_error_code(e, i)), _str(_lib.lm_error_message(e, i)),
                                  _str(_lib.lm_error_file(e, i)), line or None, col or column,
                                  _str(_lib.lm_error_text(e, i)), item))
        return out

    def error(self, status, counts=None):
        return _error_class(status)(status, self.diagnostics(), _lib.lm_error_total(self._ptr), counts)


def _call_loader(fn, *args):
    with _Errors() as err:
        ptr = _capi.P(_capi.lm_instrument)()
        rc = fn(byref(ptr), *args, err._ptr)
        if rc != 0:
            raise err.error(rc)
    return ptr
