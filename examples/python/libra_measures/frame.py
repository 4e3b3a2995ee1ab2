"""Whole tables at once: score(), score_file() and prepost() on pandas
DataFrames, dicts of arrays, or the files the command line reads.

A table is handed to the C library column by column (lm_batch): one call
scores every row, with the interpreter lock released during it (ctypes
releases it around every foreign call), so threads sharing one Instrument
score in parallel. Columns are passed as they are held where possible:
float64 as is, integers that fit int32 in place (lm_batch_set_integer), text
and categorical labels as UTF-8 strings. pandas is optional: without it (or
with ``as_frame=False``) results are a dict of numpy arrays.
"""
import io
import json
import os
from ctypes import POINTER, byref, c_char_p, c_double, c_int, c_size_t
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _capi
from . import _lib, _Errors, _str, _path, Instrument, LibraError, PrePost, Status
from ._table import InstrumentLike, _configure_table, _instrument, _keep_list, _new_table

try:  # pandas is optional
    import pandas as pd
except ImportError:  # pragma: no cover - exercised only without pandas
    pd = None

__all__ = ['score', 'score_file', 'prepost', 'PrePostResult', 'STATUS_LEVELS']

_INT32_MIN = -2147483648
_INT32_MAX = 2147483647

#: The levels of every ``<scale>_status`` column, in the library's order, then
#: "rejected" for a row whose value was no response (``on_bad='reject'``).
STATUS_LEVELS = tuple(_str(_lib.lm_score_status_name(k)) for k in range(3)) + ('rejected',)

def _columns_of(data) -> Sequence[str]:
    if pd is not None and isinstance(data, pd.DataFrame):
        return [str(c) for c in data.columns]
    if isinstance(data, Mapping):
        return [str(c) for c in data.keys()]
    raise TypeError('a pandas DataFrame or a mapping of column name -> array is expected, not %s'
                    % type(data).__name__)


def _nrows(data) -> int:
    if pd is not None and isinstance(data, pd.DataFrame):
        return len(data.index)
    lengths = {len(v) for v in data.values()}
    if len(lengths) > 1:
        raise ValueError('the columns have different lengths: %s' % sorted(lengths))
    return lengths.pop() if lengths else 0


def _item_columns(meta, names, prefix, mapping):
    """Each item's column (None: none), as `libra score` finds it: the mapping
    first, then `<prefix><n>` for item `<instrument>_<n>`, else the item id."""
    ids = [it.id for it in meta.items]
    want = list(ids)
    if prefix:
        stem = meta.id + '_'
        want = [prefix + (i[len(stem):] if i.startswith(stem) else i) for i in ids]
    if mapping:
        if isinstance(mapping, (str, os.PathLike)):
            mapping = _read_map(mapping)
        unknown = [k for k in mapping if k not in ids]
        if unknown:
            raise ValueError('mapping names item%s %s, which %s does not have'
                             % ('s' if len(unknown) > 1 else '', ', '.join(unknown), meta.id))
        for k, v in mapping.items():
            want[ids.index(k)] = v
    have = set(names)
    return [w if w in have else None for w in want], want


def _read_map(path) -> Dict[str, str]:
    import csv
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    if rows and not {'item', 'column'} <= set(rows[0]):
        raise ValueError('%s: a mapping file has the columns item and column' % os.fspath(path))
    return {r['item'].strip(): r['column'].strip() for r in rows}


class _Column:
    """One item column as the batch call takes it; keeps the arrays alive."""
    __slots__ = ('kind', 'array', 'keep')

    def __init__(self, kind, array, keep=None):
        self.kind, self.array, self.keep = kind, array, keep


def _text_column(values) -> _Column:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v) or (pd is not None and v is pd.NA) or v is np.nan:
            out.append(None)
        elif isinstance(v, bytes):
            out.append(v)
        elif isinstance(v, (float, np.floating)) and float(v).is_integer():
            out.append(b'%d' % int(v))
        else:
            out.append(str(v).encode('utf-8', 'surrogateescape'))
    arr = (c_char_p * len(out))(*out)
    return _Column('text', arr, out)


