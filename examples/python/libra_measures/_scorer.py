"""Scoring one respondent at a time: the Scorer and the results it returns."""
import numbers
from collections.abc import Mapping
from ctypes import c_double
from typing import NamedTuple, Optional

from . import _capi
from ._library import _NAN, _lib, _num
from ._handles import _Owned
from ._errors import LibraError, Status, _Errors
from ._definition import _enum_name


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
