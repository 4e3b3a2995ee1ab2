"""Pre/post change: the PrePost analysis, its results as frozen dataclasses,
and writing its documents."""
import tempfile
from ctypes import byref
from dataclasses import dataclass
from typing import Optional

from . import _capi
from ._library import _lib, _num, _path, _str
from ._handles import _Owned
from ._errors import _Errors
from ._definition import _enum_name


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
