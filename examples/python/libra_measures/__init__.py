"""libra_measures for Python: scoring of secondary-traumatic-stress programme
questionnaires, over the C library through ctypes (standard library only).

    import libra_measures as lm

    with lm.Instrument.builtin('stss') as stss:
        scores = stss.score([2, 3, 1, 4, None, 3, 2, 3, 1, 3, 4, 2, 2, 1, 3, 4, 2])
        print(scores['total'].status, scores.rules['criteria'])

Ownership: every object here that holds a C handle (Instrument, Scorer,
PrePost) frees it exactly once, on close() / leaving a ``with`` block, or
when it is garbage-collected, in any order: a Scorer or PrePost keeps the C
instrument alive by itself, so closing an Instrument never invalidates them.
Everything else (results, metadata, diagnostics) is plain Python data, copied
out of the library.

Threads: an Instrument may be shared by any number of threads;
Instrument.score() uses one C scorer per thread. A Scorer or PrePost is
meant for one thread at a time (each serialises its calls with a lock, so
misuse is slow, never a crash). The C library holds no global state, and
ctypes releases the GIL during every call.
"""
import math
import numbers
import os
import tempfile
import threading
import warnings
import weakref
from collections.abc import Mapping
from ctypes import byref, c_char_p, c_double, c_size_t, create_string_buffer
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple, Optional, Tuple

from . import _capi

__all__ = ['Instrument', 'Scorer', 'Scores', 'ScaleResult', 'PrePost', 'LibraError', 'DataError', 'DefinitionError',
           'Diagnostic', 'Status', 'builtin_ids', 'library_version', 'format_number', 'instruments', 'Found',
           'score', 'score_file', 'prepost', 'PrePostResult', 'STATUS_LEVELS', '__version__']

#: The package's version: that of the C library it is written for (meson.build's project version).
__version__ = '0.3.0'

_lib = _capi.load_library()

# Tables (score, score_file, prepost, PrePostResult) need numpy, and pandas
# for DataFrames; loaded on first use so that the per-respondent API works
# with the standard library alone.
_FRAME_NAMES = ('score', 'score_file', 'prepost', 'PrePostResult', 'STATUS_LEVELS')
if TYPE_CHECKING:  # for type checkers and IDEs: the names __getattr__ gives
    from .frame import STATUS_LEVELS, PrePostResult, prepost, score, score_file  # noqa: F401


def __getattr__(name):
    if name in _FRAME_NAMES:
        from . import frame
        return getattr(frame, name)
    raise AttributeError('module %r has no attribute %r' % (__name__, name))
_NAN = float('nan')


def _str(b):
    return None if b is None else b.decode('utf-8', 'surrogateescape')


def _num(x):
    """A C double as Python: None for NaN."""
    return None if math.isnan(x) else x


def _path(p):
    return os.fsencode(p)


def library_version():
    """The version of the C library in use (at run time)."""
    return _str(_lib.lm_version_string())


def builtin_ids():
    """Ids of the definitions compiled into the library."""
    return tuple(_str(_lib.lm_builtin_id(i)) for i in range(_lib.lm_builtin_count()))


def format_number(value):
    """Format a number as the library's writers do: the shortest decimal that float() reads back as the
    same value ('.' always; 15 significant digits where they suffice, else 16 or 17); None for NaN or infinity."""
    buf = create_string_buffer(32)
    n = _lib.lm_format_number(buf, 32, float(value))
    return buf.value[:n].decode() if n else None


# ---------------------------------------------------------------------------
# Errors


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


# ---------------------------------------------------------------------------
# Ownership of C handles

_live_lock = threading.Lock()
_live = {}


def _live_handles():
    """C handles currently owned by Python objects, by kind (for tests)."""
    with _live_lock:
        return {k: v for k, v in _live.items() if v}


def _release(free, ptr, lock, kind):
    # Runs exactly once per handle (weakref.finalize guarantees it): from
    # close(), from garbage collection, or at interpreter exit. The lock keeps
    # it from running while another thread is inside a call on the handle.
    with lock:
        free(ptr)
    with _live_lock:
        _live[kind] -= 1


class _Owned:
    """Base of the objects that own a C handle."""
    __slots__ = ('_ptr', '_lock', '_finalizer', '__weakref__')
    _kind = None
    _free = None

    def _own(self, ptr):
        self._ptr = ptr
        self._lock = threading.Lock()
        with _live_lock:
            _live[self._kind] = _live.get(self._kind, 0) + 1
        # The finalizer holds the pointer and the free function, not self.
        self._finalizer = weakref.finalize(self, _release, type(self)._free, ptr, self._lock, self._kind)

    def close(self):
        """Give the C handle back now. Idempotent; the object is unusable afterwards."""
        self._finalizer()

    @property
    def closed(self):
        return not self._finalizer.alive

    def _check(self):
        # Call with self._lock held.
        if not self._finalizer.alive:
            raise ValueError('%s is closed' % type(self).__name__)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


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


