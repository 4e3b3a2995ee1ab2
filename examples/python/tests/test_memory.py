"""100 000 scorings (and thousands of objects made and given back) do not
make the process grow: nothing leaks, in C or in Python."""
import gc
import os
import resource
import sys
import time
import unittest

import libra_measures as lm
from support import data

LIMIT = 2 * 1024 * 1024  # bytes of growth allowed (allocator noise)


def rss():
    """Resident set size now, in bytes (Linux); elsewhere the peak, which bounds it."""
    try:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == 'darwin' else peak * 1024


class Memory(unittest.TestCase):
    def measure(self, what, work, n, warmup):
        for i in range(warmup):
            work(i)
        gc.collect()
        before = rss()
        start = time.perf_counter()
        for i in range(n):
            work(i)
        elapsed = time.perf_counter() - start
        gc.collect()
        after = rss()
        print('\n%s: %d in %.1f s; RSS %.2f MiB before, %.2f MiB after, growth %+d KiB (limit %d KiB)'
              % (what, n, elapsed, before / 2 ** 20, after / 2 ** 20, (after - before) // 1024, LIMIT // 1024))
        self.assertLess(after - before, LIMIT)
        self.assertEqual(set(lm._live_handles()) - {'instrument', 'scorer', 'error'}, set())

    def test_100000_scorings(self):
        stss = lm.Instrument.builtin('stss')
        rows = [
            [2, 3, 1, 4, 2, 3, 2, 3, 1, 3, 4, 2, 2, 1, 3, 4, 2],                    # numbers
            '2,3,never,4,2,occasionally,2,3,1,3,4,2,2,1,3,4,2'.split(','),           # text and labels
            [3, None, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1],                 # a blank
            [5] * 17,
            '2,3,1,9,2,3,2,3,sometimes,3,4,2,2,1,3,4,2'.split(','),                  # rejected: LibraError
            [9] * 17,                                                               # rejected: 17 problems
        ]
        errors = [0]

        def work(i):
            try:
                stss.score(rows[i % len(rows)])
            except lm.LibraError:
                errors[0] += 1

        self.measure('scorings', work, 100000, 5000)
        self.assertEqual(errors[0], sum(1 for n in (5000, 100000) for i in range(n) if i % len(rows) >= 4))
        stss.close()

    def test_objects_made_and_given_back(self):
        pre, post = data('examples', 'data', 'stss_pre.csv'), data('examples', 'data', 'stss_post.csv')
        bad = data('tests', 'cli', 'cases', 'prepost-bad-value', 'post.csv')
        ids = lm.builtin_ids()

        def work(i):
            with lm.Instrument.builtin(ids[i % len(ids)]) as inst:
                with inst.scorer() as s:
                    s.score([None] * len(inst.items))
                inst.score([None] * len(inst.items))  # a per-thread scorer, closed with the instrument
            if i % 10 == 0:
                with lm.Instrument.builtin('stss') as stss:
                    with stss.prepost(pre, post, group_column='group') as pp:
                        pp.to_json()
                    try:
                        stss.prepost(pre, bad)
                    except lm.LibraError:
                        pass
            try:
                lm.Instrument.builtin('no-such')
            except lm.LibraError:
                pass

        self.measure('instruments, scorers and analyses', work, 2000, 200)
        self.assertEqual(lm._live_handles(), {})


if __name__ == '__main__':
    unittest.main()
