"""Failures raise LibraError carrying every problem with its location, the
same problems (and words) as the command line reports."""
import os
import tempfile
import unittest

import libra_measures as lm
from support import cli, data

CASES = data('tests', 'cli', 'cases')


def diagnostics_of(stderr, prefix):
    """The command line's FILE:LINE:COL lines."""
    return [line for line in stderr.splitlines() if line.startswith(prefix)]


class DefinitionErrors(unittest.TestCase):
    def test_invalid_definition_every_problem_located(self):
        path = os.path.join(CASES, 'check-invalid', 'invalid.yaml')
        with self.assertRaises(lm.LibraError) as cm:
            lm.Instrument.from_file(path)
        e = cm.exception
        self.assertEqual(e.status, lm.Status.EDEFINITION)
        self.assertEqual((e.code, e.file, e.line, e.column), (lm.Status.EDEFINITION, path, 5, 1))
        self.assertTrue(e.message.startswith("unknown key 'colour' in a definition"), e.message)
        self.assertEqual(len(e.errors), e.total)
        for d in e.errors:
            self.assertEqual(d.file, path)
            self.assertGreater(d.line, 0)
            self.assertGreater(d.column, 0)
            self.assertEqual(d.text, '%s:%d:%d: %s' % (d.file, d.line, d.column, d.message))
        _, err, status = cli('check', path, check=False)
        self.assertEqual(status, 1)
        self.assertEqual([d.text for d in e.errors], diagnostics_of(err, path))
        self.assertEqual(str(e), '\n'.join(d.text for d in e.errors))

    def test_yaml_syntax_error_in_memory(self):
        with self.assertRaises(lm.LibraError) as cm:
            lm.Instrument.from_string('format: 1\nid: [unclosed\n', name='inline.yaml')
        e = cm.exception
        self.assertEqual(e.code, lm.Status.ESYNTAX)
        self.assertEqual(e.file, 'inline.yaml')
        self.assertIsNotNone(e.line)
        self.assertIsNotNone(e.column)

    def test_missing_file_and_unknown_builtin(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'nowhere.yaml')
            with self.assertRaises(lm.LibraError) as cm:
                lm.Instrument.from_file(path)
            self.assertEqual((cm.exception.code, cm.exception.file), (lm.Status.EIO, path))
        with self.assertRaises(lm.LibraError) as cm:
            lm.Instrument.builtin('no-such-instrument')
        self.assertEqual(cm.exception.code, lm.Status.ENOTFOUND)
        self.assertIn('no-such-instrument', cm.exception.message)

    def test_a_valid_definition_from_memory(self):
        yaml = lm._lib.lm_builtin_yaml(lm.builtin_ids().index('brs')).decode()
        with lm.Instrument.from_string(yaml, name='brs-copy.yaml') as brs:
            self.assertEqual((brs.id, brs.source), ('brs', 'brs-copy.yaml'))


class ScoringErrors(unittest.TestCase):
    def setUp(self):
        self.stss = lm.Instrument.builtin('stss')

    def tearDown(self):
        self.stss.close()

    def test_every_bad_value_with_its_item_and_position(self):
        values = '2,3,1,9,2,3,2,3,sometimes,3,4,2,2,1,3,4,2'.split(',')
        with self.assertRaises(lm.LibraError) as cm:
            self.stss.score(values)
        e = cm.exception
        self.assertEqual(e.code, lm.Status.EDATA)
        self.assertEqual([(d.item, d.column, d.file, d.line) for d in e.errors],
                         [('stss_4', 4, None, None), ('stss_9', 9, None, None)])
        # The words of `libra score --responses` (README), which prefixes "response N: ".
        _, err, status = cli('score', 'stss', '--responses', ','.join(values), check=False)
        self.assertEqual(status, 1)
        self.assertEqual(['response %d: %s' % (d.column, d.message) for d in e.errors], err.splitlines())
        # Numbers take the other path through the library: same diagnostics.
        with self.assertRaises(lm.LibraError) as cm:
            self.stss.score([2, 3, 1, 9, 2, 3, 2, 3, 0.5] + [1] * 8)
        self.assertEqual([(d.item, d.column) for d in cm.exception.errors], [('stss_4', 4), ('stss_9', 9)])

    def test_a_failed_respondent_leaves_the_scorer_usable(self):
        with self.assertRaises(lm.LibraError):
            self.stss.score([9] * 17)
        self.assertEqual(self.stss.score([1] * 17)['total'].score, 17)

    def test_wrong_number_of_values(self):
        for values in ([1] * 16, ['1'] * 18, []):
            with self.assertRaises(lm.LibraError) as cm:
                self.stss.score(values)
            self.assertEqual(cm.exception.code, lm.Status.EINVAL)
            self.assertIn("instrument 'stss' has 17 items", cm.exception.message)