# ---------------------------------------------------------------------------
# Instruments


class Found(NamedTuple):
    """An instrument on the search path (instruments())."""
    id: str
    name: str
    version: Optional[str]
    origin: str  # 'built-in', 'LIBRA_MEASURES_PATH', 'XDG_DATA_HOME' or 'installed'
    source: str  # its file, or 'builtin:ID'


def instruments():
    """Every instrument Instrument.find() can find, in search order (what `libra list` shows).
    A definition on the path that cannot be used (it shadows a built-in, its id is not its
    file name, it does not load) is left out with a warning naming its file."""
    with _Errors() as err:
        cat = _capi.P(_capi.lm_catalog)()
        rc = _lib.lm_catalog_new(byref(cat), err._ptr)
        if rc != 0:
            raise err.error(rc)
        try:
            found = []
            for i in range(_lib.lm_catalog_count(cat)):
                inst = _lib.lm_catalog_instrument(cat, i)
                found.append(Found(_str(_lib.lm_instrument_id(inst)), _str(_lib.lm_instrument_name(inst)),
                                   _str(_lib.lm_instrument_version(inst)), _str(_lib.lm_catalog_origin(cat, i)),
                                   _str(_lib.lm_instrument_source(inst))))
        finally:
            _lib.lm_catalog_free(cat)
        for d in err.diagnostics():
            warnings.warn(d.text, stacklevel=2)
    return found


class Response(NamedTuple):
    value: float
    label: Optional[str]


class Item(NamedTuple):
    id: str
    label: Optional[str]
    text: Optional[str]
    reversed: bool
    scored: bool
    responses: Tuple[Response, ...]


class Band(NamedTuple):
    id: str
    label: Optional[str]
    min: float
    max: float


class Scale(NamedTuple):
    id: str
    label: Optional[str]
    method: str           # 'sum', 'mean' or 'prorated_sum'
    direction: str        # 'unspecified', 'higher_is_worse' or 'higher_is_better'
    items: Tuple[str, ...]
    min_answered: int
    min: float
    max: float
    clinical_cutoff: Optional[float]
    norms: dict           # mean, sd, reliability, n: a number or None
    norm_source: Optional[str]
    notes: Tuple[str, ...]
    bands: Tuple[Band, ...]


class Condition(NamedTuple):
    scale: str
    value: float
    count: int


class Rule(NamedTuple):
    id: str
    label: Optional[str]
    combine: str          # 'all' or 'any'
    conditions: Tuple[Condition, ...]


class MissingCode(NamedTuple):
    value: float
    label: Optional[str]


def _enum_name(names, value):
    return names[value] if 0 <= value < len(names) else value


class _Meta:
    """An instrument's definition, copied into Python once, shared read-only by
    the Instrument and its scorers (so that neither needs the other)."""
    __slots__ = ('id', 'name', 'version', 'citation', 'terms', 'period', 'source', 'notes', 'missing_codes',
                 'items', 'scales', 'rules', 'scale_ids', 'rule_ids', 'band_ids', 'band_labels')

    def __init__(self, p):
        L = _lib
        self.id = _str(L.lm_instrument_id(p))
        self.name = _str(L.lm_instrument_name(p))
        self.version = _str(L.lm_instrument_version(p))
        self.citation = _str(L.lm_instrument_citation(p))
        self.terms = _str(L.lm_instrument_terms(p))
        self.period = _str(L.lm_instrument_period(p))
        self.source = _str(L.lm_instrument_source(p))
        self.notes = tuple(_str(L.lm_instrument_note(p, i)) for i in range(L.lm_instrument_note_count(p)))
        self.missing_codes = tuple(
            MissingCode(L.lm_instrument_missing_code_value(p, i), _str(L.lm_instrument_missing_code_label(p, i)))
            for i in range(L.lm_instrument_missing_code_count(p)))
        items = []
        for i in range(L.lm_instrument_item_count(p)):
            it = L.lm_instrument_item(p, i)
            items.append(Item(_str(L.lm_item_id(it)), _str(L.lm_item_label(it)), _str(L.lm_item_text(it)),
                              bool(L.lm_item_reversed(it)), bool(L.lm_item_scored(it)),
                              tuple(Response(L.lm_item_response_value(it, k), _str(L.lm_item_response_label(it, k)))
                                    for k in range(L.lm_item_response_count(it)))))
        self.items = tuple(items)
        scales = []
        for s in range(L.lm_instrument_scale_count(p)):
            sc = L.lm_instrument_scale(p, s)
            bands = []
            for b in range(L.lm_scale_band_count(sc)):
                band = L.lm_scale_band(sc, b)
                bands.append(Band(_str(L.lm_band_id(band)), _str(L.lm_band_label(band)), L.lm_band_min(band),
                                  L.lm_band_max(band)))
            norms = {name: _num(L.lm_scale_norm(sc, k)) for k, name in enumerate(_capi.NORMS)}
            if norms['n'] is not None:
                norms['n'] = int(norms['n'])
            scales.append(Scale(
                _str(L.lm_scale_id(sc)), _str(L.lm_scale_label(sc)),
                _enum_name(_capi.METHODS, L.lm_scale_method(sc)), _enum_name(_capi.DIRECTIONS, L.lm_scale_direction(sc)),
                tuple(self.items[L.lm_scale_item(sc, k)].id for k in range(L.lm_scale_item_count(sc))),
                L.lm_scale_min_answered(sc), L.lm_scale_min(sc), L.lm_scale_max(sc),
                _num(L.lm_scale_clinical_cutoff(sc)), norms, _str(L.lm_scale_norm_source(sc)),
                tuple(_str(L.lm_scale_note(sc, k)) for k in range(L.lm_scale_note_count(sc))), tuple(bands)))
        self.scales = tuple(scales)
        rules = []
        for r in range(L.lm_instrument_rule_count(p)):
            ru = L.lm_instrument_rule(p, r)
            rules.append(Rule(_str(L.lm_rule_id(ru)), _str(L.lm_rule_label(ru)),
                              _enum_name(_capi.COMBINE, L.lm_rule_combine(ru)),
                              tuple(Condition(self.scales[L.lm_rule_condition_scale(ru, k)].id,
                                              L.lm_rule_condition_value(ru, k),
                                              L.lm_rule_condition_count_required(ru, k))
                                    for k in range(L.lm_rule_condition_count(ru)))))
        self.rules = tuple(rules)
        self.scale_ids = tuple(s.id for s in self.scales)
        self.rule_ids = tuple(r.id for r in self.rules)
        self.band_ids = tuple(tuple(b.id for b in s.bands) for s in self.scales)
        self.band_labels = tuple(tuple(b.label for b in s.bands) for s in self.scales)


