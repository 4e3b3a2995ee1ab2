"""The ctypes declarations match the public headers: every function's result
and argument types, every enumeration value, the version."""
import ctypes
import glob
import os
import re
import unittest

import libra_measures as lm
from libra_measures import _capi
from support import HEADER_DIRS

P = ctypes.POINTER
OPAQUE = {name: getattr(_capi, name) for name in ('lm_error', 'lm_instrument', 'lm_item', 'lm_scale', 'lm_band',
                                                  'lm_rule', 'lm_scorer', 'lm_prepost', 'lm_batch',
                                                  'lm_outputs', 'lm_table', 'lm_report', 'lm_catalog',
                                                  'lm_writer', 'lm_rejects')}
SCALARS = {'void': None, 'int': ctypes.c_int, 'long': ctypes.c_long, 'unsigned': ctypes.c_uint,
           'unsigned int': ctypes.c_uint, 'unsigned long': ctypes.c_ulong,
           'size_t': ctypes.c_size_t, 'double': ctypes.c_double, 'char': ctypes.c_char,
           'const char *': ctypes.c_char_p, 'char *': P(ctypes.c_char), 'const double *': P(ctypes.c_double),
           'size_t *': P(ctypes.c_size_t), 'const size_t *': P(ctypes.c_size_t), 'double *': P(ctypes.c_double), 'int *': P(ctypes.c_int), 'const int *': P(ctypes.c_int),
           'const char * const *': P(ctypes.c_char_p), 'unsigned long *': P(ctypes.c_ulong)}


def headers():
    found = {}
    for d in HEADER_DIRS:
        for path in glob.glob(os.path.join(d, '*.h')):
            found[os.path.basename(path)] = path
    if 'version.h' not in found:
        raise unittest.SkipTest('no generated version.h in %s (set LM_BUILD_ROOT)' % HEADER_DIRS)
    text = ''
    for name in sorted(found):
        with open(found[name]) as f:
            text += f.read() + '\n'
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def c_type(decl):
    """The ctypes type of a C type as the headers spell it."""
    t = re.sub(r'\s+', ' ', decl.replace('*', ' * ')).strip().replace('* *', '**')
    t = re.sub(r' \*', ' *', t).replace(' **', ' **')
    m = re.fullmatch(r'(?:const )?(lm_\w+) (\*+)', t)
    if m and m.group(1) in OPAQUE:
        result = OPAQUE[m.group(1)]
        for _ in m.group(2):
            result = P(result)
        return result
    if t in SCALARS:
        return SCALARS[t]
    return 'unmapped C type %r' % t  # e.g. lm_table, which the module does not use


def prototypes(text):
    out = {}
    for m in re.finditer(r'LM_EXPORT\s+(?:LM_NODISCARD\s+)?([\w\s\*]+?)\b(lm_\w+)\s*\(([^)]*)\)\s*;', text):
        ret, name, params = m.group(1), m.group(2), m.group(3).strip()
        args = []
        if params != 'void':
            for p in params.split(','):
                p = p.strip()
                pm = re.fullmatch(r'(.*?[\s\*])(\w+)', p)  # drop the parameter name
                args.append(c_type(pm.group(1)))
        out[name] = (c_type(ret), args)
    return out


def enums(text):
    out = {}
    for m in re.finditer(r'enum\s+(lm_\w+)\s*\{(.*?)\}\s*;', text, flags=re.S):
        value, members = -1, {}
        for entry in m.group(2).split(','):
            entry = entry.strip()
            if not entry:
                continue
            em = re.fullmatch(r'(\w+)(?:\s*=\s*(-?\d+))?', entry)
            value = int(em.group(2)) if em.group(2) is not None else value + 1
            members[em.group(1)] = value
        out[m.group(1)] = members
    return out


