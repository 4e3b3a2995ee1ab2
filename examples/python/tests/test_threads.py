"""Eight threads score with one shared instrument and get exactly the
single-threaded results."""
import csv
import threading
import time
import unittest

import libra_measures as lm
from support import data

THREADS = 8
ROUNDS = 60  # x 80 respondents = 4 800 scorings per thread


def respondents():
    rows = []
    for name in ('stss_pre.csv', 'stss_post.csv'):
        with open(data('examples', 'data', name), newline='') as f:
            rows += [[row['stss_%d' % k] for k in range(1, 18)] for row in csv.DictReader(f)]
    return rows


class Threads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rows = respondents()
        cls.numbers = [[float(c) if c.strip() else None for c in row] for row in cls.rows]
        with lm.Instrument.builtin('stss') as stss:
            cls.expected = [stss.score(row) for row in cls.rows]

    def run_threads(self, work):
        barrier = threading.Barrier(THREADS)
        failures, done = [], []

        def main(t):
            try:
                barrier.wait()
                done.append(work(t))
            except BaseException as e:  # reported by the test, not lost in the thread
                failures.append((t, e))

        threads = [threading.Thread(target=main, args=(t,)) for t in range(THREADS)]
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        elapsed = time.perf_counter() - start
        self.assertFalse(any(th.is_alive() for th in threads), 'a thread hung')
        self.assertEqual(failures, [])
        self.assertEqual(len(done), THREADS)
        return elapsed, done

    def check_rounds(self, score, t):
        n = 0
        for r in range(ROUNDS):
            # Each thread walks the rows from its own offset, alternating text and numbers.
            for k in range(len(self.rows)):
                i = (k + 7 * t + r) % len(self.rows)
                got = score(self.rows[i] if (r + t) % 2 else self.numbers[i])
                if got != self.expected[i] or got.rules != self.expected[i].rules:
                    raise AssertionError('thread %d, respondent %d: %r != %r' % (t, i, got, self.expected[i]))
                n += 1
        return n

    def test_shared_instrument_per_thread_scorers(self):
        scorers = set()
        all_done = threading.Barrier(THREADS)

        def work(t):
            n = self.check_rounds(stss.score, t)
            scorers.add(id(stss._local.scorer))
            all_done.wait()  # every thread still alive, so no id is reused
            return n

        with lm.Instrument.builtin('stss') as stss:
            elapsed, counts = self.run_threads(work)
        self.assertEqual(len(scorers), THREADS)  # one C scorer per thread
        total = sum(counts)
        print('\n%d threads, one shared instrument: %d scorings in %.2f s, all equal to the single-threaded '
              'results' % (THREADS, total, elapsed))
        self.assertEqual(total, THREADS * ROUNDS * len(self.rows))

    def test_shared_instrument_own_scorers(self):
        with lm.Instrument.builtin('stss') as stss:
            def work(t):
                with stss.scorer() as scorer:
                    return self.check_rounds(scorer.score, t)
            self.run_threads(work)

    def test_threads_load_and_free_instruments(self):
        # Loading is thread-safe too; every thread loads, scores and frees its own.
        def work(t):
            for _ in range(20):
                with lm.Instrument.builtin(lm.builtin_ids()[t % 7]) as inst:
                    inst.score([None] * len(inst.items))
            return 1
        self.run_threads(work)

    def test_one_scorer_misused_from_all_threads_stays_correct(self):
        # A Scorer is for one thread at a time; from several it is serialised, never corrupted.
        with lm.Instrument.builtin('stss') as stss, stss.scorer() as scorer:
            self.run_threads(lambda t: self.check_rounds(scorer.score, t) if t < 4 else 0)

    def test_closing_while_threads_score(self):
        stss = lm.Instrument.builtin('stss')
        closed = threading.Event()

        def work(t):
            n = 0
            while True:
                try:
                    got = stss.score(self.numbers[n % len(self.rows)])
                except ValueError:  # closed: a clean Python error, never a crash
                    return n
                if got != self.expected[n % len(self.rows)]:
                    raise AssertionError('wrong result')
                n += 1
                if t == 0 and n == 2000:
                    stss.close()
                    closed.set()
                if n > 10 ** 6:
                    raise AssertionError('never saw the close')
        self.run_threads(work)
        self.assertTrue(closed.is_set())


if __name__ == '__main__':
    unittest.main()
