"""Tables at once (libra_measures.score, score_file, prepost) against the
command line and against pandas. Needs numpy and pandas: skipped without
them (tests/python/run.sh runs it in a virtual environment that has them,
with the package pip-installed)."""
import gc
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import unittest

try:
    import numpy as np
    import pandas as pd
except ImportError:  # pragma: no cover
    raise unittest.SkipTest('numpy and pandas are needed for table scoring')

import libra_measures as lm
from support import CLI, SOURCE_ROOT, cli, data
from test_memory import LIMIT, rss

PRE = data('examples', 'data', 'stss_pre.csv')
POST = data('examples', 'data', 'stss_post.csv')


def cli_csv(*args):
    out, _, _ = cli(*args)
    return pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)


def as_cli_text(frame):
    """A score() result as the CLI writes its CSV cells: shortest numbers, blanks, true/false."""
    out = {}
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.BooleanDtype):
            out[c] = ['' if v is pd.NA else ('true' if v else 'false') for v in col]
        elif col.dtype.kind == 'f':
            out[c] = ['' if v != v else lm.format_number(v) for v in col]
        else:
            out[c] = ['' if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else str(v) for v in col]
    return pd.DataFrame(out)


class Package(unittest.TestCase):
    def test_version_is_the_library_version(self):
        self.assertEqual(lm.__version__, lm.library_version())
        with open(os.path.join(SOURCE_ROOT, 'meson.build')) as f:
            self.assertIn("version: '%s'" % lm.__version__, f.read())

    def test_typed_and_documented(self):
        here = os.path.dirname(lm.__file__)
        self.assertTrue(os.path.exists(os.path.join(here, 'py.typed')))
        for name in lm.__all__:
            obj = getattr(lm, name)
            if callable(obj):
                self.assertTrue(getattr(obj, '__doc__', None), name)

    def test_a_clear_import_error_without_the_library(self):
        where = os.path.dirname(os.path.dirname(os.path.abspath(lm.__file__)))
        env = dict(os.environ, LIBRA_MEASURES_LIBRARY='/nonexistent/liblibra_measures.so',
                   PYTHONPATH=os.pathsep.join([where] + os.environ.get('PYTHONPATH', '').split(os.pathsep)))
        p = subprocess.run([sys.executable, '-c', 'import libra_measures'], env=env, stderr=subprocess.PIPE,
                           stdout=subprocess.PIPE, cwd=tempfile.gettempdir())
        self.assertNotEqual(p.returncode, 0)
        err = p.stderr.decode()
        self.assertIn('ImportError', err)
        self.assertIn('meson install', err)
        self.assertIn('LIBRA_MEASURES_LIBRARY', err)


