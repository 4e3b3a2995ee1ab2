"""The pre/post analysis from Python equals `libra prepost`: the documents it
writes byte for byte, and every number read through the API."""
import json
import math
import os
import tempfile
import unittest

import libra_measures as lm
from support import cli, data

PRE = data('examples', 'data', 'stss_pre.csv')
POST = data('examples', 'data', 'stss_post.csv')
CASES = data('tests', 'cli', 'cases')

# JSON section -> {JSON key: statistic name}
SECTIONS = {
    'pre': {'n': 'pre_n', 'mean': 'pre_mean', 'sd': 'pre_sd', 'alpha': 'pre_alpha', 'alpha_n': 'pre_alpha_n'},
    'post': {'n': 'post_n', 'mean': 'post_mean', 'sd': 'post_sd', 'alpha': 'post_alpha', 'alpha_n': 'post_alpha_n'},
    'change': {'n': 'change_n', 'mean': 'change_mean', 'sd': 'change_sd', 't': 't', 'df': 'df', 'p': 'p',
               'dz': 'dz', 'dav': 'dav'},
    'rci': {'sd_pre': 'rci_sd', 'reliability': 'rci_reliability', 'sdiff': 'rci_sdiff', 'improved': 'improved',
            'deteriorated': 'deteriorated', 'unchanged': 'unchanged', 'recovered': 'recovered'},
}


