"""Benchmark (not a test): a 1e6 x 17 STSS DataFrame scored by the Python
package (one batch call into the C library, which also checks every value and
gives statuses, bands and the rule) against pandas' own row sums of the four
scales on the same frame, df[cols].sum(axis=1, min_count=len(cols)).
Totals must be identical. Reports the median CPU time of several runs
(process time: on a shared machine, elapsed time measures the neighbours).

    python3 tests/bench/py_bench.py [ROWS] [RUNS]

Run with the package installed (README, "From Python"), or with
PYTHONPATH=examples/python LIBRA_MEASURES_LIBRARY=build/lib/liblibra_measures.so.
Columns are int64 as pandas reads them ("int"), or float64 with missing
values ("float"); both are reported.
"""
import statistics
import sys
import time

import numpy as np
import pandas as pd

import libra_measures as lm


def timed(f, runs):
    times, result = [], None
    for _ in range(runs):
        t = time.process_time()
        result = f()
        times.append(time.process_time() - t)
    return statistics.median(times), times, result


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    stss = lm.Instrument.builtin('stss')
    rng = np.random.default_rng(1)
    ints = pd.DataFrame({it.id: rng.integers(1, 6, n) for it in stss.items})
    floats = ints.astype('float64')
    floats = floats.mask(rng.random(floats.shape) < 0.01)
    print('libra_measures %s, library %s, pandas %s, numpy %s; %d rows x %d items, median of %d runs (CPU s)'
          % (lm.__version__, lm.library_version(), pd.__version__, np.__version__, n, len(stss.items), runs))
    for kind, df in (('int', ints), ('float', floats)):
        def with_pandas():
            return {sc.id: df[list(sc.items)].sum(axis=1, min_count=len(sc.items)) for sc in stss.scales}

        def with_libra():
            return lm.score(df, stss)
        tp, allp, sums = timed(with_pandas, runs)
        tl, alll, scores = timed(with_libra, runs)
        for sc in stss.scales:
            full = sums[sc.id].notna().to_numpy()
            if not np.array_equal(scores[sc.id].to_numpy()[full], sums[sc.id].to_numpy()[full]):
                sys.exit('FAIL: %s totals differ' % sc.id)
        print('%-5s pandas sums %.3f s  libra score() %.3f s  ratio %.2fx  (runs: pandas %s; libra %s)'
              % (kind, tp, tl, tl / tp, ' '.join('%.3f' % t for t in allp), ' '.join('%.3f' % t for t in alll)))


if __name__ == '__main__':
    main()