class Readme(unittest.TestCase):
    def test_the_from_python_example_runs(self):
        with open(data('README.md')) as f:
            readme = f.read()
        section = readme[readme.index('## From Python'):]
        section = section[:section.find('\n## ', 1)]
        code = '\n'.join(b for lang, b in re.findall(r'```(\w*)\n(.*?)```', section, flags=re.S) if lang == 'python')
        with tempfile.TemporaryDirectory() as tmp:  # it writes report.html where it runs
            os.symlink(os.path.join(SOURCE_ROOT, 'examples'), os.path.join(tmp, 'examples'))
            p = subprocess.run([sys.executable, '-c', code], cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn('R001  treatment   43.0', p.stdout)
            self.assertIn('pre:2:3: row 2, column "stss_3"', p.stdout)
            self.assertTrue(os.path.exists(os.path.join(tmp, 'report.html')))
            self.assertIn('40 40 0', p.stdout)
            self.assertTrue(os.path.exists(os.path.join(tmp, 'scores.csv')))


class AgainstTheCli(unittest.TestCase):
    def test_score_equals_libra_score_on_the_example_data(self):
        for path in (PRE, POST):
            want = cli_csv('score', 'stss', path, '--format', 'csv')
            df = pd.read_csv(path)
            got = lm.score(df, 'stss')
            self.assertEqual(list(got.columns), list(want.columns))
            pd.testing.assert_frame_equal(as_cli_text(got), want)
            # the same from text columns (labels read as the CLI reads cells)
            got = lm.score(pd.read_csv(path, dtype=str), 'stss')
            pd.testing.assert_frame_equal(as_cli_text(got), want)
            got = lm.score_file(path, 'stss')
            pd.testing.assert_frame_equal(as_cli_text(got), want)

    def test_keep_prefix_and_mapping(self):
        df = pd.read_csv(PRE)
        renamed = df.rename(columns={'stss_%d' % i: 'q%d' % i for i in range(1, 18)})
        a = lm.score(renamed, 'stss', keep=['group'], prefix='q')
        b = lm.score(df, 'stss', keep=['group'])
        pd.testing.assert_frame_equal(a, b)
        self.assertEqual(list(a.columns[:2]), ['id', 'group'])
        m = lm.score(df.rename(columns={'stss_3': 'three'}), 'stss', mapping={'stss_3': 'three'}, keep=['group'])
        pd.testing.assert_frame_equal(m, b)

    def test_prepost_equals_libra_prepost(self):
        want = json.loads(cli('prepost', 'stss', PRE, POST, '--group-column', 'group')[0])
        res = lm.prepost(pd.read_csv(PRE), pd.read_csv(POST), 'stss', group='group')
        got = res.document
        for k in ('counts', 'scales', 'respondents'):
            self.assertEqual(got[k], want[k], k)
        files = lm.prepost(PRE, POST, 'stss', group='group')
        self.assertEqual(files.document['scales'], got['scales'])
        csv = cli_csv('prepost', 'stss', PRE, POST, '--group-column', 'group', '--format', 'csv')
        self.assertEqual(list(res.respondents.columns), list(csv.columns))
        self.assertEqual(len(res.respondents), len(csv))
        s = res.summary
        self.assertEqual(list(s.columns), ['scale', 'group', 'statistic', 'value'])
        total = s[(s.scale == 'total') & s.group.isna() & (s.statistic == 'change_mean')].value.iloc[0]
        self.assertAlmostEqual(total, want['scales']['total']['change']['mean'] if 'change' in want['scales']['total']
                               else total, places=12)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'report.html')
            res.report(path)
            with open(path, encoding='utf-8') as f:
                self.assertIn('<html', f.read(1000).lower())

    def test_prepost_long_form(self):
        pre, post = pd.read_csv(PRE), pd.read_csv(POST)
        long = pd.concat([pre.assign(wave='T1'), post.assign(wave='T2')], ignore_index=True)
        a = lm.prepost(long, None, 'stss', wave='wave', pre_value='T1', post_value='T2', group='group')
        b = lm.prepost(pre, post, 'stss', group='group')
        self.assertEqual(a.document['scales'], b.document['scales'])


def generated(n=2000, seed=7):
    """STSS answers 1..5 with about 8% missing, as several dtypes."""
    rng = np.random.default_rng(seed)
    stss = lm.Instrument.builtin('stss')
    items = [it.id for it in stss.items]
    vals = rng.integers(1, 6, size=(n, len(items))).astype(float)
    vals[rng.random(vals.shape) < 0.08] = np.nan
    df = pd.DataFrame(vals, columns=items)
    df.insert(0, 'id', ['P%05d' % i for i in range(n)])
    return stss, items, df