def _numeric_column(x: np.ndarray) -> _Column:
    if x.dtype.kind in 'iu':
        if x.size == 0 or (int(x.min()) > _INT32_MIN and int(x.max()) <= _INT32_MAX):
            return _Column('int', np.ascontiguousarray(x, dtype=np.int32))
        return _Column('num', np.ascontiguousarray(x, dtype=np.float64))
    if x.dtype.kind == 'b':
        return _Column('int', np.ascontiguousarray(x, dtype=np.int32))
    return _Column('num', np.ascontiguousarray(x, dtype=np.float64))


def _as_column(col) -> _Column:
    """A pandas Series, numpy array or sequence as a batch column."""
    if pd is not None and isinstance(col, pd.Series):
        dt = col.dtype
        if isinstance(dt, pd.CategoricalDtype):
            cats = dt.categories
            if cats.dtype.kind in 'iuf':  # codes stored as categories: their values
                return _numeric_column(np.asarray(cats, dtype=np.float64).take(col.cat.codes.to_numpy(),
                                                                               mode='clip')
                                       * np.where(col.cat.codes.to_numpy() < 0, np.nan, 1.0))
            return _text_column(col.astype(object).to_numpy())
        if isinstance(dt, pd.api.extensions.ExtensionDtype) and dt.kind in 'iub':  # nullable Int, boolean
            mask = col.isna().to_numpy()
            if dt.kind == 'b':
                vals = col.to_numpy(dtype=np.int32, na_value=0)
            else:
                vals = col.to_numpy(dtype=np.int64, na_value=0)
                if vals.size and (int(vals.min()) <= _INT32_MIN or int(vals.max()) > _INT32_MAX):
                    return _Column('num', np.where(mask, np.nan, vals.astype(np.float64)))
                vals = vals.astype(np.int32)
            vals[mask] = _INT32_MIN
            return _Column('int', np.ascontiguousarray(vals))
        if isinstance(dt, pd.api.extensions.ExtensionDtype) and dt.kind == 'f':
            return _Column('num', col.to_numpy(dtype=np.float64, na_value=np.nan))
        if dt.kind in 'iufb':
            return _numeric_column(col.to_numpy())
        return _text_column(col.to_numpy(dtype=object))
    x = np.asarray(col) if not isinstance(col, np.ndarray) else col
    if x.dtype.kind in 'iufb':
        return _numeric_column(x)
    return _text_column(x.tolist())


def _set_inputs(batch, meta, data, names, prefix, mapping, name):
    cols, want = _item_columns(meta, names, prefix, mapping)
    keep = []
    if name is not None:
        _check(_lib.lm_batch_set_name(batch, name.encode('utf-8', 'surrogateescape')))
    for i, c in enumerate(cols):
        if c is None:
            continue  # a scored item without a column fails lm_batch_score() with its own message
        column = _as_column(data[c])
        keep.append(column)
        cname = c.encode('utf-8', 'surrogateescape')
        if column.kind == 'num':
            rc = _lib.lm_batch_set_numeric(batch, i, column.array.ctypes.data_as(POINTER(c_double)), cname)
        elif column.kind == 'int':
            rc = _lib.lm_batch_set_integer(batch, i, column.array.ctypes.data_as(POINTER(c_int)), _INT32_MIN,
                                           cname)
        else:
            rc = _lib.lm_batch_set_text(batch, i, column.array, cname)
        _check(rc)
    return keep


def _check(rc):
    if rc != 0:
        raise LibraError(rc)


def _new_batch(inst: Instrument):
    ptr = POINTER(_capi.lm_batch)()
    with inst._lock:
        inst._check()
        _check(_lib.lm_batch_new(byref(ptr), inst._ptr))
    return ptr


def _front(data, id, keep, names):
    front = [c for c in ([id] if id else []) + list(keep or ())]
    absent = [c for c in front if c not in names]
    if absent:
        raise ValueError('score(): no column %s in the data' % ', '.join('"%s"' % c for c in absent))
    return front


