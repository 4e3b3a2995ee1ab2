"""score_file_to(): a file scored into a file by lm_score_table(), byte for
byte as `libra score DATA -o OUTPUT` writes it, whatever the number of
threads; rejects files, carried columns, and nothing written on an error.
Standard library only."""
import os
import random
import shutil
import tempfile
import threading
import time
import unittest

import libra_measures as lm
from support import cli, data

PRE = data('examples', 'data', 'stss_pre.csv')
POST = data('examples', 'data', 'stss_post.csv')


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def generated(path, n, seed=7, bad_every=0):
    """An stss table of N rows: random answers, some blank; with BAD_EVERY, every
    BAD_EVERY-th row has a value that is no response."""
    rnd = random.Random(seed)
    with open(path, 'w', newline='') as f:
        f.write('id,site,' + ','.join('stss_%d' % k for k in range(1, 18)) + '\n')
        for r in range(1, n + 1):
            cells = ['' if rnd.random() < 0.05 else str(rnd.randint(1, 5)) for _ in range(17)]
            if bad_every and r % bad_every == 0:
                cells[rnd.randrange(17)] = '9'
            f.write('P%06d,"site, %d",%s\n' % (r, rnd.randint(1, 9), ','.join(cells)))


class ScoreFileTo(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='libra-pipeline-')
        self.addCleanup(shutil.rmtree, self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def assert_same_as_cli(self, data_path, name, cli_args=(), **kw):
        """score_file_to(**kw) and `libra score stss DATA -o OUT CLI_ARGS` write the same bytes."""
        mine, theirs = self.path('py-' + name), self.path('cli-' + name)
        summary = lm.score_file_to(data_path, 'stss', mine, **kw)
        cli('score', 'stss', data_path, '-o', theirs, *cli_args)
        self.assertEqual(read(mine), read(theirs), name)
        return summary

    def test_output_is_the_command_lines_on_the_example_data(self):
        for src in (PRE, POST):
            s = self.assert_same_as_cli(src, 'scores.csv')
            self.assertEqual((s.rows_read, s.scored, s.rejected, s.blank), (40, 40, 0, 0))
            self.assert_same_as_cli(src, 'scores.jsonl')
            self.assert_same_as_cli(src, 'scores.txt', ('--format', 'json'), format='json')
            self.assert_same_as_cli(src, 'threads1.csv', ('--threads', '1'), threads=1)
            self.assert_same_as_cli(src, 'noid.csv', ('--no-id',), no_id=True)
            self.assert_same_as_cli(src, 'group-id.csv', ('--id-column', 'group'), id='group')
        if lm._lib.lm_writer_format_available(4):
            # Stata files are written the same on every run; SPSS and Excel files carry the time.
            self.assert_same_as_cli(PRE, 'scores.dta', keep=['group'], cli_args=('--keep', 'group'))

    def test_the_command_lines_counts(self):
        s = lm.score_file_to(PRE, 'stss', self.path('pre.csv'))
        _, err, _ = cli('score', 'stss', PRE, '-o', self.path('cli.csv'))
        self.assertIn('rows read: %d, scored: %d (insufficient on some scale: %d), rejected: %d'
                      % (s.rows_read, s.scored, s.insufficient, s.rejected), err)
        self.assertEqual(s.output, self.path('pre.csv'))
        self.assertIsNone(s.rejects)

    def test_kept_columns_are_the_command_lines(self):
        self.assert_same_as_cli(PRE, 'keep.csv', ('--keep', 'group'), keep=['group'])
        self.assert_same_as_cli(PRE, 'keep-str.jsonl', ('--keep', 'group,stss_1'), keep=('group', 'stss_1'))
        self.assert_same_as_cli(PRE, 'keep-all.csv', ('--keep-all',), keep_all=True)
        self.assert_same_as_cli(PRE, 'keep-all.jsonl', ('--keep-all',), keep_all=True)
        with self.assertRaises(ValueError):
            lm.score_file_to(PRE, 'stss', self.path('x.csv'), keep=['group'], keep_all=True)
        self.assertFalse(os.path.exists(self.path('x.csv')))

    def test_one_thread_or_several_write_the_same_bytes(self):
        big = self.path('big.csv')
        generated(big, 30000)  # about 1.5 MB: several parts of 256 KiB
        self.assertGreater(os.path.getsize(big), 1 << 20)
        outs = {}
        for threads in (1, 2, 0):
            for ext in ('csv', 'jsonl'):
                out = self.path('big-%d.%s' % (threads, ext))
                s = lm.score_file_to(big, 'stss', out, threads=threads, keep=['site'])
                self.assertEqual((s.rows_read, s.scored, s.rejected), (30000, 30000, 0))
                outs[threads, ext] = read(out)
        for ext in ('csv', 'jsonl'):
            self.assertEqual(outs[1, ext], outs[2, ext], ext)
            self.assertEqual(outs[1, ext], outs[0, ext], ext)
        cli('score', 'stss', big, '-o', self.path('big-cli.csv'), '--keep', 'site', '--threads', '3')
        self.assertEqual(outs[1, 'csv'], read(self.path('big-cli.csv')))

    def test_rejected_rows_go_to_the_rejects_file(self):
        src = self.path('bad.csv')
        generated(src, 3000, seed=11, bad_every=97)
        for threads in (1, 2):
            out, rej = self.path('ok-%d.csv' % threads), self.path('rejects-%d.csv' % threads)
            s = lm.score_file_to(src, 'stss', out, rejects=rej, threads=threads)
            self.assertEqual(s.rejected, 3000 // 97)
            self.assertEqual(s.scored + s.rejected, s.rows_read)
            self.assertEqual(s.rejects, rej)
            self.assertEqual(s.problems_total, s.rejected)
            self.assertTrue(all(p.file == src and p.line for p in s.problems))
            cout, crej = self.path('cli-ok.csv'), self.path('cli-rejects.csv')
            _, _, status = cli('score', 'stss', src, '-o', cout, '--rejects', crej, check=False)
            self.assertEqual(status, 3)  # written, with rejected rows
            self.assertEqual(read(out), read(cout))
            self.assertEqual(read(rej), read(crej))

    def test_rejected_rows_without_a_rejects_file_write_nothing(self):
        src = self.path('bad.csv')
        generated(src, 500, seed=5, bad_every=50)
        out = self.path('scores.csv')
        for threads in (1, 2):
            with self.assertRaises(lm.DataError) as cm:
                lm.score_file_to(src, 'stss', out, threads=threads)
            e = cm.exception
            self.assertEqual(e.total, 10)
            self.assertEqual(len(e.errors), 10)
            self.assertEqual([d.line for d in e.errors], sorted(d.line for d in e.errors))
            self.assertEqual(e.file, src)
            self.assertFalse(os.path.exists(out))
        # A file already there is left as it was, as by the command line (exit 1).
        with open(out, 'w') as f:
            f.write('old\n')
        with self.assertRaises(lm.DataError):
            lm.score_file_to(src, 'stss', out)
        self.assertEqual(read(out), b'old\n')
        _, err, status = cli('score', 'stss', src, '-o', out, check=False)
        self.assertEqual(status, 1)
        self.assertIn('no output written', err)
        self.assertEqual(read(out), b'old\n')

    def test_errors_leave_no_output(self):
        out, rej = self.path('scores.csv'), self.path('rejects.csv')
        # Absent columns: every one named, the one the writer cannot carry too.
        with self.assertRaises(lm.DataError) as cm:
            lm.score_file_to(PRE, 'stss', out, keep=['site', 'team', 'total'], rejects=rej)
        text = str(cm.exception)
        for name in ('site', 'team', 'total'):
            self.assertIn(name, text)
        # An output that is the input, and two outputs that are one file.
        with self.assertRaises(lm.LibraError):
            lm.score_file_to(PRE, 'stss', PRE)
        with self.assertRaises(lm.LibraError):
            lm.score_file_to(PRE, 'stss', out, rejects=os.path.join(self.dir, '.', 'scores.csv'))
        # A file that is not there, a directory that is not there.
        with self.assertRaises(lm.LibraError):
            lm.score_file_to(self.path('absent.csv'), 'stss', out)
        with self.assertRaises(lm.LibraError):
            lm.score_file_to(PRE, 'stss', self.path('no/such/dir/scores.csv'), rejects=rej)
        for bad in ({'threads': -1}, {'threads': 65}, {'threads': 1.5}, {'format': 'xls'}, {'keep': ['']},
                    {'id': 'id', 'no_id': True}, {'rejects': '-'}):
            with self.assertRaises(ValueError, msg=bad):
                lm.score_file_to(PRE, 'stss', out, **bad)
        self.assertEqual(sorted(os.listdir(self.dir)), [])
        self.assertEqual(os.path.getsize(PRE), len(read(PRE)))

    def test_the_interpreter_lock_is_released_during_the_call(self):
        # While one call scores a large file on the calling thread (threads=1), this
        # thread keeps running Python: it never waits for the whole call at once.
        big = self.path('big.csv')
        generated(big, 150000, seed=13)  # about 7 MB: a call of a few tenths of a second
        ticks, done = [], threading.Event()
        bounds = {}

        def run():
            bounds['start'] = time.perf_counter()
            lm.score_file_to(big, 'stss', self.path('out.csv'), threads=1)
            bounds['end'] = time.perf_counter()
            done.set()

        worker = threading.Thread(target=run)
        worker.start()
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)
        worker.join()
        inside = [t for t in ticks if bounds['start'] <= t <= bounds['end']]
        duration = bounds['end'] - bounds['start']
        gaps = [b - a for a, b in zip([bounds['start']] + inside, inside + [bounds['end']])]
        self.assertGreater(len(inside), 2, 'no Python ran during a call of %.3f s' % duration)
        # Held, the lock would stop this thread for most of the call (checked by hand with
        # ctypes.PyDLL, which keeps it); released, it waits a switch interval or so.
        self.assertLess(max(gaps), duration / 3, 'Python waited %.3f s of a %.3f s call'
                        % (max(gaps), duration))

    def test_calls_from_several_threads_at_once(self):
        # The interpreter lock is released during the C call: calls on threads overlap and agree.
        big = self.path('big.csv')
        generated(big, 8000, seed=3)
        want = self.path('want.csv')
        lm.score_file_to(big, 'stss', want, threads=1)
        results, problems = {}, []

        def run(k):
            try:
                out = self.path('t%d.csv' % k)
                with lm.Instrument.builtin('stss') as stss:
                    lm.score_file_to(big, stss, out, threads=2)
                results[k] = read(out)
            except Exception as e:  # pragma: no cover - reported below
                problems.append(e)

        workers = [threading.Thread(target=run, args=(k,)) for k in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        self.assertEqual(problems, [])
        self.assertEqual(len(results), 4)
        for k in range(4):
            self.assertEqual(results[k], read(want), k)


if __name__ == '__main__':
    unittest.main()