class AgainstPandas(unittest.TestCase):
    def check_sums(self, stss, df, got):
        for sc in stss.scales:
            cols = list(sc.items)
            want = df[cols].astype('float64').sum(axis=1, min_count=len(cols))
            full = want.notna()
            self.assertTrue(full.any())
            np.testing.assert_array_equal(got[sc.id][full].to_numpy(), want[full].to_numpy())
            self.assertTrue((got[sc.id + '_status'][full] == 'ok').all())
            np.testing.assert_array_equal(got[sc.id + '_answered'].to_numpy(),
                                          df[cols].notna().sum(axis=1).to_numpy())
            self.assertEqual(list(got[sc.id + '_status'].cat.categories), list(lm.STATUS_LEVELS))

    def test_float_columns_with_missing_values(self):
        stss, items, df = generated()
        self.check_sums(stss, df, lm.score(df, stss))

    def test_nullable_integer_columns(self):
        stss, items, df = generated()
        nullable = df.astype({c: 'Int64' for c in items})
        got = lm.score(nullable, stss)
        self.check_sums(stss, df, got)
        pd.testing.assert_frame_equal(got, lm.score(df, stss))

    def test_numpy_int_and_int32_columns(self):
        stss, items, df = generated()
        full = df.fillna(3)
        for dt in ('int64', 'int32', 'int8'):
            got = lm.score(full.astype({c: dt for c in items}), stss)
            self.check_sums(stss, full, got)

    def test_categorical_labels_and_codes(self):
        stss, items, df = generated()
        labels = {r.value: r.label for r in stss.items[0].responses}
        text = df.copy()
        for c in items:
            text[c] = pd.Categorical(df[c].map(labels), categories=[labels[k] for k in sorted(labels)])
        self.check_sums(stss, df, lm.score(text, stss))
        plain = df.copy()
        for c in items:
            plain[c] = df[c].map(labels).astype(object)
        self.check_sums(stss, df, lm.score(plain, stss))
        codes = df.copy()
        for c in items:
            codes[c] = pd.Categorical(df[c])
        self.check_sums(stss, df, lm.score(codes, stss))

    def test_dict_of_arrays_without_a_frame(self):
        stss, items, df = generated(200)
        got = lm.score({c: df[c].to_numpy() for c in df.columns}, stss, as_frame=False)
        self.assertIsInstance(got, dict)
        want = lm.score(df, stss)
        np.testing.assert_array_equal(got['total'], want['total'].to_numpy())
        self.assertEqual(list(got['total_status']), list(want['total_status'].astype(str)))
        got = lm.score({c: list(df[c]) for c in df.columns}, stss)
        pd.testing.assert_frame_equal(got.drop(columns='id'), want.drop(columns='id'))

    def test_eight_threads_share_one_instrument(self):
        stss, items, df = generated(5000)
        want = lm.score(df, stss)
        results, errors = [None] * 8, []

        def work(k):
            try:
                for _ in range(5):
                    results[k] = lm.score(df, stss)
            except Exception as e:  # pragma: no cover
                errors.append(e)
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        for r in results:
            pd.testing.assert_frame_equal(r, want)


