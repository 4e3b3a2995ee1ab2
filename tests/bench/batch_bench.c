/*
 * Benchmark (not a test): 1e6 respondents x 17 STSS items held in memory as
 * doubles (about 4 % blank), scored
 *   (a) row by row as the command line scores once a row is read: each
 *       value set with lm_scorer_set(), lm_scorer_run(), the results read
 *       into arrays with the lm_scorer_* getters;
 *   (b) in one lm_batch_score() call into the same arrays.
 * Prints both times, the ratio, and checks that the results are identical.
 *
 *   cc -O2 -Ibuild/include -Ibuild/include/libra_measures -Iinclude -Iinclude/libra_measures tests/bench/batch_bench.c -Lbuild/lib -llibra_measures -lm \
 *      -Wl,-rpath,$PWD/build/lib -o /tmp/batch_bench && /tmp/batch_bench [ROWS]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libra_measures/libra_measures.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
	lm_instrument *inst = NULL;
	if (lm_instrument_load_builtin(&inst, "stss", NULL) != LM_OK)
		return 1;
	size_t ni = lm_instrument_item_count(inst), ns = lm_instrument_scale_count(inst);
	double **col = malloc(ni * sizeof(*col));
	uint64_t x = 42;
	for (size_t i = 0; i < ni; i++) {
		col[i] = malloc(n * sizeof(double));
		for (size_t r = 0; r < n; r++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			col[i][r] = x % 25 == 0 ? NAN : (double)(1 + x % 5);
		}
	}
	double *score[2][8];
	int *answered[2][8], *status[2][8], *band[2][8], *rule[2];
	for (int k = 0; k < 2; k++) {
		for (size_t s = 0; s < ns; s++) {
			score[k][s] = malloc(n * sizeof(double));
			answered[k][s] = malloc(n * sizeof(int));
			status[k][s] = malloc(n * sizeof(int));
			band[k][s] = malloc(n * sizeof(int));
		}
		rule[k] = malloc(n * sizeof(int));
	}
	double best[2] = {1e9, 1e9};
	for (int rep = 0; rep < 3; rep++) {
		/* (a) row by row */
		lm_scorer *sc = NULL;
		if (lm_scorer_new(&sc, inst) != LM_OK)
			return 1;
		double t0 = now();
		for (size_t r = 0; r < n; r++) {
			for (size_t i = 0; i < ni; i++)
				if (lm_scorer_set(sc, i, col[i][r], NULL) != LM_OK)
					return 1;
			if (lm_scorer_run(sc) != LM_OK)
				return 1;
			for (size_t s = 0; s < ns; s++) {
				score[0][s][r] = lm_scorer_scale_score(sc, s);
				answered[0][s][r] = (int)lm_scorer_scale_answered(sc, s);
				status[0][s][r] = lm_scorer_scale_status(sc, s);
				band[0][s][r] = (int)lm_scorer_scale_band(sc, s);
			}
			rule[0][r] = lm_scorer_rule(sc, 0);
		}
		double t1 = now();
		lm_scorer_free(sc);
		/* (b) one batch call */
		lm_batch *b = NULL;
		if (lm_batch_new(&b, inst) != LM_OK)
			return 1;
		for (size_t i = 0; i < ni; i++)
			if (lm_batch_set_numeric(b, i, col[i], NULL) != LM_OK)
				return 1;
		for (size_t s = 0; s < ns; s++)
			if (lm_batch_set_scale_output(b, s, score[1][s], answered[1][s], status[1][s], band[1][s]) != LM_OK)
				return 1;
		if (lm_batch_set_rule_output(b, 0, rule[1]) != LM_OK)
			return 1;
		double t2 = now();
		if (lm_batch_score(b, n, NULL) != LM_OK)
			return 1;
		double t3 = now();
		lm_batch_free(b);
		if (t1 - t0 < best[0])
			best[0] = t1 - t0;
		if (t3 - t2 < best[1])
			best[1] = t3 - t2;
	}
	for (size_t s = 0; s < ns; s++)
		for (size_t r = 0; r < n; r++)
			if (!((score[0][s][r] == score[1][s][r]) || (isnan(score[0][s][r]) && isnan(score[1][s][r]))) ||
			    answered[0][s][r] != answered[1][s][r] || status[0][s][r] != status[1][s][r] ||
			    band[0][s][r] != band[1][s][r] || rule[0][r] != rule[1][r]) {
				fprintf(stderr, "results differ at row %zu\n", r);
				return 1;
			}
	printf("%zu rows x %zu items, best of 3\n", n, ni);
	printf("row by row (lm_scorer_set + run + getters): %.3f s (%.0f ns/row)\n", best[0], best[0] / (double)n * 1e9);
	printf("one lm_batch_score() call:                  %.3f s (%.0f ns/row)\n", best[1], best[1] / (double)n * 1e9);
	printf("batch / row by row: %.2f (target <= 1.5); results identical\n", best[1] / best[0]);
	lm_instrument_free(inst);
	return 0;
}
