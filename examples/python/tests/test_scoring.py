"""Python scores equal the command line's, row by row, on the shipped data and
on synthetic data for every bundled instrument and the worked example."""
import collections
import csv
import json
import math
import os
import random
import tempfile
import unittest

import libra_measures as lm
from support import cli, data

WORKED_EXAMPLE = data('tests', 'data', 'definitions', 'valid', 'worked_example', 'definition.yaml')


def read_csv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


class CliComparison(unittest.TestCase):
    def setUp(self):
        self.seen = collections.Counter()
    def assertSameScores(self, ours, theirs, where):
        """ours: Scores; theirs: one parsed line of `libra score --format json`."""
        self.assertEqual(list(ours), list(theirs['scales']), where)
        for sid, t in theirs['scales'].items():
            o = ours[sid]
            if t['score'] is None:
                self.assertIsNone(o.score, '%s %s' % (where, sid))
            else:
                # The command line prints the shortest decimal that reads back as the same
                # double, so its numbers equal the binding's exactly.
                self.assertEqual(o.score, t['score'], '%s %s' % (where, sid))
            self.assertEqual((o.answered, o.coded, o.status, o.band),
                             (t['answered'], t['coded'], t['status'], t['band']), '%s %s' % (where, sid))
            self.seen.update([o.status, 'coded' if o.coded else 'not coded', 'band' if o.band else 'no band'])
        self.assertEqual(ours.rules, theirs['rules'], where)
        self.seen.update('rule %s' % v for v in ours.rules.values())

    def compare_file(self, spec, path, inst):
        out, _, _ = cli('score', spec, path, '--format', 'json')
        theirs = [json.loads(line) for line in out.splitlines()]
        rows = read_csv(path)
        self.assertEqual(len(rows), len(theirs))
        for n, (row, t) in enumerate(zip(rows, theirs), 1):
            self.assertEqual(t['row'], n)
            if 'id' in row:
                self.assertEqual(t['id'], row['id'])
            cells = [row[item.id] for item in inst.items]
            self.assertSameScores(inst.score(cells), t, '%s row %d (text)' % (path, n))
            # The same respondent as numbers (labels looked up here) scores the same.
            self.assertSameScores(inst.score([self.as_number(inst, k, c) for k, c in enumerate(cells)]), t,
                                  '%s row %d (numbers)' % (path, n))
        return len(rows)

    @staticmethod
    def as_number(inst, k, cell):
        cell = cell.strip()
        if not cell:
            return None
        try:
            return float(cell)
        except ValueError:
            pass
        for value, label in inst.items[k].responses + inst.missing_codes:
            if label and label.lower() == cell.lower():
                return value
        raise AssertionError('no value for %r' % cell)

    def test_shipped_example_data(self):
        with lm.Instrument.builtin('stss') as stss:
            for name in ('stss_pre.csv', 'stss_post.csv'):
                self.assertEqual(self.compare_file('stss', data('examples', 'data', name), stss), 40)

    def synthetic(self, inst, rng, rows=150):
        """Random respondents: responses as numbers, labels in any case,
        padded numbers, blanks and missing-value codes."""
        header = ['id'] + [item.id for item in inst.items]
        out = [header]
        for r in range(rows):
            blank_rate = rng.choice([0.0, 0.0, 0.1, 0.3])
            row = ['P%03d' % r]
            for item in inst.items:
                value, label = rng.choice(item.responses)
                roll = rng.random()
                if roll < blank_rate:
                    cell = rng.choice(['', ' '])
                elif inst.missing_codes and roll < blank_rate + 0.05:
                    code = rng.choice(inst.missing_codes)
                    cell = lm.format_number(code.value) if rng.random() < 0.5 or not code.label else code.label
                elif label and roll > 0.8:
                    cell = rng.choice([label, label.upper(), label.lower()])
                elif roll > 0.7:
                    cell = ' %s.0 ' % lm.format_number(value)
                else:
                    cell = lm.format_number(value)
                row.append(cell)
            out.append(row)
        return out

    def test_every_bundled_instrument_and_the_worked_example(self):
        rng = random.Random(20240601)
        specs = list(lm.builtin_ids()) + [WORKED_EXAMPLE]
        self.assertEqual(len(specs), 8)
        with tempfile.TemporaryDirectory() as tmp:
            for spec in specs:
                with self.subTest(instrument=spec), lm.Instrument.load(spec) as inst:
                    path = os.path.join(tmp, '%s.csv' % inst.id)
                    with open(path, 'w', newline='') as f:
                        csv.writer(f).writerows(self.synthetic(inst, rng))
                    self.assertEqual(self.compare_file(spec, path, inst), 150)
        # The data reached every kind of result.
        for kind in ('ok', 'prorated', 'insufficient', 'coded', 'band', 'rule True', 'rule False', 'rule None'):
            self.assertGreater(self.seen[kind], 0, kind)


class Scoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stss = lm.Instrument.builtin('stss')

    @classmethod
    def tearDownClass(cls):
        cls.stss.close()

    def test_readme_respondents(self):
        # `libra score stss --responses ...` in the README.
        s = self.stss.score('2,3,never,4,2,occasionally,2,3,1,3,4,2,2,1,3,4,2'.split(','))
        self.assertEqual([(k, v.score, v.status) for k, v in s.items()],
                         [('intrusion', 12, 'ok'), ('avoidance', 12, 'ok'), ('arousal', 18, 'ok'), ('total', 42, 'ok')])
        self.assertEqual((s['total'].band, s['total'].band_label), ('moderate', 'Moderate STS'))
        self.assertIs(s.rules['criteria'], False)
        s = self.stss.score([3, None, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1])
        self.assertEqual((s['intrusion'].score, s['intrusion'].answered, s['intrusion'].status),
                         (None, 4, 'insufficient'))
        self.assertEqual(s['avoidance'].score, 13)
        self.assertIsNone(s.rules['criteria'])  # not determinable

    def test_format_number_round_trips(self):
        """format_number gives the shortest text that float() reads back as the same value."""
        rng = random.Random(14)
        values = [1 / 3, 0.1 + 0.2, 2 / 3 * 17, 1e15 + 2, 2.0 ** 53, 38.38235294117647, 1e-5, 123456.789,
                  -1.5e300, 5e-324, 0.1, 3.0]
        values += [rng.uniform(-1e3, 1e3) for _ in range(20000)]
        values += [rng.random() * 10 ** rng.randint(-6, 17) for _ in range(20000)]
        for v in values:
            text = lm.format_number(v)
            self.assertEqual(float(text), v, text)
            # Shortest: Python's repr is the shortest round-trip decimal too, so the digits agree.
            self.assertEqual(self.digits(text), self.digits(repr(v)), '%r -> %s' % (v, text))
        self.assertEqual(lm.format_number(0.1 + 0.2), '0.30000000000000004')
        self.assertEqual(lm.format_number(1 / 3), '0.3333333333333333')
        self.assertEqual(lm.format_number(1000000000000001.0), '1000000000000001')
        self.assertEqual(lm.format_number(-0.0), '0')
        self.assertIsNone(lm.format_number(float('nan')))

    @staticmethod
    def digits(text):
        """The significant digits and the exponent of a decimal text."""
        mantissa, _, exp = text.lower().lstrip('-').partition('e')
        whole, _, frac = mantissa.partition('.')
        d = (whole + frac).lstrip('0')
        lead = len(whole.lstrip('0')) - 1 if whole.lstrip('0') else -(len(frac) - len(frac.lstrip('0'))) - 1
        return d.rstrip('0'), lead + int(exp or 0)

    def test_nan_is_blank_and_results_are_plain_data(self):
        a = self.stss.score([float('nan')] + [1] * 16)
        b = self.stss.score([None] + [1] * 16)
        self.assertEqual(a, b)
        self.assertEqual(a.to_dict()['scales']['total'],
                         {'score': None, 'answered': 16, 'coded': 0, 'status': 'insufficient', 'band': None})

    def test_metadata(self):
        self.assertEqual(self.stss.id, 'stss')
        self.assertEqual(self.stss.source, 'builtin:stss')
        self.assertEqual(len(self.stss.items), 17)
        self.assertEqual([s.id for s in self.stss.scales], ['intrusion', 'avoidance', 'arousal', 'total'])
        total = self.stss.scales[3]
        self.assertEqual((total.method, total.direction, total.min, total.max, total.min_answered),
                         ('sum', 'higher_is_worse', 17, 85, 17))
        self.assertEqual([b.id for b in total.bands], ['little_or_none', 'mild', 'moderate', 'high', 'severe'])
        self.assertEqual(total.norms['reliability'], 0.93)
        rule = self.stss.rules[0]
        self.assertEqual((rule.id, rule.combine), ('criteria', 'all'))
        self.assertEqual([(c.scale, c.value, c.count) for c in rule.conditions],
                         [('intrusion', 3, 1), ('avoidance', 3, 3), ('arousal', 3, 2)])
        with lm.Instrument.from_file(WORKED_EXAMPLE) as wb:
            self.assertEqual([(m.value, m.label) for m in wb.missing_codes], [(-99, 'Declined'), (777, "Don't know")])
            self.assertEqual([(i.reversed, i.scored) for i in wb.items],
                             [(False, True), (True, True), (False, True), (False, False)])
            s = wb.score([-99, 'declined', 3, None])
            self.assertEqual((s['total'].answered, s['total'].coded, s['total'].status), (1, 2, 'insufficient'))

    def test_wrong_types(self):
        for bad in ([True] * 17, [object()] * 17, [b'1'] * 17):
            with self.assertRaises(TypeError):
                self.stss.score(bad)


if __name__ == '__main__':
    unittest.main()
