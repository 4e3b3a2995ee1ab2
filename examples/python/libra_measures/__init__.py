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

Modules, one concern each, all re-exported here: _library (the C library's
handle and value conversions), _handles (ownership of C handles), _errors
(statuses, diagnostics, exceptions), _definition (an instrument's definition
as Python data), _instrument (finding and loading instruments), _scorer
(scoring one respondent), _prepost (pre/post analyses), _table (files read
as the command line reads them), _pipeline (a file scored into a file:
score_file_to), frame (tables, loaded on first use), _capi (the ctypes
declarations).
"""
from typing import TYPE_CHECKING

from . import _capi
from ._library import _NAN, _lib, _num, _path, _str, builtin_ids, format_number, library_version
from ._handles import _live, _live_handles, _live_lock, _Owned, _release
from ._errors import (DataError, DefinitionError, Diagnostic, LibraError, Status, _call_loader, _error_class,
                      _Errors, _status)
from ._definition import Band, Condition, Item, MissingCode, Response, Rule, Scale, _enum_name, _Meta
from ._scorer import ScaleResult, Scorer, Scores
from ._prepost import (Ancova, PrePost, Respondent, RespondentScale, ScaleChange, Statistics, WaveChange, WaveScale,
                       _INT_STATS)
from ._instrument import Found, Instrument, instruments
from ._pipeline import ScoreFileSummary, score_file_to

__all__ = ['Instrument', 'Scorer', 'Scores', 'ScaleResult', 'PrePost', 'LibraError', 'DataError', 'DefinitionError',
           'Diagnostic', 'Status', 'builtin_ids', 'library_version', 'format_number', 'instruments', 'Found',
           'score', 'score_file', 'prepost', 'PrePostResult', 'STATUS_LEVELS', 'score_file_to',
           'ScoreFileSummary', '__version__']

#: The package's version: that of the C library it is written for (meson.build's project version).
__version__ = '0.3.0'

# The classes and functions above keep the package as their module, as when
# they were defined here: tracebacks, help() and pickles name libra_measures.X.
for _obj in list(globals().values()):
    if getattr(_obj, '__module__', '').startswith(__name__ + '._') and _obj.__module__ != __name__ + '._capi':
        _obj.__module__ = __name__
del _obj


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
