"""Every C handle is given back exactly once: by close(), by a with block, or
by the garbage collector, in any order."""
import gc
import os
import subprocess
import sys
import unittest
import weakref

import libra_measures as lm
from support import data

PRE = data('examples', 'data', 'stss_pre.csv')
POST = data('examples', 'data', 'stss_post.csv')
ONES = [1] * 17


class Lifetime(unittest.TestCase):
    def setUp(self):
        gc.collect()
        self.assertEqual(lm._live_handles(), {})

    def tearDown(self):
        gc.collect()
        self.assertEqual(lm._live_handles(), {}, 'a handle was not given back')

    def test_close_is_idempotent_and_final(self):
        inst = lm.Instrument.builtin('stss')
        scorer = inst.scorer()
        self.assertEqual(lm._live_handles(), {'instrument': 1, 'scorer': 1, 'error': 1})
        for _ in range(3):
            scorer.close()
            inst.close()
        self.assertTrue(inst.closed and scorer.closed)
        self.assertEqual(lm._live_handles(), {})  # each freed once: the counts never go below zero
        for call in (lambda: scorer.score(ONES), lambda: inst.score(ONES), inst.scorer,
                     lambda: inst.prepost(PRE, POST)):
            with self.assertRaises(ValueError):
                call()
        self.assertEqual(inst.id, 'stss')  # metadata is plain data

    def test_instrument_closed_before_its_scorer_and_analysis(self):
        inst = lm.Instrument.builtin('stss')
        scorer = inst.scorer()
        pp = inst.prepost(PRE, POST)
        inst.close()
        self.assertEqual(scorer.score(ONES)['total'].score, 17)  # the C scorer holds its own reference
        self.assertIn('"instrument":"stss"', pp.to_json())
        scorer.close()
        pp.close()

    def test_garbage_collection_in_any_order(self):
        for order in ('instrument first', 'scorer first', 'together'):
            with self.subTest(order=order):
                inst = lm.Instrument.builtin('stss')
                scorer = inst.scorer()
                inst.score(ONES)  # a per-thread scorer too
                pp = inst.prepost(PRE, POST)
                refs = [weakref.ref(o) for o in (inst, scorer, pp)]
                if order == 'instrument first':
                    del inst
                    gc.collect()
                    self.assertEqual(scorer.score(ONES)['total'].score, 17)
                    del scorer, pp
                elif order == 'scorer first':
                    del scorer, pp
                    gc.collect()
                    self.assertEqual(inst.score(ONES)['total'].score, 17)
                    del inst
                else:
                    del inst, scorer, pp
                gc.collect()
                self.assertEqual([r() for r in refs], [None, None, None])
                self.assertEqual(lm._live_handles(), {})

    def test_reference_cycles_are_collected(self):
        inst = lm.Instrument.builtin('stss')
        scorer = inst.scorer()
        cycle = [inst, scorer]
        cycle.append(cycle)
        del inst, scorer, cycle
        gc.collect()
        self.assertEqual(lm._live_handles(), {})

    def test_with_blocks_release_on_exceptions(self):
        with self.assertRaises(lm.LibraError):
            with lm.Instrument.builtin('stss') as inst, inst.scorer() as scorer:
                scorer.score([9] * 17)
        self.assertTrue(inst.closed and scorer.closed)
        self.assertEqual(lm._live_handles(), {})

    def test_failed_loads_and_runs_leave_nothing(self):
        with self.assertRaises(lm.LibraError):
            lm.Instrument.builtin('nope')
        with lm.Instrument.builtin('stss') as inst:
            with self.assertRaises(lm.LibraError):
                inst.prepost(PRE, data('tests', 'cli', 'cases', 'prepost-bad-value', 'post.csv'))
            self.assertEqual(lm._live_handles(), {'instrument': 1})

    def test_closing_the_instrument_closes_the_per_thread_scorers(self):
        inst = lm.Instrument.builtin('stss')
        inst.score(ONES)
        self.assertEqual(lm._live_handles(), {'instrument': 1, 'scorer': 1, 'error': 1})
        inst.close()
        self.assertEqual(lm._live_handles(), {})

    def test_no_public_constructors_for_handles(self):
        with self.assertRaises(TypeError):
            lm.Scorer()
        with self.assertRaises(TypeError):
            lm.PrePost()
        with self.assertRaises(TypeError):
            lm.Instrument('stss')

    def test_objects_alive_at_exit(self):
        # Handles still owned at interpreter exit are freed then (weakref.finalize), cleanly.
        code = ('import libra_measures as lm\n'
                'i = lm.Instrument.builtin("stss"); s = i.scorer(); i.score([1] * 17)\n'
                'p = i.prepost(%r, %r)\n'
                'import atexit; atexit.register(lambda: print("exit"))\n') % (PRE, POST)
        r = subprocess.run([sys.executable, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=dict(os.environ), timeout=60)
        self.assertEqual((r.returncode, r.stderr.decode()), (0, ''))
        self.assertEqual(r.stdout.decode(), 'exit\n')


if __name__ == '__main__':
    unittest.main()
