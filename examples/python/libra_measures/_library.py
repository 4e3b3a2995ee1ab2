"""The C library in use: its handle (loaded once, from the system loader or
$LIBRA_MEASURES_LIBRARY), conversions of its values, and its module-level
functions (version, built-in ids, number formatting)."""
import math
import os
from ctypes import create_string_buffer

from . import _capi


_lib = _capi.load_library()

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