class Instrument(_Owned):
    """A loaded, validated definition. Immutable; share it between threads freely."""
    __slots__ = ('_meta', '_local', '_scorers')
    _kind = 'instrument'
    _free = _lib.lm_instrument_free

    def __init__(self, _ptr):
        if not isinstance(_ptr, _capi.P(_capi.lm_instrument)):
            raise TypeError('use Instrument.builtin(), .from_file(), .from_string() or .load()')
        self._own(_ptr)
        self._meta = _Meta(_ptr)
        self._local = threading.local()   # this thread's scorer, for score()
        self._scorers = weakref.WeakSet()  # every scorer score() made, to close them with the instrument

    @classmethod
    def builtin(cls, id):
        """One of the definitions compiled into the library (see builtin_ids())."""
        return cls(_call_loader(_lib.lm_instrument_load_builtin, id.encode()))

    @classmethod
    def from_file(cls, path):
        """A YAML definition file."""
        return cls(_call_loader(_lib.lm_instrument_load_file, _path(path)))

    @classmethod
    def from_string(cls, yaml, name=None):
        """A YAML definition in memory; @p name is what diagnostics call it."""
        data = yaml.encode() if isinstance(yaml, str) else bytes(yaml)
        return cls(_call_loader(_lib.lm_instrument_load_buffer, data, len(data),
                                None if name is None else _path(name)))

    @classmethod
    def find(cls, id):
        """The definition of @p id on the search path: the built-ins, then the directories of
        $LIBRA_MEASURES_PATH (':'-separated), $XDG_DATA_HOME/libra_measures/instruments
        (default ~/.local/share/...), and the installed data directory, each holding ID.yaml.
        A definition there with a built-in's id raises DefinitionError naming both."""
        return cls(_call_loader(_lib.lm_instrument_find, id.encode()))

    @classmethod
    def load(cls, spec):
        """As the command line reads INSTRUMENT: a built-in id; a path when it holds a '/';
        else an id on the search path (find()); else a file of that name."""
        return cls(_call_loader(_lib.lm_instrument_load, _path(spec)))

    # Metadata, copied out of the definition (valid after close()).
    id = property(lambda self: self._meta.id)
    name = property(lambda self: self._meta.name)
    version = property(lambda self: self._meta.version)
    citation = property(lambda self: self._meta.citation)
    terms = property(lambda self: self._meta.terms)
    period = property(lambda self: self._meta.period)
    source = property(lambda self: self._meta.source)
    notes = property(lambda self: self._meta.notes)
    missing_codes = property(lambda self: self._meta.missing_codes)
    items = property(lambda self: self._meta.items)
    scales = property(lambda self: self._meta.scales)
    rules = property(lambda self: self._meta.rules)

    def __repr__(self):
        return '<Instrument %s (%s)%s>' % (self.id, self.source, ' closed' if self.closed else '')

    def scorer(self):
        """A new Scorer of this instrument, for one thread at a time."""
        with self._lock:
            self._check()
            return self._new_scorer()

    def _new_scorer(self):
        # Call with self._lock held.
        ptr = _capi.P(_capi.lm_scorer)()
        rc = _lib.lm_scorer_new(byref(ptr), self._ptr)
        if rc != 0:
            raise LibraError(rc)
        return Scorer._adopt(ptr, self._meta)

    def score(self, values):
        """Score one respondent with this thread's scorer: see Scorer.score()."""
        scorer = getattr(self._local, 'scorer', None)
        if scorer is None or scorer.closed:
            with self._lock:
                self._check()
                scorer = self._new_scorer()
                self._scorers.add(scorer)
            self._local.scorer = scorer
        return scorer.score(values)

    def close(self):
        """Give the instrument back, then close the scorers score() made (waiting
        for a call in progress). Scorers from scorer() and analyses from
        prepost() stay usable: they hold their own reference in C."""
        self._finalizer()  # under the lock: no scorer is made after this
        with self._lock:
            scorers = list(self._scorers)
            self._scorers.clear()
        for s in scorers:
            s.close()

    def prepost(self, pre, post=None, *, id_column='id', group_column=None, on_duplicate='error',
                reliability=None, rci_sd=None, delimiter=None, wave_column=None, pre_value=None, post_value=None,
                threads=1, waves=None, cluster_column=None, reference_group=None, keep=(), keep_all=False):
        """Pre/post change analysis of two CSV files (PRE, POST), or of one long
        table (PRE) whose WAVE_COLUMN holds PRE_VALUE or POST_VALUE. Returns a
        PrePost; raises LibraError with every problem in the data (and the row
        counts, as .counts). THREADS=2 reads the two files at the same time
        (lm_prepost_set_threads(); the results are the same).

        With WAVES (names, baseline first): PRE is a list of files, one per
        wave, or one long table whose WAVE_COLUMN holds the wave names; each
        later wave is analysed against the baseline (PrePost.by_wave), with
        CLUSTER_COLUMN and REFERENCE_GROUP as lm_prepost_set_cluster_column()
        and lm_prepost_set_reference_group().

        KEEP names columns of the baseline table to carry, as text, into the
        respondent table (PrePostResult.respondents, write(format='csv',
        'xlsx', 'sav' or 'dta')); KEEP_ALL carries every column but the id
        and group (lm_prepost_keep_column(), lm_prepost_set_keep_all())."""
        if waves is not None:
            waves = [str(w) for w in waves]
            if post is not None or pre_value is not None or post_value is not None:
                raise TypeError('with waves, give a list of files or one long table with wave_column')
            if wave_column is None and (isinstance(pre, (str, bytes)) or len(pre) != len(waves)):
                raise TypeError('with waves and no wave_column, give one file per wave')
        elif wave_column is None:
            if post is None:
                raise TypeError('prepost() needs a post file, or wave_column for one long table')
        elif post is not None or pre_value is None or post_value is None:
            raise TypeError('the long form takes one file, wave_column, pre_value and post_value')
        if on_duplicate not in _capi.DUPLICATES:
            raise ValueError('on_duplicate must be one of %s' % ', '.join(_capi.DUPLICATES))
        if not isinstance(threads, int) or isinstance(threads, bool) or not 1 <= threads <= 1024:
            raise ValueError('threads must be a whole number from 1 to 1024')
        d = None
        if delimiter is not None:  # None: the library's default (detected, or ',')
            d = delimiter.encode() if isinstance(delimiter, str) else bytes(delimiter)
            if len(d) != 1:
                raise ValueError('delimiter must be one byte')
        with self._lock:
            self._check()
            ptr = _capi.P(_capi.lm_prepost)()
            rc = _lib.lm_prepost_new(byref(ptr), self._ptr)
            if rc != 0:
                raise LibraError(rc)
        pp = PrePost._adopt(ptr, self._meta)
        try:
            p = pp._ptr
            options = [(_lib.lm_prepost_set_id_column, id_column.encode(), 'id_column'),
                       (_lib.lm_prepost_set_duplicates, _capi.DUPLICATES.index(on_duplicate), 'on_duplicate'),
                       (_lib.lm_prepost_set_threads, threads, 'threads')]
            if d is not None:
                options.append((_lib.lm_prepost_set_delimiter, d, 'delimiter'))
            if group_column is not None:
                options.append((_lib.lm_prepost_set_group_column, group_column.encode(), 'group_column'))
            if reliability is not None:
                options.append((_lib.lm_prepost_set_reliability, float(reliability), 'reliability'))
            if rci_sd is not None:
                options.append((_lib.lm_prepost_set_rci_sd, float(rci_sd), 'rci_sd'))
            if cluster_column is not None:
                options.append((_lib.lm_prepost_set_cluster_column, cluster_column.encode(), 'cluster_column'))
            if reference_group is not None:
                options.append((_lib.lm_prepost_set_reference_group, str(reference_group).encode(),
                                'reference_group'))
            for name in ([keep] if isinstance(keep, str) else keep):
                options.append((_lib.lm_prepost_keep_column, str(name).encode(), 'keep'))
            if keep_all:
                options.append((_lib.lm_prepost_set_keep_all, 1, 'keep_all'))
            if waves is not None:
                names = (c_char_p * len(waves))(*(w.encode() for w in waves))
                options.append((lambda p, v: _lib.lm_prepost_set_waves(p, v, len(waves)), names, 'waves'))
            for fn, value, what in options:
                rc = fn(p, value)
                if rc != 0:
                    raise ValueError('%s: %s' % (what, _str(_lib.lm_strerror(rc))))
            with _Errors() as err:
                if waves is not None and wave_column is None:
                    paths = (c_char_p * len(waves))(*(_path(f) for f in pre))
                    rc = _lib.lm_prepost_run_wave_files(p, paths, len(waves), err._ptr)
                elif waves is not None:
                    rc = _lib.lm_prepost_run_wave_long_file(p, _path(pre), wave_column.encode(), err._ptr)
                elif wave_column is None:
                    rc = _lib.lm_prepost_run_files(p, _path(pre), _path(post), err._ptr)
                else:
                    rc = _lib.lm_prepost_run_long_file(p, _path(pre), wave_column.encode(), str(pre_value).encode(),
                                                       str(post_value).encode(), err._ptr)
                if rc != 0:
                    raise err.error(rc, counts=pp._counts())
            pp._read()
        except BaseException:
            pp.close()
            raise
        return pp