def score(data, instrument: InstrumentLike, *, id: Optional[str] = None, keep: Iterable[str] = (),
          prefix: Optional[str] = None, mapping: Union[Mapping[str, str], str, None] = None,
          on_bad: str = 'error', name: Optional[str] = None, as_frame: Optional[bool] = None):
    """Score every row of DATA with INSTRUMENT in one call to the library.

    DATA is a pandas DataFrame or a mapping of column name -> numpy array or
    sequence; item columns may be numeric (float, int, nullable Int, NaN/NA
    blank) or labels (text or categorical: "Never", "2", ...). Items are found
    as the command line finds them: MAPPING (item id -> column, or the path of
    a mapping file with columns item,column), else PREFIX + the item number,
    else the item id. INSTRUMENT is an Instrument, a built-in id or a YAML path.

    Returns the command line's CSV columns, one row per input row: ID (default
    "id" when there is such a column) and KEEP columns first, then per scale
    ``<scale>``, ``<scale>_answered``, ``<scale>_status`` (categorical over
    STATUS_LEVELS) and, for scales with bands, ``<scale>_band`` (categorical
    over the band ids), then each rule as a nullable boolean. A DataFrame when
    pandas is available (AS_FRAME, default: whether DATA is a DataFrame or
    pandas is importable), else a dict of numpy arrays (status and band as
    object arrays of strings, rules as float arrays with NaN for unknown).

    ON_BAD='error' (default) raises DataError listing every bad value with its
    row and column; 'reject' scores the other rows and marks those rows'
    status "rejected".
    """
    if on_bad not in ('error', 'reject'):
        raise ValueError("on_bad must be 'error' or 'reject'")
    inst = _instrument(instrument)
    meta = inst._meta
    names = _columns_of(data)
    if id is None and 'id' in names:
        id = 'id'
    front = _front(data, id, keep, names)
    n = _nrows(data)
    batch = _new_batch(inst)
    try:
        hold = _set_inputs(batch, meta, data, names, prefix, mapping, name)
        out = {}
        arrays = []
        for s, sc in enumerate(meta.scales):
            sv = np.empty(n, np.float64)
            ans = np.empty(n, np.int32)
            st = np.empty(n, np.int32)
            band = np.empty(n, np.int32) if sc.bands else None
            arrays.append((sc, sv, ans, st, band))
            _check(_lib.lm_batch_set_scale_output(
                batch, s, sv.ctypes.data_as(POINTER(c_double)), ans.ctypes.data_as(POINTER(c_int)),
                st.ctypes.data_as(POINTER(c_int)), None if band is None else band.ctypes.data_as(POINTER(c_int))))
        rules = []
        for r, ru in enumerate(meta.rules):
            v = np.empty(n, np.int32)
            rules.append((ru, v))
            _check(_lib.lm_batch_set_rule_output(batch, r, v.ctypes.data_as(POINTER(c_int))))
        rejected = np.empty(n, np.int32)
        _check(_lib.lm_batch_set_rejected_output(batch, rejected.ctypes.data_as(POINTER(c_int))))
        _check(_lib.lm_batch_set_reject_rows(batch, 1 if on_bad == 'reject' else 0))
        with _Errors() as err:
            rc = _lib.lm_batch_score(batch, n, err._ptr)
            if rc != 0:
                raise err.error(rc)
        del hold
    finally:
        _lib.lm_batch_free(batch)
    frame = pd is not None and (as_frame if as_frame is not None else True)
    for c in front:
        out[c] = data[c] if frame else (data[c].to_numpy() if pd is not None and isinstance(data[c], pd.Series)
                                        else np.asarray(data[c]))
    bad = rejected.astype(bool)
    for sc, sv, ans, st, band in arrays:
        st[bad] = 3
        out[sc.id] = sv
        out[sc.id + '_answered'] = ans
        levels = [b.id for b in sc.bands]
        if frame:
            out[sc.id + '_status'] = pd.Categorical.from_codes(st, categories=STATUS_LEVELS)
            if band is not None:
                out[sc.id + '_band'] = pd.Categorical.from_codes(band, categories=levels)
        else:
            out[sc.id + '_status'] = np.array(STATUS_LEVELS, dtype=object)[st]
            if band is not None:
                out[sc.id + '_band'] = np.where(band >= 0, np.array(levels + [None], dtype=object)[band], None)
    for ru, v in rules:
        if frame:
            out[ru.id] = pd.arrays.BooleanArray(v > 0, v < 0)
        else:
            out[ru.id] = np.where(v < 0, np.nan, v.astype(np.float64))
    if not frame:
        return out
    index = data.index if isinstance(data, pd.DataFrame) else None
    return pd.DataFrame({k: (v.array if isinstance(v, pd.Series) else v) for k, v in out.items()}, index=index)


