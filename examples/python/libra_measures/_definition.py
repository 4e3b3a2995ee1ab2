"""An instrument's definition as plain Python data (items, scales, bands,
rules, missing codes), copied out of the library once and shared read-only
by the Instrument and its scorers and analyses."""
from typing import NamedTuple, Optional, Tuple

from . import _capi
from ._library import _lib, _num, _str


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