# ---------------------------------------------------------------------------
# Scoring


class ScaleResult(NamedTuple):
    """One scale's result: score (None when too few items were answered), the
    number of items answered and holding a missing-value code, status ('ok',
    'prorated' or 'insufficient'), and band id and label (None without)."""
    score: Optional[float]
    answered: int
    coded: int
    status: str
    band: Optional[str]
    band_label: Optional[str]


class Scores(Mapping):
    """Scale id -> ScaleResult, in definition order; .rules maps rule id -> True, False or None (not determinable)."""
    __slots__ = ('_scales', 'rules')

    def __init__(self, scales, rules):
        self._scales = scales
        self.rules = rules

    def __getitem__(self, key):
        return self._scales[key]

    def __iter__(self):
        return iter(self._scales)

    def __len__(self):
        return len(self._scales)

    def __repr__(self):
        return 'Scores(%r, rules=%r)' % (self._scales, self.rules)

    def to_dict(self):
        """As the command line's JSON: {"scales": {S: {score, answered, coded, status, band}}, "rules": {R: ...}}."""
        return {'scales': {k: {'score': v.score, 'answered': v.answered, 'coded': v.coded, 'status': v.status,
                               'band': v.band} for k, v in self._scales.items()},
                'rules': dict(self.rules)}


