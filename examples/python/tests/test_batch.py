"""The batch call (lm_batch_score) through the ctypes declarations: one call
scores a whole column set, and every result equals scoring the respondents
one at a time through the Python API. (The Python package's own batch API
is a later change; this checks the declarations a binding would use.)"""
import csv
import ctypes
import math
import unittest

import libra_measures as lm
from libra_measures import _capi
from support import data


class Batch(unittest.TestCase):
    def test_batch_equals_one_at_a_time(self):
        lib = _capi.load_library()
        rows = []
        for name in ('stss_pre.csv', 'stss_post.csv'):
            with open(data('examples', 'data', name), newline='') as f:
                rows += [row for row in csv.DictReader(f)]
        n = len(rows)
        with lm.Instrument.builtin('stss') as stss:
            expected = [stss.score([float(row['stss_%d' % k]) if row['stss_%d' % k].strip() else None
                                    for k in range(1, 18)]) for row in rows]
            inst = stss._ptr
            batch = ctypes.POINTER(_capi.lm_batch)()
            self.assertEqual(lib.lm_batch_new(ctypes.byref(batch), inst), 0)
            try:
                # Items as numbers (NaN blank), integers (INT_MIN blank) or text (None blank) in turn.
                keep = []
                for i in range(17):
                    cells = [row['stss_%d' % (i + 1)] for row in rows]
                    if i % 3 == 0:
                        col = (ctypes.c_double * n)(*[float(c) if c.strip() else math.nan for c in cells])
                        self.assertEqual(lib.lm_batch_set_numeric(batch, i, col, b'Q%d' % i), 0)
                    elif i % 3 == 1:
                        col = (ctypes.c_int * n)(*[int(c) if c.strip() else -2**31 for c in cells])
                        self.assertEqual(lib.lm_batch_set_integer(batch, i, col, -2**31, None), 0)
                    else:
                        col = (ctypes.c_char_p * n)(*[c.encode() if c.strip() else None for c in cells])
                        self.assertEqual(lib.lm_batch_set_text(batch, i, col, None), 0)
                    keep.append(col)
                ns = lib.lm_instrument_scale_count(inst)
                out = [((ctypes.c_double * n)(), (ctypes.c_int * n)(), (ctypes.c_int * n)(), (ctypes.c_int * n)())
                       for _ in range(ns)]
                for s, (score, answered, status, band) in enumerate(out):
                    self.assertEqual(lib.lm_batch_set_scale_output(batch, s, score, answered, status, band), 0)
                rule = (ctypes.c_int * n)()
                self.assertEqual(lib.lm_batch_set_rule_output(batch, 0, rule), 0)
                self.assertEqual(lib.lm_batch_score(batch, n, None), 0)
                self.assertEqual(lib.lm_batch_rejected_count(batch), 0)
                for r, result in enumerate(expected):
                    for s, (score, answered, status, band) in enumerate(out):
                        want = list(result.values())[s]
                        if want.score is None:
                            self.assertTrue(math.isnan(score[r]))
                        else:
                            self.assertEqual(score[r], want.score)
                        self.assertEqual(answered[r], want.answered)
                        self.assertEqual(lib.lm_score_status_name(status[r]).decode(), want.status)
                        scale = lib.lm_instrument_scale(inst, s)
                        self.assertEqual(None if band[r] < 0 else
                                         lib.lm_band_id(lib.lm_scale_band(scale, band[r])).decode(), want.band)
                    self.assertEqual({1: True, 0: False, -1: None}[rule[r]], list(result.rules.values())[0])
            finally:
                lib.lm_batch_free(batch)

if __name__ == '__main__':
    unittest.main()