def score_file(path: Union[str, 'os.PathLike[str]'], instrument: InstrumentLike, *, id: Optional[str] = None,
               no_id: bool = False, prefix: Optional[str] = None, mapping: Optional[Mapping[str, str]] = None,
               map_file: Optional[Union[str, 'os.PathLike[str]']] = None, delimiter: Optional[str] = None,
               missing: Sequence[str] = (), value_labels: bool = False, keep: Iterable[str] = (),
               as_frame: Optional[bool] = None):
    """Score a file with the command line's readers (CSV, Qualtrics and REDCap
    exports, and SPSS .sav / Stata .dta when the library was built with
    ReadStat). Returns the same columns as score(); the id column is named as
    in the file (ID, else "id"; row numbers with NO_ID). Rows whose values are
    no response raise DataError (every problem listed, with file:line:column).

    The options are the command line's: ``map_file`` (``--map-file``, a CSV of
    item,column pairs), ``delimiter`` (``--delimiter``: ``','``, ``';'`` or
    ``'\\t'``; detected when None), ``missing`` (``--missing``: cell texts that
    mean no answer, e.g. ``['NA', '-99']``) and ``value_labels``
    (``--value-labels``: score SPSS/Stata value labels instead of codes).
    ``keep`` (``--keep``) names columns of the file to carry, as text, after
    the id column; a column that is absent is a DataError with the others.
    """
    inst = _instrument(instrument)
    meta = inst._meta
    table = _new_table(inst)
    scorer = inst.scorer()
    ids, rows = [], []
    keep = _keep_list(keep)
    kept = [[] for _ in keep]
    try:
        with _Errors() as err:
            handles = _configure_table(table, err, id=id, no_id=no_id, prefix=prefix, mapping=mapping,
                                       map_file=map_file, delimiter=delimiter, missing=missing,
                                       value_labels=value_labels, keep=keep)
            rc = _lib.lm_table_open_file(table, _path(path), err._ptr)
            if rc != 0:
                raise err.error(rc)
            failed = 0
            while True:
                with scorer._lock:
                    rc = _lib.lm_table_next(table, scorer._ptr, err._ptr)
                    if rc == 1:
                        n = c_size_t()
                        rid = _lib.lm_table_row_id(table, byref(n))
                        ids.append(None if rid is None else rid[:n.value].decode('utf-8', 'surrogateescape'))
                        for h, values in zip(handles, kept):
                            v = _lib.lm_table_column_value(table, h, byref(n))
                            values.append('' if v is None else v[:n.value].decode('utf-8', 'surrogateescape'))
                        rows.append(scorer._results())
                        continue
                if rc == 0:
                    break
                if rc == Status.EDATA:  # a rejected row: go on, to report every problem
                    failed = rc
                    continue
                raise err.error(rc)
            if failed:
                raise err.error(failed)
    finally:
        scorer.close()
        _lib.lm_table_free(table)
    data = {(id or 'id'): np.array(ids, dtype=object)}
    for name, values in zip(keep, kept):
        data[name] = np.array(values, dtype=object)
    cols = {}
    for s, sc in enumerate(meta.scales):
        res = [r[sc.id] for r in rows]
        cols[sc.id] = np.array([np.nan if x.score is None else x.score for x in res], dtype=np.float64)
        cols[sc.id + '_answered'] = np.array([x.answered for x in res], dtype=np.int32)
        cols[sc.id + '_status'] = [x.status for x in res]
        if sc.bands:
            cols[sc.id + '_band'] = [x.band for x in res]
    for ru in meta.rules:
        cols[ru.id] = [r.rules[ru.id] for r in rows]
    frame = pd is not None and (as_frame if as_frame is not None else True)
    data.update(cols)
    if not frame:
        for sc in meta.scales:
            data[sc.id + '_status'] = np.array(data[sc.id + '_status'], dtype=object)
            if sc.bands:
                data[sc.id + '_band'] = np.array(data[sc.id + '_band'], dtype=object)
        for ru in meta.rules:
            data[ru.id] = np.array([np.nan if v is None else float(v) for v in data[ru.id]])
        return data
    for sc in meta.scales:
        data[sc.id + '_status'] = pd.Categorical(data[sc.id + '_status'], categories=STATUS_LEVELS)
        if sc.bands:
            data[sc.id + '_band'] = pd.Categorical(data[sc.id + '_band'], categories=[b.id for b in sc.bands])
    for ru in meta.rules:
        data[ru.id] = pd.array(data[ru.id], dtype='boolean')
    return pd.DataFrame(data)