class Scorer(_Owned):
    """Scores respondents of one instrument, one at a time. Keeps the C
    instrument alive by itself. One thread at a time (calls are serialised)."""
    __slots__ = ('_meta', '_err', '_values')
    _kind = 'scorer'
    _free = _lib.lm_scorer_free

    def __init__(self, *args, **kwargs):
        raise TypeError('use Instrument.scorer()')

    @classmethod
    def _adopt(cls, ptr, meta):
        self = object.__new__(cls)
        try:
            self._err = _Errors()
        except BaseException:
            _lib.lm_scorer_free(ptr)
            raise
        self._own(ptr)
        self._meta = meta
        self._values = (c_double * len(meta.items))()
        return self

    instrument_id = property(lambda self: self._meta.id)

    def close(self):
        self._finalizer()
        self._err.close()

    def score(self, values):
        """Score one respondent. VALUES: one per item, in item order; None (or
        NaN) for a blank; a number, or text as in a data file ("3", " 3.0 ", a
        response label in any case). Returns Scores. A value that is not one of
        the item's responses or a missing-value code raises LibraError listing
        every bad value, each with .item and .column (its 1-based position)."""
        values = list(values)
        text = False
        for v in values:
            if isinstance(v, str):
                text = True
            elif v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
                raise TypeError('values must be numbers, text or None, not %r' % (v,))
        with self._lock:
            self._check()
            p, e = self._ptr, self._err._ptr
            _lib.lm_error_clear(e)
            n = len(values)
            if not text:
                arr = self._values if n == len(self._values) else (c_double * n)()
                for i, v in enumerate(values):
                    arr[i] = _NAN if v is None else v
                rc = _lib.lm_scorer_score(p, arr, n, e)
                if rc == Status.EDATA:
                    self._fail_item_by_item(values)
                if rc != 0:
                    raise self._err.error(rc)
            else:
                if n != len(self._meta.items):
                    rc = _lib.lm_scorer_score(p, (c_double * max(n, 1))(), n, e)  # the library words it
                    raise self._err.error(rc)
                self._fail_item_by_item(values)
                rc = _lib.lm_scorer_run(p)
                if rc != 0:
                    raise LibraError(rc)
            return self._results()

    def _set_all(self, values):
        """Set every item; return the diagnostics, each with its item."""
        p, e = self._ptr, self._err._ptr
        items = self._meta.items
        _lib.lm_error_clear(e)
        _lib.lm_scorer_clear(p)
        problems, worst = [], 0
        for i, v in enumerate(values):
            before = _lib.lm_error_count(e)
            if isinstance(v, str):
                b = v.encode('utf-8', 'surrogateescape')
                rc = _lib.lm_scorer_set_text(p, i, b, len(b), e)
            else:
                rc = _lib.lm_scorer_set(p, i, _NAN if v is None else float(v), e)
            if rc != 0:
                worst = worst or rc
                problems += self._err.diagnostics(before, items[i].id, i + 1)
        return worst, problems

    def _fail_item_by_item(self, values):
        rc, problems = self._set_all(values)
        if rc != 0:
            _lib.lm_scorer_clear(self._ptr)
            raise LibraError(rc, problems, _lib.lm_error_total(self._err._ptr))

    def _results(self):
        L, p, m = _lib, self._ptr, self._meta
        scales = {}
        for s, sid in enumerate(m.scale_ids):
            band = L.lm_scorer_scale_band(p, s)
            status = L.lm_scorer_scale_status(p, s)
            scales[sid] = ScaleResult(_num(L.lm_scorer_scale_score(p, s)), L.lm_scorer_scale_answered(p, s),
                                      L.lm_scorer_scale_coded(p, s), _enum_name(_capi.SCORE_STATUS, status),
                                      m.band_ids[s][band] if band >= 0 else None,
                                      m.band_labels[s][band] if band >= 0 else None)
        rules = {rid: _capi.RULE_VALUES.get(L.lm_scorer_rule(p, r)) for r, rid in enumerate(m.rule_ids)}
        return Scores(scales, rules)



