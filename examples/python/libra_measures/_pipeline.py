"""A file scored into a file, as ``libra score DATA -o OUTPUT`` does it:
lm_score_table() reads, scores and writes every row (on worker threads when
asked), then the output and the rejects file are staged and committed
together (lm_outputs), so that both land or neither does. Standard library
only: no numpy or pandas, and no row passes through Python."""
import os
from ctypes import POINTER, byref, c_ulong
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence, Tuple, Union

from . import _capi
from ._errors import DataError, Diagnostic, LibraError, Status, _Errors
from ._library import _lib, _path, _str
from ._table import InstrumentLike, _configure_table, _instrument, _keep_list, _new_table

PathLike = Union[str, 'os.PathLike[str]']

#: The formats score_file_to() writes (``--format``), by name; 'json' is 'jsonl'.
FORMATS = {'csv': 0, 'json': 1, 'jsonl': 1, 'xlsx': 2, 'sav': 3, 'dta': 4}


@dataclass(frozen=True)
class ScoreFileSummary:
    """What score_file_to() did: the reconciliation line `libra score` prints.

    ``rows_read`` data rows were read (blank rows included), ``scored`` of
    them written to the output (``insufficient`` of those with at least one
    scale too incomplete to score), ``rejected`` written to the rejects file,
    ``blank`` skipped. ``problems`` holds why each rejected row was rejected
    (at most 100 kept; ``problems_total`` counts them all)."""
    rows_read: int
    scored: int
    insufficient: int
    rejected: int
    blank: int
    output: str
    rejects: Optional[str] = None
    problems: Tuple[Diagnostic, ...] = ()
    problems_total: int = 0


def _format_code(format: Optional[str], output: PathLike) -> int:
    if format is None:
        return _lib.lm_writer_format_for_path(_path(output))
    try:
        return FORMATS[format]
    except KeyError:
        raise ValueError('format must be csv, json, xlsx, sav or dta, not %r' % (format,)) from None


def _raise_if(err: _Errors, rc: int):
    if rc != 0:
        raise err.error(rc)


