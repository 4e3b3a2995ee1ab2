"""Files read as the command line reads them (lm_table): the reading options
of ``libra score`` (--id-column, --no-id, --delimiter, --prefix, --map,
--map-file, --value-labels, --missing, --keep) applied to a new table, in the
command line's order. Shared by frame.score_file() (scores as a DataFrame)
and _pipeline.score_file_to() (scores written to a file); standard library
only."""
import os
from ctypes import POINTER, byref, c_size_t
from typing import Iterable, List, Mapping, Optional, Sequence, Union

from . import _capi
from ._errors import LibraError
from ._instrument import Instrument
from ._library import _lib, _path

InstrumentLike = Union[Instrument, str, 'os.PathLike[str]']


def _instrument(inst: InstrumentLike) -> Instrument:
    if isinstance(inst, Instrument):
        return inst
    return Instrument.load(os.fspath(inst))


def _check(rc):
    if rc != 0:
        raise LibraError(rc)


def _keep_list(keep: Union[str, Iterable[str], None]) -> List[str]:
    return [keep] if isinstance(keep, str) else list(keep or ())


def _new_table(inst: Instrument):
    """A new lm_table for INST; the caller frees it (lm_table_free)."""
    table = POINTER(_capi.lm_table)()
    with inst._lock:
        inst._check()
        _check(_lib.lm_table_new(byref(table), inst._ptr))
    return table


def _configure_table(table, err, *, id: Optional[str] = None, no_id: bool = False, prefix: Optional[str] = None,
                     mapping: Optional[Mapping[str, str]] = None,
                     map_file: Optional[Union[str, 'os.PathLike[str]']] = None, delimiter: Optional[str] = None,
                     missing: Union[str, Sequence[str]] = (), value_labels: bool = False,
                     keep: Sequence[str] = ()) -> List[c_size_t]:
    """Apply the reading options to TABLE (not yet open), as `libra score`
    does, in its order; problems of the mapping go to ERR (an _Errors) and
    raise. Returns the handle of each KEEP column (lm_table_require_column:
    the header check then names every absent one at once)."""
    if id is not None:
        _check(_lib.lm_table_set_id_column(table, id.encode()))
    if no_id:
        _check(_lib.lm_table_set_no_id(table, 1))
    if delimiter is not None:
        if delimiter not in (',', ';', '\t'):
            raise ValueError("delimiter must be ',', ';' or a tab, not %r" % (delimiter,))
        _check(_lib.lm_table_set_delimiter(table, delimiter.encode()))
    if prefix:
        _check(_lib.lm_table_set_prefix(table, prefix.encode()))
    for item, column in (mapping or {}).items():
        rc = _lib.lm_table_map_column(table, item.encode(), column.encode(), err._ptr)
        if rc != 0:
            raise err.error(rc)
    if map_file is not None:
        rc = _lib.lm_table_read_map(table, _path(map_file), err._ptr)
        if rc != 0:
            raise err.error(rc)
    if value_labels:
        _check(_lib.lm_table_set_value_labels(table, 1))
    for token in ([missing] if isinstance(missing, str) else missing):
        _check(_lib.lm_table_add_missing(table, token.encode()))
    handles = [c_size_t() for _ in keep]
    for name, h in zip(keep, handles):
        _check(_lib.lm_table_require_column(table, name.encode(), byref(h)))
    return handles