class PrePostErrors(unittest.TestCase):
    def run_case(self, case, **options):
        d = os.path.join(CASES, case)
        with lm.Instrument.builtin('stss') as stss:
            with self.assertRaises(lm.LibraError) as cm:
                stss.prepost(os.path.join(d, 'pre.csv'), os.path.join(d, 'post.csv'), **options)
        with tempfile.TemporaryDirectory() as tmp:  # never -o /dev/null: a success would rename over it
            out = os.path.join(tmp, 'out.json')
            _, err, status = cli('prepost', 'stss', os.path.join(d, 'pre.csv'), os.path.join(d, 'post.csv'), '-o',
                                 out, check=False)
            self.assertFalse(os.path.exists(out))
        self.assertEqual(status, 1)
        return cm.exception, err, d

    def test_bad_values_in_both_waves(self):
        e, err, d = self.run_case('prepost-bad-value')
        self.assertEqual(e.code, lm.Status.EDATA)
        self.assertEqual([(os.path.basename(x.file), x.line, x.column) for x in e.errors],
                         [('pre.csv', 3, 9), ('post.csv', 4, 19), ('post.csv', 6, 13)])
        self.assertEqual([x.text for x in e.errors], diagnostics_of(err, d))
        self.assertEqual((e.counts['pre_rows'], e.counts['post_rows'], e.counts['rejected']), (6, 6, 3))

    def test_more_problems_than_kept(self):
        e, err, d = self.run_case('prepost-many-errors')
        self.assertEqual(len(e.errors), 100)
        self.assertEqual(e.total, 130)
        self.assertEqual([x.text for x in e.errors], diagnostics_of(err, d))
        self.assertTrue(str(e).endswith('\n... and 30 more problems'))

    def test_duplicate_ids_have_a_line_and_no_column(self):
        e, err, d = self.run_case('prepost-duplicate-ids')
        self.assertEqual([(os.path.basename(x.file), x.line, x.column) for x in e.errors],
                         [('pre.csv', 2, None), ('pre.csv', 3, None), ('post.csv', 5, None)])
        self.assertEqual([x.text for x in e.errors], diagnostics_of(err, d))
        self.assertEqual(e.counts['duplicate_id'], 7)
        with lm.Instrument.builtin('stss') as stss, \
                stss.prepost(os.path.join(d, 'pre.csv'), os.path.join(d, 'post.csv'), on_duplicate='exclude') as pp:
            self.assertEqual(pp.counts['duplicate_id'], 7)

    def test_missing_id_column(self):
        e, err, d = self.run_case('prepost-missing-id-column')
        self.assertEqual([(x.line, x.column) for x in e.errors], [(1, None), (1, None)])
        self.assertEqual([x.text for x in e.errors], diagnostics_of(err, d))

    def test_nobody_paired(self):
        # Ids that do not match: an error that names them, as the CLI's.
        e, err, d = self.run_case('prepost-no-overlap')
        self.assertEqual(e.code, lm.Status.EDATA)
        self.assertEqual(len(e.errors), 1)
        self.assertIsNone(e.file)  # two files: the message names both
        self.assertEqual(e.message, err.splitlines()[0])
        self.assertIn('the first ids of the pre wave are "a1", "a2"', e.message)
        self.assertEqual((e.counts['pairs'], e.counts['pre_only'], e.counts['post_only']), (0, 2, 2))
        # The long form with a mistyped wave value: the values found are named.
        d = os.path.join(CASES, 'prepost-long-form-wrong-value')
        with lm.Instrument.builtin('stss') as stss:
            with self.assertRaises(lm.LibraError) as cm:
                stss.prepost(d + '/waves.csv', wave_column='time', pre_value='baseline', post_value=2)
        self.assertEqual(cm.exception.file, d + '/waves.csv')
        self.assertEqual(cm.exception.message,
                         'nobody is paired: no row has the pre value "baseline" in column "time"; besides the post '
                         'value "2" (3 rows), the column has "1" (4 rows), "3" (1 row), "follow-up" (1 row), '
                         'blank (1 row)')
        self.assertEqual(lm._live_handles(), {})

    def test_bad_options_are_python_errors(self):
        d = os.path.join(CASES, 'prepost-bad-value')
        with lm.Instrument.builtin('stss') as stss:
            with self.assertRaises(ValueError):
                stss.prepost(d + '/pre.csv', d + '/post.csv', reliability=1.5)
            with self.assertRaises(ValueError):
                stss.prepost(d + '/pre.csv', d + '/post.csv', on_duplicate='ignore')
            with self.assertRaises(TypeError):
                stss.prepost(d + '/pre.csv')
        self.assertEqual(lm._live_handles(), {})


if __name__ == '__main__':
    unittest.main()