# ---------------------------------------------------------------------------
# Pre/post change


@dataclass(frozen=True)
class Statistics:
    """Named statistics (see doc/PREPOST.md): a number, or None with the reason in .reasons."""
    values: dict
    reasons: dict

    def __getitem__(self, name):
        return self.values[name]


@dataclass(frozen=True)
class ScaleChange:
    id: str
    stats: Statistics            # over all pairs: pre_n, pre_mean, ..., change_mean, t, df, p, dz, dav, rci_*, ...
    reliability_source: str      # 'none', 'override', 'norms' or 'alpha_pre'
    groups: dict                 # group name -> Statistics over that group's pairs
    comparison: Optional[Statistics]  # two groups: difference, welch_t, df, p, hedges_g; None without groups


@dataclass(frozen=True)
class RespondentScale:
    pre: Optional[float]
    post: Optional[float]
    change: Optional[float]
    rci: Optional[float]
    reliable: Optional[str]      # 'improved', 'deteriorated', 'none'; None when unknown
    category: Optional[str]      # 'recovered', 'improved', 'unchanged', 'deteriorated'; None when unknown
    band_pre: Optional[str]
    band_post: Optional[str]


@dataclass(frozen=True)
class Respondent:
    id: str
    group: Optional[str]
    scales: dict                 # scale id -> RespondentScale


@dataclass(frozen=True)
class WaveScale:
    stats: Statistics            # baseline -> this wave, over all pairs (as ScaleChange.stats)
    groups: dict                 # group name -> Statistics
    comparison: Optional[Statistics]
    attrition: Statistics        # completers_n, completers_mean, ..., welch_t, df, p
    attrition_groups: dict       # group name -> {'completers': n, 'dropouts': n}
    ancova: Optional['Ancova'] = None           # with 2 to 15 groups
    icc_baseline: Optional[Statistics] = None   # with a cluster column: icc, design_effect, n0, clusters, n


@dataclass(frozen=True)
class Ancova:
    """The baseline-adjusted arm effects at one wave (doc/PREPOST.md, "Trial analysis")."""
    reference: str               # the reference group
    n: int                       # pairs in the model
    vcov: str                    # 'OLS', or 'CR2' with a cluster column
    clusters: Optional[int]      # clusters among the pairs (None without a cluster column)
    baseline_slope: Statistics   # estimate, se, t, df, p, ci_low, ci_high
    effects: dict                # group name (not the reference) -> Statistics, as baseline_slope


@dataclass(frozen=True)
class WaveChange:
    counts: dict                 # as PrePost.counts, for baseline -> this wave
    flow: dict                   # group name -> {'baseline_rows', 'wave_rows', 'pairs'}
    scales: dict                 # scale id -> WaveScale


