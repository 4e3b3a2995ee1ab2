"""Instruments: finding them on the search path, loading them (built-in, file,
text), and what is done with one (scoring, a pre/post analysis)."""
import threading
import warnings
import weakref
from ctypes import byref, c_char_p
from typing import NamedTuple, Optional

from . import _capi
from ._library import _lib, _path, _str
from ._handles import _Owned
from ._errors import LibraError, _Errors, _call_loader
from ._definition import _Meta
from ._scorer import Scorer
from ._prepost import PrePost


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
                threads=1, waves=None, cluster_column=None, reference_group=None, keep=(), keep_all=False,
                prefix=None, mapping=None, map_file=None, missing=(), value_labels=False):
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
        and group (lm_prepost_keep_column(), lm_prepost_set_keep_all()).

        Every file is read with the reading options of score_file_to() and
        ``libra prepost``: DELIMITER, PREFIX, MAPPING (item id -> column, as
        ``--map``), MAP_FILE, MISSING and VALUE_LABELS
        (lm_prepost_set_table_options())."""
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
                if prefix or mapping or map_file is not None or missing or value_labels:
                    from ._table import _configure_table, _new_table  # _table imports this module
                    like = _new_table(self)
                    try:
                        _configure_table(like, err, prefix=prefix, mapping=mapping, map_file=map_file,
                                         missing=missing, value_labels=value_labels)
                        rc = _lib.lm_prepost_set_table_options(p, like)
                    finally:
                        _lib.lm_table_free(like)
                    if rc != 0:
                        raise err.error(rc)
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