class PrePostEqualsCli(unittest.TestCase):
    def assertSame(self, ours, theirs, where):
        if theirs is None or ours is None:
            self.assertEqual(ours, theirs, where)
        elif isinstance(theirs, str):
            self.assertEqual(ours, theirs, where)
        else:  # the command line prints numbers that read back as the same doubles
            self.assertEqual(ours, theirs, where)

    def check_section(self, stats, section, names, where):
        for key, name in names.items():
            if key in section:
                self.assertSame(stats[name], section[key], '%s.%s' % (where, key))
                if section[key] is None:
                    self.assertTrue(stats.reasons[name], '%s.%s has no reason' % (where, key))
        for key, reason in section.get('null_reasons', {}).items():
            self.assertEqual(stats.reasons[names[key]], reason, '%s null_reasons.%s' % (where, key))

    def compare(self, pp, doc):
        self.assertEqual(doc['instrument'], pp.instrument_id)
        self.assertEqual(doc['library_version'], lm.library_version())
        for key, n in doc['counts'].items():
            self.assertEqual(pp.counts[key], n, key)
        self.assertEqual(list(pp.scales), list(doc['scales']))
        for sid, s in doc['scales'].items():
            ours = pp.scales[sid]
            for section, names in SECTIONS.items():
                if s.get(section) is not None:
                    self.check_section(ours.stats, s[section], names, '%s.%s' % (sid, section))
            if s['change'] is not None and 'ci95' in s['change'] and s['change']['ci95'] is not None:
                self.assertSame(ours.stats['change_ci_low'], s['change']['ci95'][0], sid + ' ci low')
                self.assertSame(ours.stats['change_ci_high'], s['change']['ci95'][1], sid + ' ci high')
            if s.get('rci') is not None:
                self.assertEqual(ours.reliability_source, s['rci']['reliability_source'], sid)
            groups = dict(s.get('groups') or {})
            comparison = groups.pop('comparison', None)
            self.assertEqual(list(ours.groups), list(groups), sid)
            self.assertEqual(pp.groups, tuple(groups))
            for g, gs in groups.items():
                self.assertEqual(ours.groups[g]['change_n'], gs['n'])
                self.check_section(ours.groups[g], gs['change'], SECTIONS['change'], '%s.groups.%s' % (sid, g))
            if comparison is not None:
                self.assertEqual(comparison['groups'], list(pp.groups))
                for key in ('difference', 'welch_t', 'df', 'p', 'hedges_g'):
                    self.assertSame(ours.comparison[key], comparison[key], '%s.comparison.%s' % (sid, key))
        self.assertEqual(len(pp.respondents), len(doc['respondents']))
        for ours, theirs in zip(pp.respondents, doc['respondents']):
            self.assertEqual((ours.id, ours.group), (theirs['id'], theirs.get('group')))
            for sid, t in theirs['scales'].items():
                o = ours.scales[sid]
                for key in ('pre', 'post', 'change', 'rci', 'reliable', 'category', 'band_pre', 'band_post'):
                    self.assertSame(getattr(o, key), t[key], '%s %s.%s' % (ours.id, sid, key))

    def run_both(self, spec, files, cli_options=(), **options):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'out.json')
            cli('prepost', spec, *files, *cli_options, '-o', out)
            with open(out) as f:
                text = f.read()
            with lm.Instrument.load(spec) as inst, inst.prepost(*files, **options) as pp:
                self.assertEqual(pp.to_json(), text)  # the same writer, byte for byte
                self.compare(pp, json.loads(text))
                mine = os.path.join(tmp, 'mine.json')
                pp.write(mine)
                with open(mine) as f:
                    self.assertEqual(f.read(), text)
                csv_out, _, _ = cli('prepost', spec, *files, *cli_options, '--format', 'csv',
                                    '--summary', os.path.join(tmp, 'summary.txt'))
                self.assertEqual(pp.to_csv(), csv_out)
                with open(os.path.join(tmp, 'summary.txt')) as f:
                    self.assertEqual(pp.summary(), f.read())
                return pp.counts

    def test_shipped_data_with_groups(self):
        counts = self.run_both('stss', [PRE, POST], ['--group-column', 'group'], group_column='group')
        self.assertEqual(counts['pairs'], 40)

    def test_write_with_summary(self):
        # Results and summary are put in place together, and must be two files.
        with tempfile.TemporaryDirectory() as tmp, lm.Instrument.load('stss') as inst, \
                inst.prepost(PRE, POST) as pp:
            out, summary = os.path.join(tmp, 'out.json'), os.path.join(tmp, 'summary.txt')
            pp.write(out, summary=summary)
            with open(out) as f:
                self.assertEqual(f.read(), pp.to_json())
            with open(summary) as f:
                self.assertEqual(f.read(), pp.summary())
            os.remove(out)
            os.remove(summary)
            with self.assertRaises(lm.LibraError) as caught:
                pp.write(out, summary=os.path.join(tmp, '.', 'out.json'))
            self.assertIn('same file as the output', str(caught.exception))
            self.assertEqual(os.listdir(tmp), [])

    def test_without_groups(self):
        self.run_both('stss', [PRE, POST])

    def test_threads(self):
        # Both thread counts against the command line, whose default is 2
        # on a machine with 2 CPUs; an id twice in each wave, reported alike.
        for threads in (1, 2):
            self.run_both('stss', [PRE, POST], ['--group-column', 'group', '--threads', str(threads)],
                          group_column='group', threads=threads)
        d = os.path.join(CASES, 'prepost-duplicate-ids')
        for threads in (1, 2):
            with lm.Instrument.builtin('stss') as stss:
                with self.assertRaises(lm.LibraError) as caught:
                    stss.prepost(d + '/pre.csv', d + '/post.csv', threads=threads)
                if threads == 1:
                    first = str(caught.exception)
                else:
                    self.assertEqual(str(caught.exception), first)
        with lm.Instrument.builtin('stss') as stss:
            for bad in (0, -1, 1.5, True):
                with self.assertRaises(ValueError):
                    stss.prepost(PRE, POST, threads=bad)

    def test_overrides(self):
        d = os.path.join(CASES, 'prepost-reliability')
        self.run_both('stss', [d + '/pre.csv', d + '/post.csv'], ['--reliability', '0.75', '--rci-sd', '4'],
                      reliability=0.75, rci_sd=4)

    def test_categories_with_a_clinical_cutoff(self):
        d = os.path.join(CASES, 'prepost-categories')
        self.run_both(d + '/distress.yaml', [d + '/pre.csv', d + '/post.csv'], ['--rci-sd', '2'], rci_sd=2)

    def test_text_ids(self):
        d = os.path.join(CASES, 'prepost-text-ids')
        self.run_both('stss', [d + '/pre.csv', d + '/post.csv'])

    def test_long_form(self):
        d = os.path.join(CASES, 'prepost-long-form')
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, 'out.json')
            cli('prepost', 'stss', d + '/waves.csv', '--wave-column', 'time', '--pre-value', '1', '--post-value', '2',
                '-o', out)
            with open(out) as f:
                text = f.read()
        with lm.Instrument.builtin('stss') as stss, \
                stss.prepost(d + '/waves.csv', wave_column='time', pre_value=1, post_value='2') as pp:
            self.assertEqual(pp.to_json(), text)
            self.compare(pp, json.loads(text))
            self.assertEqual(pp.counts['other_wave'], 3)

    def test_reading_options(self):
        # Qualtrics-like files: items as Q5_<n>, one renamed, blanks written as -99.
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for src in (PRE, POST):
                with open(src) as f:
                    lines = f.read().splitlines()
                head = ['first' if c == 'stss_1' else c.replace('stss_', 'Q5_') for c in lines[0].split(',')]
                rows = [','.join(c if c else '-99' for c in line.split(',')) for line in lines[1:]]
                path = os.path.join(tmp, os.path.basename(src))
                with open(path, 'w') as f:
                    f.write('\n'.join([','.join(head)] + rows) + '\n')
                files.append(path)
            self.run_both('stss', files, ['--prefix', 'Q5_', '--map', 'stss_1=first', '--missing', '-99',
                                          '--group-column', 'group'],
                          prefix='Q5_', mapping={'stss_1': 'first'}, missing=['-99'], group_column='group')
            with lm.Instrument.builtin('stss') as stss, \
                    stss.prepost(*files, prefix='Q5_', mapping={'stss_1': 'first'}, missing='-99') as ours, \
                    stss.prepost(PRE, POST) as plain:
                for sid in plain.scales:
                    self.assertEqual(ours.scales[sid].stats, plain.scales[sid].stats, sid)
                with self.assertRaises(lm.DataError) as caught:  # without the options: columns absent
                    stss.prepost(*files)
                self.assertIn('stss_1', str(caught.exception))
                with self.assertRaises(lm.DataError) as caught:  # -99 is no response of an STSS item
                    stss.prepost(*files, prefix='Q5_', mapping={'stss_1': 'first'})
                self.assertIn('-99', str(caught.exception))

    def test_results_outlive_close(self):
        with lm.Instrument.builtin('stss') as stss:
            pp = stss.prepost(PRE, POST)
        self.assertTrue(stss.closed)
        self.assertEqual(pp.scales['total'].stats['pre_n'], 34)
        json.loads(pp.to_json())  # the analysis keeps its own reference to the instrument
        pp.close()
        self.assertEqual(pp.scales['total'].stats['change_n'], 34)  # plain data stays
        with self.assertRaises(ValueError):
            pp.to_json()


if __name__ == '__main__':
    unittest.main()