class Errors(unittest.TestCase):
    def test_bad_values_every_one_with_row_and_column(self):
        stss, items, df = generated(50)
        df.loc[3, 'stss_2'] = 9
        df.loc[10, 'stss_5'] = 0
        with self.assertRaises(lm.DataError) as cm:
            lm.score(df, stss, name='survey')
        e = cm.exception
        self.assertIsInstance(e, lm.LibraError)
        self.assertEqual(e.total, 2)
        self.assertEqual([(d.file, d.line, d.column) for d in e.errors], [('survey', 4, 2), ('survey', 11, 5)])
        self.assertIn('stss_2', e.errors[0].message)
        rej = lm.score(df, stss, on_bad='reject')
        self.assertEqual(list(rej.total_status[[3, 10]]), ['rejected', 'rejected'])
        self.assertTrue(rej.total[[3, 10]].isna().all())

    def test_score_file_reports_file_line_column(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'bad.csv')
            with open(PRE) as f:
                lines = f.read().splitlines()
            cells = lines[3].split(',')
            cells[2] = '9'
            lines[3] = ','.join(cells)
            with open(path, 'w') as f:
                f.write('\n'.join(lines) + '\n')
            with self.assertRaises(lm.DataError) as cm:
                lm.score_file(path, 'stss')
            self.assertEqual((cm.exception.file, cm.exception.line, cm.exception.column), (path, 4, 3))

    def test_score_file_reader_options(self):
        # The command line's --delimiter, --missing and --map-file, from Python.
        want = lm.score_file(PRE, 'stss')
        df = pd.read_csv(PRE, dtype=str)
        df.loc[2, 'stss_5'] = 'NA'
        df = df.rename(columns={'stss_7': 'seven'})
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'semi.csv')
            df.to_csv(path, sep=';', index=False)
            mapping = os.path.join(d, 'map.csv')
            with open(mapping, 'w') as f:
                f.write('item,column\nstss_7,seven\n')
            with self.assertRaises(lm.DataError):
                lm.score_file(path, 'stss', delimiter=';', map_file=mapping)
            got = lm.score_file(path, 'stss', delimiter=';', missing=['NA'], map_file=mapping)
            with self.assertRaises(ValueError):
                lm.score_file(path, 'stss', delimiter='|')
        self.assertEqual(len(got), len(want))
        others = [i for i in range(len(want)) if i != 2]
        pd.testing.assert_frame_equal(got.iloc[others].reset_index(drop=True),
                                      want.iloc[others].reset_index(drop=True))
        self.assertEqual(got.total_answered[2], want.total_answered[2] - 1)

    def test_score_file_keep(self):
        # --keep from Python: the columns as they are in the file, after the id; every absent one said.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'kept.csv')
            df = pd.read_csv(PRE, dtype=str, keep_default_na=False)
            df.insert(1, 'team', ['T, "%d"' % (i % 3) for i in range(len(df))])
            df.insert(2, 'site', ['007'] + [''] * (len(df) - 1))
            df.to_csv(path, index=False)
            got = lm.score_file(path, 'stss', keep=['site', 'team'])
            self.assertEqual(list(got.columns[:3]), ['id', 'site', 'team'])
            self.assertEqual(list(got.team), list(df.team))
            self.assertEqual(list(got.site), list(df.site))
            pd.testing.assert_frame_equal(got.drop(columns=['site', 'team']), lm.score_file(PRE, 'stss'))
            want = cli_csv('score', 'stss', path, '--keep', 'site,team')
            self.assertEqual(list(want.team), list(got.team))
            with self.assertRaises(lm.DataError) as cm:
                lm.score_file(path, 'stss', keep=['nope', 'team', 'gone'])
            self.assertIn('nope', str(cm.exception))
            self.assertIn('gone', str(cm.exception))

    def test_prepost_keep(self):
        # The respondent table carries the baseline's columns, as the command line's --keep does.
        with tempfile.TemporaryDirectory() as d:
            pre = os.path.join(d, 'pre.csv')
            df = pd.read_csv(PRE, dtype=str, keep_default_na=False)
            df.insert(1, 'team', ['t%d' % (i % 4) for i in range(len(df))])
            df.to_csv(pre, index=False)
            with lm.Instrument.load('stss') as inst:
                pp = inst.prepost(pre, POST, keep=['team'])
                out = os.path.join(d, 'pp.csv')
                pp.write(out, format='csv')
                table = pd.read_csv(out, dtype=str, keep_default_na=False)
                want = cli_csv('prepost', 'stss', pre, POST, '--keep', 'team', '--format', 'csv')
                pd.testing.assert_frame_equal(table, want)
                self.assertEqual(list(table.columns[:2]), ['id', 'team'])
                team = dict(zip(df.id, df.team))
                self.assertEqual(list(table.team), [team[i] for i in table.id])
                pp.close()

    def test_a_missing_item_column(self):
        stss, items, df = generated(5)
        with self.assertRaises(lm.DataError) as cm:
            lm.score(df.drop(columns=['stss_4']), stss)
        self.assertIn('stss_4', str(cm.exception))

    def test_definition_errors_are_located(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'bad.yaml')
            with open(path, 'w') as f:
                f.write('id: x\nitems: [\n')
            with self.assertRaises(lm.DefinitionError) as cm:
                lm.score(pd.DataFrame({'a': [1]}), path)
            self.assertEqual(cm.exception.file, path)
            self.assertIsNotNone(cm.exception.line)


class Memory(unittest.TestCase):
    def test_100000_calls_do_not_grow(self):
        stss = lm.Instrument.builtin('stss')
        row = {it.id: np.array([2.0]) for it in stss.items}

        def work():
            lm.score(row, stss, as_frame=False)
        for _ in range(5000):
            work()
        gc.collect()
        before = rss()
        for _ in range(100000):
            work()
        gc.collect()
        after = rss()
        print('\nscore() x 100000: RSS growth %+d KiB (limit %d KiB)' % ((after - before) // 1024, LIMIT // 1024))
        self.assertLess(after - before, LIMIT)


if __name__ == '__main__':
    unittest.main()
