"""Waves from Python: a baseline and two later waves (tests/data/waves), by
files and by one long table, read through the lm_prepost_wave_* API; the
attrition equals R's t.test (tests/reference/waves.csv)."""
import csv
import math
import unittest

import libra_measures as lm
from support import data

DIR = data('tests', 'data', 'waves')
WAVES = ['W1', 'W2', 'W3']
FILES = [data('tests', 'data', 'waves', f) for f in ('w1.csv', 'w2.csv', 'w3.csv')]


class Waves(unittest.TestCase):
    def setUp(self):
        self.inst = lm.Instrument.load(data('tests', 'data', 'waves', 'instrument.yaml'))
        self.addCleanup(self.inst.close)
        self.kw = dict(group_column='arm', cluster_column='unit', on_duplicate='exclude', waves=WAVES)

    def test_files_and_long_form(self):
        files = self.inst.prepost(FILES, **self.kw)
        long = self.inst.prepost(data('tests', 'data', 'waves', 'long.csv'), wave_column='wave', **self.kw)
        self.assertEqual(files.waves, tuple(WAVES))
        self.assertEqual(list(files.by_wave), ['W2', 'W3'])
        for w in ('W2', 'W3'):
            a, b = files.by_wave[w], long.by_wave[w]
            self.assertEqual(a.scales['total'].stats, b.scales['total'].stats)
            self.assertEqual(a.scales['total'].attrition, b.scales['total'].attrition)
            self.assertEqual(a.flow, b.flow)
        # the two-wave results are those of baseline -> W2
        self.assertEqual(files.scales['total'].stats, files.by_wave['W2'].scales['total'].stats)
        self.assertEqual(files.by_wave['W2'].counts['pairs'], 12)
        self.assertEqual(sum(f['baseline_rows'] for f in files.by_wave['W2'].flow.values()), 16)

    def test_attrition_equals_r(self):
        pp = self.inst.prepost(FILES, **self.kw)
        with open(data('tests', 'reference', 'waves.csv')) as f:
            rows = list(csv.DictReader(f))
        for row, w in zip(rows, ('W2', 'W3')):
            a = pp.by_wave[w].scales['total'].attrition
            for name in lm._capi.ATTRITION:
                want = float(row[name])
                tol = 1e-9 * want if name == 'p' else 1e-9
                self.assertTrue(math.fabs(a[name] - want) <= tol, (w, name, a[name], want))
            groups = pp.by_wave[w].scales['total'].attrition_groups
            self.assertEqual(groups['treat'], {'completers': int(row['treat_completers']),
                                               'dropouts': int(row['treat_dropouts'])})

    def test_ancova_and_icc_match_the_document(self):
        import json
        import os
        import tempfile
        pp = self.inst.prepost(FILES, reference_group='control', **self.kw)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'out.json')
            pp.write(path)
            with open(path) as f:
                doc = json.load(f)
        for w in ('W2', 'W3'):
            got = pp.by_wave[w].scales['total']
            want = doc['by_wave'][w]['scales']['total']
            a, wa = got.ancova, want['groups']['ancova']
            self.assertEqual((a.reference, a.n, a.vcov, a.clusters), (wa['reference'], wa['n'], wa['vcov'], wa['clusters']))
            self.assertEqual(a.baseline_slope['estimate'], wa['baseline_slope'])
            e, we = a.effects['treat'], wa['effects']['treat']
            for name in ('estimate', 'se', 't', 'df', 'p'):
                self.assertEqual(e[name], we[name])
            self.assertEqual([e['ci_low'], e['ci_high']], we['ci95'])
            self.assertEqual(got.icc_baseline['icc'], want['icc_baseline']['icc'])
            self.assertEqual(got.icc_baseline['clusters'], 5)

    def test_two_waves_without_names(self):
        pp = self.inst.prepost(FILES[0], FILES[1], group_column='arm', on_duplicate='exclude')
        self.assertIsNone(pp.waves)
        self.assertIsNone(pp.by_wave)

    def test_bad_waves(self):
        with self.assertRaises(TypeError):
            self.inst.prepost(FILES[:2], **self.kw)
        with self.assertRaises(ValueError):
            self.inst.prepost(FILES[:2], waves=['a', 'a'])


if __name__ == '__main__':
    unittest.main()