class Bindings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = headers()

    def test_every_declaration_matches_the_header(self):
        declared = prototypes(self.text)
        self.assertGreater(len(declared), 140)
        for name, (restype, argtypes) in _capi.PROTOTYPES.items():
            with self.subTest(function=name):
                self.assertIn(name, declared, 'bound but not in the public headers')
                self.assertEqual((restype, argtypes), declared[name])
        unbound = sorted(set(declared) - set(_capi.PROTOTYPES))
        print('\n%d functions bound; not needed by the Python module: %s' % (len(_capi.PROTOTYPES), ', '.join(unbound)))

    def test_enumerations_match_the_headers(self):
        e = enums(self.text)

        def by_position(enum, prefix, names):
            self.assertEqual(e[enum], {prefix + n.upper(): k for k, n in enumerate(names)}, enum)

        self.assertEqual(e['lm_status_code'], {'LM_' + n: v for v, n in _capi.STATUS.items()})
        self.assertEqual({int(s): s.name for s in lm.Status}, _capi.STATUS)
        by_position('lm_method', 'LM_METHOD_', _capi.METHODS)
        by_position('lm_direction', 'LM_DIRECTION_', _capi.DIRECTIONS)
        by_position('lm_combine', 'LM_COMBINE_', _capi.COMBINE)
        by_position('lm_norm', 'LM_NORM_', _capi.NORMS)
        by_position('lm_score_status', 'LM_SCORE_', _capi.SCORE_STATUS)
        by_position('lm_duplicates', 'LM_DUPLICATES_', _capi.DUPLICATES)
        by_position('lm_prepost_count_kind', 'LM_PREPOST_COUNT_', _capi.COUNTS)
        by_position('lm_prepost_stat_kind', 'LM_PREPOST_STAT_', _capi.STATS)
        by_position('lm_prepost_compare_kind', 'LM_PREPOST_COMPARE_', _capi.COMPARE)
        by_position('lm_reliability_source', 'LM_RELIABILITY_', _capi.RELIABILITY_SOURCES)
        by_position('lm_prepost_format', 'LM_PREPOST_', _capi.PREPOST_FORMATS)
        by_position('lm_writer_format', 'LM_WRITER_', _capi.WRITER_FORMATS)
        self.assertEqual(e['lm_rule_value'], {'LM_RULE_FALSE': 0, 'LM_RULE_TRUE': 1, 'LM_RULE_UNKNOWN': -1})
        # The sentinel of enum getters is no value of any enumeration, and is LM_EINVAL's value.
        self.assertEqual(e['lm_enum_sentinel'], {'LM_INVALID_ENUM': -3})
        self.assertEqual(_capi.STATUS[e['lm_enum_sentinel']['LM_INVALID_ENUM']], 'EINVAL')
        for name, members in e.items():
            if name not in ('lm_status_code', 'lm_enum_sentinel'):
                self.assertNotIn(-3, members.values(), name)
        # "All groups" has a function twin for bindings.
        self.assertEqual(lm._lib.lm_prepost_all_groups(), _capi.SIZE_MAX)
        self.assertEqual(set(_capi.RULE_VALUES), set(e['lm_rule_value'].values()))
        # The names the library gives agree with the module's.
        for k, n in enumerate(_capi.SCORE_STATUS):
            self.assertEqual(lm._str(lm._lib.lm_score_status_name(k)), n)
        for v in e['lm_reliable'].values():
            self.assertEqual(lm._str(lm._lib.lm_reliable_name(v)), {1: 'improved', 2: 'deteriorated', 0: 'none'}.get(v))

    def test_header_version_equals_runtime_version(self):
        defines = dict(re.findall(r'#define (LM_VERSION_(?:MAJOR|MINOR|PATCH|STRING))\s+(\S+)', self.text))
        self.assertEqual(lm.library_version(), defines['LM_VERSION_STRING'].strip('"'))
        self.assertEqual((lm._lib.lm_version_major(), lm._lib.lm_version_minor(), lm._lib.lm_version_patch()),
                         tuple(int(defines['LM_VERSION_' + k]) for k in ('MAJOR', 'MINOR', 'PATCH')))

    def test_the_library_loaded_is_the_one_asked_for(self):
        want = os.environ.get('LIBRA_MEASURES_LIBRARY')
        if not want or not os.path.exists('/proc/self/maps'):
            self.skipTest('LIBRA_MEASURES_LIBRARY is not set, or no /proc')
        with open('/proc/self/maps') as f:
            maps = f.read()
        self.assertIn(os.path.realpath(want), maps)


if __name__ == '__main__':
    unittest.main()