def score_file_to(path: PathLike, instrument: InstrumentLike, output: PathLike, *, format: Optional[str] = None,
                  rejects: Optional[PathLike] = None, keep: Iterable[str] = (), keep_all: bool = False,
                  threads: int = 0, id: Optional[str] = None, no_id: bool = False, prefix: Optional[str] = None,
                  mapping: Optional[Mapping[str, str]] = None, map_file: Optional[PathLike] = None,
                  delimiter: Optional[str] = None, missing: Union[str, Sequence[str]] = (),
                  value_labels: bool = False) -> ScoreFileSummary:
    """Score every row of the file PATH with INSTRUMENT and write the scores
    to OUTPUT, byte for byte as ``libra score PATH -o OUTPUT`` writes them.

    The whole file is read, scored and written by the C library in one call
    (lm_score_table), with the interpreter lock released throughout, so other
    Python threads run meanwhile; no row passes through Python. THREADS is
    the number of worker threads (0, the default: the first 8 MiB on the
    calling thread, then one per processor; 1: the calling thread only); the
    output is the same whatever it is.

    FORMAT is 'csv', 'json' (JSON Lines), 'xlsx', 'sav' or 'dta'; by default
    OUTPUT's extension chooses (.xlsx, .sav, .dta, .json, .jsonl; else CSV).
    KEEP (``--keep``) names columns of PATH to carry into the output after the
    id; KEEP_ALL (``--keep-all``) carries every column but the id. The
    reading options are score_file()'s, the command line's: ID
    (``--id-column``), NO_ID, PREFIX, MAPPING (item id -> column, as
    ``--map``), MAP_FILE, DELIMITER, MISSING and VALUE_LABELS.

    Rows that are no response (a value that is none of an item's responses,
    a wrong number of fields...): with REJECTS, they are written there (as
    ``--rejects``: their text, row and line, and why) and the other rows to
    OUTPUT; without it, DataError is raised listing every problem, and
    nothing is written. OUTPUT and REJECTS are put in place together, when
    everything has been written and made durable, or not at all: on any
    error, files already at those paths are left as they were.

    Returns a ScoreFileSummary (rows read, scored, insufficient, rejected).
    Raises DataError (rejected rows, absent columns), DefinitionError,
    LibraError (files that cannot be read or written, an output that is an
    input), ValueError for options that make no sense.
    """
    keep = _keep_list(keep)
    if keep and keep_all:
        raise ValueError('keep names the columns to carry and keep_all carries every one: give one of them')
    if any(not k for k in keep):
        raise ValueError('keep: a column name cannot be empty')
    if id is not None and not id:
        raise ValueError('id needs a column name')
    if id is not None and no_id:
        raise ValueError('id names the id column and no_id says there is none: give one of them')
    if isinstance(threads, bool) or not isinstance(threads, int) or not 0 <= threads <= 64:
        raise ValueError('threads must be a whole number from 0 (one per processor) to 64, not %r' % (threads,))
    fmt = _format_code(format, output)
    if rejects is not None and os.fspath(rejects) == '-':
        raise ValueError('rejects must name a file of its own, not -')
    inst = _instrument(instrument)

    outs = POINTER(_capi.lm_outputs)()
    table = writer = rej = None
    _check_new(_lib.lm_outputs_new(byref(outs)))
    try:
        table = _new_table(inst)
        writer = POINTER(_capi.lm_writer)()
        rej = POINTER(_capi.lm_rejects)()
        with _Errors() as err:
            # Every file of the run is distinct, or nothing is read (as the command line).
            source = inst.source
            if source and not source.startswith('builtin:'):
                _raise_if(err, _lib.lm_outputs_add_input(outs, _path(source), err._ptr))
            _raise_if(err, _lib.lm_outputs_add_input(outs, _path(path), err._ptr))
            if map_file is not None:
                _raise_if(err, _lib.lm_outputs_add_input(outs, _path(map_file), err._ptr))
            _raise_if(err, _lib.lm_outputs_add_output(outs, _path(output), err._ptr))
            if rejects is not None:
                _raise_if(err, _lib.lm_outputs_add_output(outs, _path(rejects), err._ptr))

            _configure_table(table, err, id=id, no_id=no_id, prefix=prefix, mapping=mapping, map_file=map_file,
                             delimiter=delimiter, missing=missing, value_labels=value_labels, keep=keep)
            # As the command line: with KEEP the writer is opened first, so that a
            # name it cannot carry is said with the names the header lacks.
            rc = keep_rc = 0
            if keep:
                rc = _open_writer(writer, inst, fmt, output, err)
                if rc == 0:
                    keep_rc = _add_columns(writer, keep, err)
            if rc == 0:
                rc = _lib.lm_table_open_file(table, _path(path), err._ptr)
            if rc == 0 and not keep:
                rc = _open_writer(writer, inst, fmt, output, err)
            if rc == 0 and keep_all:
                rc = _add_columns(writer, _all_columns(table), err)
            if rc == 0:
                rc = keep_rc
            if rc == 0 and rejects is not None:
                rc = _lib.lm_rejects_open_file(byref(rej), table, _path(rejects), err._ptr)
            _raise_if(err, rc)

            insufficient = c_ulong()
            rc = _lib.lm_score_table(table, writer, rej if rejects is not None else None, threads,
                                     byref(insufficient), err._ptr)
            rejected = _lib.lm_table_rows_rejected(table)
            if rc < 0:
                raise err.error(rc)
            if rejected and rejects is None:
                # Every problem, and nothing written (the command line's exit 1).
                raise DataError(Status.EDATA, err.diagnostics(), _lib.lm_error_total(err._ptr))
            problems, total = tuple(err.diagnostics()), _lib.lm_error_total(err._ptr)
            # Then the list is empty, so that a write error has room in it.
            _lib.lm_error_clear(err._ptr)
            ok = True
            if rejects is not None:
                ok = _lib.lm_rejects_stage(rej, outs, err._ptr) == 0
            ok = _lib.lm_writer_stage(writer, outs, err._ptr) == 0 and ok
            if not ok:
                raise err.error(Status.EIO)
            _raise_if(err, _lib.lm_outputs_commit(outs, err._ptr))
            return ScoreFileSummary(
                rows_read=_lib.lm_table_rows_read(table), scored=_lib.lm_writer_records(writer),
                insufficient=insufficient.value, rejected=rejected, blank=_lib.lm_table_rows_blank(table),
                output=os.fspath(output), rejects=None if rejects is None else os.fspath(rejects),
                problems=problems, problems_total=total)
    finally:
        if writer:
            _lib.lm_writer_free(writer)
        if rej:
            _lib.lm_rejects_free(rej)
        if table:
            _lib.lm_table_free(table)
        _lib.lm_outputs_free(outs)


def _check_new(rc):
    if rc != 0:
        raise LibraError(rc)


def _open_writer(writer, inst, fmt, output, err) -> int:
    with inst._lock:
        inst._check()
        return _lib.lm_writer_open_file(byref(writer), inst._ptr, fmt, _path(output), err._ptr)


def _add_columns(writer, names, err) -> int:
    """Carry NAMES into the writer; every problem said, the first status returned."""
    rc = 0
    for name in names:
        r = _lib.lm_writer_add_column(writer, name.encode('utf-8', 'surrogateescape'), err._ptr)
        rc = rc or r
    return rc


def _all_columns(table):
    """Every column of the open table but the id (``--keep-all``)."""
    id_col = _lib.lm_table_id_column(table)
    names = []
    for k in range(_lib.lm_table_column_count(table)):
        name = _lib.lm_table_column_name(table, k)
        if id_col is not None and name == id_col:
            continue
        names.append(_str(name))
    return names