_INT_STATS = {'pre_n', 'post_n', 'pre_alpha_n', 'post_alpha_n', 'change_n', 'improved', 'deteriorated',
              'unchanged', 'recovered'}


class PrePost(_Owned):
    """The result of Instrument.prepost(): .counts, .groups, .scales (scale id
    -> ScaleChange), .respondents; to_json(), to_csv(), summary() and write()
    produce what the command line writes."""
    __slots__ = ('_meta', 'counts', 'groups', 'scales', 'respondents', 'waves', 'by_wave')
    _kind = 'prepost'
    _free = _lib.lm_prepost_free

    def __init__(self, *args, **kwargs):
        raise TypeError('use Instrument.prepost()')

    @classmethod
    def _adopt(cls, ptr, meta):
        self = object.__new__(cls)
        self._own(ptr)
        self._meta = meta
        return self

    instrument_id = property(lambda self: self._meta.id)

    def _counts(self):
        return {name: _lib.lm_prepost_count(self._ptr, k) for k, name in enumerate(_capi.COUNTS)}

    def _stats(self, s, g, wave=1):
        L, p = _lib, self._ptr
        values, reasons = {}, {}
        for k, name in enumerate(_capi.STATS):
            v = _num(L.lm_prepost_wave_stat(p, wave, s, g, k))
            if v is None:
                reasons[name] = _str(L.lm_prepost_wave_stat_reason(p, wave, s, g, k))
            elif name in _INT_STATS:
                v = int(v)
            values[name] = v
        return Statistics(values, reasons)

    def _read(self):
        L, p, m = _lib, self._ptr, self._meta
        self.counts = self._counts()
        self.groups = tuple(_str(L.lm_prepost_group_name(p, g)) for g in range(L.lm_prepost_group_count(p)))
        scales = {}
        for s, sid in enumerate(m.scale_ids):
            comparison = None
            if self.groups:
                values, reasons = {}, {}
                for k, name in enumerate(_capi.COMPARE):
                    v = _num(L.lm_prepost_compare(p, s, k))
                    values[name] = v
                    if v is None:
                        reasons[name] = _str(L.lm_prepost_compare_reason(p, s, k))
                comparison = Statistics(values, reasons)
            scales[sid] = ScaleChange(
                sid, self._stats(s, _lib.lm_prepost_all_groups()),
                _enum_name(_capi.RELIABILITY_SOURCES, L.lm_prepost_reliability_source(p, s)),
                {name: self._stats(s, g) for g, name in enumerate(self.groups)}, comparison)
        self.scales = scales
        respondents = []
        for r in range(L.lm_prepost_respondent_count(p)):
            per = {}
            for s, sid in enumerate(m.scale_ids):
                pre = _num(L.lm_prepost_respondent_score(p, r, s, 0))
                post = _num(L.lm_prepost_respondent_score(p, r, s, 1))
                bands = [L.lm_prepost_respondent_band(p, r, s, w) for w in (0, 1)]
                per[sid] = RespondentScale(
                    pre, post, None if pre is None or post is None else post - pre,
                    _num(L.lm_prepost_respondent_rci(p, r, s)),
                    _str(L.lm_reliable_name(L.lm_prepost_respondent_reliable(p, r, s))),
                    _str(L.lm_category_name(L.lm_prepost_respondent_category(p, r, s))),
                    *(m.band_ids[s][b] if b >= 0 else None for b in bands))
            respondents.append(Respondent(_str(L.lm_prepost_respondent_id(p, r)),
                                          _str(L.lm_prepost_respondent_group(p, r)), per))
        self.respondents = tuple(respondents)
        self._read_waves()

    def _read_waves(self):
        """With waves: .waves (names, baseline first) and .by_wave (later wave name -> WaveChange)."""
        L, p, m = _lib, self._ptr, self._meta
        self.waves, self.by_wave = None, None
        if L.lm_prepost_wave_name(p, 0) is None:
            return
        self.waves = tuple(_str(L.lm_prepost_wave_name(p, w)) for w in range(L.lm_prepost_wave_count(p)))
        by_wave = {}
        for w in range(1, len(self.waves)):
            scales = {}
            for s, sid in enumerate(m.scale_ids):
                comparison = None
                if self.groups:
                    values, reasons = {}, {}
                    for k, name in enumerate(_capi.COMPARE):
                        values[name] = _num(L.lm_prepost_wave_compare(p, w, s, k))
                        if values[name] is None:
                            reasons[name] = _str(L.lm_prepost_wave_compare_reason(p, w, s, k))
                    comparison = Statistics(values, reasons)
                values, reasons = {}, {}
                for k, name in enumerate(_capi.ATTRITION):
                    v = _num(L.lm_prepost_attrition(p, w, s, k))
                    if v is None:
                        reasons[name] = _str(L.lm_prepost_attrition_reason(p, w, s, k))
                    elif name.endswith('_n'):
                        v = int(v)
                    values[name] = v
                scales[sid] = WaveScale(
                    self._stats(s, _lib.lm_prepost_all_groups(), w),
                    {name: self._stats(s, g, w) for g, name in enumerate(self.groups)}, comparison,
                    Statistics(values, reasons),
                    {name: {'completers': L.lm_prepost_attrition_group(p, w, s, g, 0),
                            'dropouts': L.lm_prepost_attrition_group(p, w, s, g, 1)}
                     for g, name in enumerate(self.groups)},
                    self._ancova(w, s), self._icc(s))
            by_wave[self.waves[w]] = WaveChange(
                {name: L.lm_prepost_wave_tally(p, w, k) for k, name in enumerate(_capi.COUNTS)},
                {name: {f: L.lm_prepost_wave_flow(p, w, g, k) for k, f in enumerate(_capi.FLOW)}
                 for g, name in enumerate(self.groups)},
                scales)
        self.by_wave = by_wave

    def _ancova(self, w, s):
        """The ANCOVA of scale s at wave w, or None without 2 to 15 groups."""
        L, p = _lib, self._ptr
        if not 2 <= len(self.groups) <= 15:
            return None

        def effect(g):
            values, reasons = {}, {}
            for k, name in enumerate(_capi.ANCOVA):
                values[name] = _num(L.lm_prepost_ancova(p, w, s, g, k))
                if values[name] is None:
                    reasons[name] = _str(L.lm_prepost_ancova_reason(p, w, s, g, k))
            return Statistics(values, reasons)
        ref = L.lm_prepost_reference_group(p)
        clustered = L.lm_prepost_cluster_count(p) > 0
        return Ancova(self.groups[ref], L.lm_prepost_ancova_n(p, w, s), 'CR2' if clustered else 'OLS',
                      L.lm_prepost_ancova_clusters(p, w, s) if clustered else None,
                      effect(L.lm_prepost_all_groups()),
                      {name: effect(g) for g, name in enumerate(self.groups) if g != ref})

    def _icc(self, s):
        """The baseline ICC of scale s, or None without a cluster column."""
        L, p = _lib, self._ptr
        if L.lm_prepost_cluster_count(p) == 0:
            return None
        values, reasons = {}, {}
        for k, name in enumerate(_capi.ICC):
            v = _num(L.lm_prepost_icc_baseline(p, s, k))
            if v is None:
                reasons[name] = _str(L.lm_prepost_icc_baseline_reason(p, s, k))
            elif name in ('clusters', 'n'):
                v = int(v)
            values[name] = v
        return Statistics(values, reasons)

    def _format(self, format):
        try:
            return _capi.PREPOST_FORMATS.index(format)
        except ValueError:
            raise ValueError('format must be one of %s' % ', '.join(_capi.PREPOST_FORMATS)) from None

    def write(self, path, format='json', summary=None):
        """Write the results to PATH (atomically: a temporary file, then a rename).

        With SUMMARY, the readable summary goes to that path too, and the two
        files are put in place together or not at all (lm_outputs); PATH and
        SUMMARY must be different files, else LibraError before anything is
        written."""
        f = self._format(format)
        with self._lock:
            self._check()
            with _Errors() as err:
                if summary is None:
                    rc = _lib.lm_prepost_write_file(self._ptr, f, _path(path), err._ptr)
                else:
                    rc = self._write_together(((f, _path(path)), (2, _path(summary))), err)
                if rc != 0:
                    raise err.error(rc)

    def _write_together(self, outputs, err):
        # Call with self._lock held.
        outs = _capi.P(_capi.lm_outputs)()
        if _lib.lm_outputs_new(byref(outs)) != 0:
            raise MemoryError('lm_outputs_new')
        try:
            for _, p in outputs:
                rc = _lib.lm_outputs_add_output(outs, p, err._ptr)
                if rc != 0:
                    return rc
            for f, p in outputs:
                rc = _lib.lm_prepost_stage_file(self._ptr, f, p, outs, err._ptr)
                if rc != 0:
                    return rc
            return _lib.lm_outputs_commit(outs, err._ptr)
        finally:
            _lib.lm_outputs_free(outs)

    def _text(self, format):
        f = self._format(format)
        with self._lock, tempfile.TemporaryFile() as tmp:
            self._check()
            with _Errors() as err:
                rc = _lib.lm_prepost_write_fd(self._ptr, f, tmp.fileno(), err._ptr)
                if rc != 0:
                    raise err.error(rc)
            tmp.seek(0)
            return tmp.read().decode('utf-8', 'surrogateescape')

    def to_json(self):
        """The whole analysis as the JSON document `libra prepost` writes."""
        return self._text('json')

    def to_csv(self):
        """One row per pair, as `libra prepost --format csv` writes."""
        return self._text('csv')

    def summary(self):
        """The readable per-scale summary."""
        return self._text('summary')