class PrePostResult:
    """A pre/post analysis from prepost(): ``.respondents`` (one row per pair,
    the columns of ``libra prepost --format csv``), ``.summary`` (tidy: scale,
    group, statistic, value; group None for all pairs), ``.document`` (the
    JSON document `libra prepost` writes, as a dict), ``.report(path)`` (the
    HTML report `libra report` writes), and ``.analysis`` (the PrePost with
    every number as Python objects)."""

    def __init__(self, analysis: PrePost):
        self.analysis = analysis

    @property
    def document(self) -> Dict[str, Any]:
        """The whole analysis as `libra prepost` writes it in JSON."""
        return json.loads(self.analysis.to_json())

    @property
    def respondents(self):
        """One row per pair, as `libra prepost --format csv` (a DataFrame; a dict of lists without pandas)."""
        text = self.analysis.to_csv()
        if pd is not None:
            return pd.read_csv(io.StringIO(text), dtype={'id': str, 'group': str}, keep_default_na=False,
                               na_values=[''])
        import csv
        rows = list(csv.reader(io.StringIO(text)))
        return {h: [r[k] for r in rows[1:]] for k, h in enumerate(rows[0])} if rows else {}

    @property
    def summary(self):
        """Every statistic, tidy: columns scale, group (None: all pairs; "comparison" rows for the two-group
        comparison), statistic, value (NaN where it cannot be computed)."""
        rows = []
        for sid, ch in self.analysis.scales.items():
            for k, v in ch.stats.values.items():
                rows.append((sid, None, k, v))
            for g, st in ch.groups.items():
                for k, v in st.values.items():
                    rows.append((sid, g, k, v))
            if ch.comparison is not None:
                for k, v in ch.comparison.values.items():
                    rows.append((sid, 'comparison', k, v))
        rows = [(s, g, k, np.nan if v is None else float(v)) for s, g, k, v in rows]
        if pd is None:
            return rows
        return pd.DataFrame(rows, columns=['scale', 'group', 'statistic', 'value'])

    def report(self, path: Union[str, 'os.PathLike[str]'], min_cell: Optional[int] = None) -> None:
        """Write the self-contained HTML report (as `libra report`) to PATH."""
        rep = POINTER(_capi.lm_report)()
        a = self.analysis
        with a._lock:
            a._check()
            _check(_lib.lm_report_new(byref(rep), a._ptr))
        try:
            if min_cell is not None:
                _check(_lib.lm_report_set_min_cell(rep, int(min_cell)))
            with _Errors() as err:
                rc = _lib.lm_report_write_file(rep, _path(path), err._ptr)
                if rc != 0:
                    raise err.error(rc)
        finally:
            _lib.lm_report_free(rep)

    def __repr__(self):
        return '<PrePostResult %s: %s>' % (self.analysis.instrument_id, self.analysis.counts)


def prepost(pre, post, instrument: InstrumentLike, *, id: str = 'id', group: Optional[str] = None,
            wave: Optional[str] = None, pre_value: Any = None, post_value: Any = None,
            prefix: Optional[str] = None, mapping: Optional[Mapping[str, str]] = None,
            on_duplicate: str = 'error', reliability: Optional[float] = None,
            rci_sd: Optional[float] = None) -> PrePostResult:
    """Pre/post change analysis of two waves: DataFrames (or dicts of arrays)
    PRE and POST, or the paths of two files; or one long table PRE (POST None)
    whose column WAVE holds PRE_VALUE or POST_VALUE. Respondents are paired by
    the ID column; GROUP (a column of PRE) splits them. Raises DataError with
    every problem (bad values with wave, row and column; duplicate ids)."""
    inst = _instrument(instrument)
    if isinstance(pre, (str, os.PathLike)):
        return PrePostResult(inst.prepost(pre, post, id_column=id, group_column=group, on_duplicate=on_duplicate,
                                          reliability=reliability, rci_sd=rci_sd, wave_column=wave,
                                          pre_value=pre_value, post_value=post_value))
    if post is None:
        if wave is None or pre_value is None or post_value is None:
            raise TypeError('prepost() needs POST, or WAVE, PRE_VALUE and POST_VALUE for one long table')
        w = pre[wave]
        w = w.to_numpy() if pd is not None and isinstance(w, pd.Series) else np.asarray(w)
        w = np.array([str(x) for x in w], dtype=object)
        pre, post = _rows(pre, w == str(pre_value)), _rows(pre, w == str(post_value))
    meta = inst._meta
    with inst._lock:
        inst._check()
        ptr = POINTER(_capi.lm_prepost)()
        _check(_lib.lm_prepost_new(byref(ptr), inst._ptr))
    pp = PrePost._adopt(ptr, meta)
    bpre = bpost = None
    try:
        p = pp._ptr
        _check(_lib.lm_prepost_set_id_column(p, id.encode()))
        if on_duplicate not in _capi.DUPLICATES:
            raise ValueError('on_duplicate must be one of %s' % ', '.join(_capi.DUPLICATES))
        _check(_lib.lm_prepost_set_duplicates(p, _capi.DUPLICATES.index(on_duplicate)))
        if group is not None:
            _check(_lib.lm_prepost_set_group_column(p, group.encode()))
        if reliability is not None:
            _check(_lib.lm_prepost_set_reliability(p, float(reliability)))
        if rci_sd is not None:
            _check(_lib.lm_prepost_set_rci_sd(p, float(rci_sd)))
        bpre, bpost = _new_batch(inst), _new_batch(inst)
        hold = []
        waves = []
        for which, data, b in (('pre', pre, bpre), ('post', post, bpost)):
            names = _columns_of(data)
            if id not in names:
                raise ValueError('prepost(): no id column "%s" in the %s data' % (id, which))
            hold.append(_set_inputs(b, meta, data, names, prefix, mapping, which))
            ids = _text_column(_values(data[id]))
            n = _nrows(data)
            groups = None
            if which == 'pre' and group is not None:
                if group not in names:
                    raise ValueError('prepost(): no group column "%s" in the pre data' % group)
                groups = _text_column(_values(data[group]))
            waves.append((b, n, ids, groups))
        (b1, n1, ids1, g1), (b2, n2, ids2, _) = waves
        with _Errors() as err:
            rc = _lib.lm_prepost_run_batches(p, b1, n1, ids1.array, None if g1 is None else g1.array,
                                             b2, n2, ids2.array, err._ptr)
            if rc != 0:
                raise err.error(rc, counts=pp._counts())
        del hold
        pp._read()
    except BaseException:
        pp.close()
        raise
    finally:
        _lib.lm_batch_free(bpre)
        _lib.lm_batch_free(bpost)
    return PrePostResult(pp)


def _values(col):
    if pd is not None and isinstance(col, pd.Series):
        return col.astype(object).to_numpy()
    return list(col)


def _rows(data, mask):
    if pd is not None and isinstance(data, pd.DataFrame):
        return data.loc[mask]
    return {k: np.asarray(v)[mask] for k, v in data.items()}
