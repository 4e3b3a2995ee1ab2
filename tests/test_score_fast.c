/*
 * The scorer's fast path (score.c, build_fast()) against its general path,
 * on random respondents: for every built-in instrument and for test
 * instruments with mean and prorated scales, reverse keys, two response
 * sets, missing codes and rules of both kinds; set value by value, read
 * from CSV tables (where one-digit cells add up as they are read) and
 * written as CSV (where a scale's fields are copied from the writer's
 * table). Every result must be the same, bit for bit, and so must the
 * output bytes. White-box: links the internal archive, to turn the fast
 * path off (lm__scorer_fast_off()) and to see that it is taken.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define ROWS 4000

static const char demo_yaml[] =
	"format: 1\n"
	"id: demo\n"
	"name: Demo\n"
	"version: '1'\n"
	"responses: [{value: 1, label: Never}, {value: 2, label: Sometimes}, {value: 3, label: Often},"
	" {value: 4, label: Always}]\n"
	"response_sets:\n"
	"  zero: [{value: 0, label: No}, {value: 1, label: A little}, {value: 2, label: Yes}]\n"
	"missing_codes: [{value: -99, label: Declined}, {value: 7, label: Don't know}]\n"
	"items:\n"
	"  - {id: d_1, label: one}\n"
	"  - {id: d_2, label: two, reverse: true}\n"
	"  - {id: d_3, label: three}\n"
	"  - {id: d_4, label: four, responses: zero, reverse: true}\n"
	"  - {id: d_5, label: five, responses: zero}\n"
	"  - {id: d_6, label: filler, scored: false}\n"
	"scales:\n"
	"  - {id: sum3, label: S, items: [d_1, d_2, d_3], method: sum,\n"
	"     bands: [{id: low, label: L, min: 3, max: 7}, {id: high, label: H, min: 8, max: 12}]}\n"
	"  - {id: mean3, label: M, items: [d_1, d_2, d_3], method: mean, min_answered: 2,\n"
	"     bands: [{id: lo, label: L, min: 1, max: 2.5}, {id: hi, label: H, min: 2.51, max: 4}]}\n"
	"  - {id: pro5, label: P, items: [d_1, d_2, d_3, d_4, d_5], method: prorated_sum, min_answered: 60%,\n"
	"     bands: [{id: a, label: A, min: 1.6666666666666665, max: 8}, {id: b, label: B, min: 8.01, max: 20}]}\n"
	"  - {id: zero, label: Z, items: [d_4, d_5], method: mean, min_answered: 1}\n"
	"rules:\n"
	"  - id: all2\n"
	"    label: two of sum3 at 3 or more, and d_4 at 2\n"
	"    combine: all\n"
	"    conditions:\n"
	"      - {scale: sum3, value_at_least: 3, count_at_least: 2}\n"
	"      - {scale: zero, value_at_least: 2, count_at_least: 1}\n"
	"  - id: any\n"
	"    label: either\n"
	"    combine: any\n"
	"    conditions:\n"
	"      - {scale: sum3, value_at_least: 4, count_at_least: 1}\n"
	"      - {scale: zero, value_at_least: 1.5, count_at_least: 2}\n";

/* Not for the fast path: negative keyed values, and values between whole numbers. */
static const char negative_yaml[] =
	"format: 1\n"
	"id: neg\n"
	"name: Negative\n"
	"version: '1'\n"
	"responses: [{value: -2, label: A}, {value: 0, label: B}, {value: 2, label: C}]\n"
	"items:\n"
	"  - {id: n_1, label: one}\n"
	"  - {id: n_2, label: two, reverse: true}\n"
	"scales:\n"
	"  - {id: s, label: S, items: [n_1, n_2], method: mean, min_answered: 1}\n";
static const char fraction_yaml[] =
	"format: 1\n"
	"id: frac\n"
	"name: Fractions\n"
	"version: '1'\n"
	"responses: [{value: 0.5, label: A}, {value: 1, label: B}, {value: 1.5, label: C}]\n"
	"items:\n"
	"  - {id: f_1, label: one}\n"
	"  - {id: f_2, label: two}\n"
	"scales:\n"
	"  - {id: s, label: S, items: [f_1, f_2], method: prorated_sum, min_answered: 1}\n";

static uint64_t rng = 88172645463325252u;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The instruments under test: every built-in, then the test ones. */
static size_t n_instruments(void)
{
	return lm_builtin_count() + 3;
}

static lm_instrument *load(size_t k)
{
	lm_instrument *inst = NULL;
	size_t nb = lm_builtin_count();
	const char *yaml = k == nb ? demo_yaml : k == nb + 1 ? negative_yaml : fraction_yaml;
	int rc = k < nb ? lm_instrument_load_builtin(&inst, lm_builtin_id(k), NULL)
			: lm_instrument_load_buffer(&inst, yaml, strlen(yaml), "test.yaml", NULL);
	assert_int_equal(rc, LM_OK);
	return inst;
}

/* Whether the fast path must apply: everything but the two instruments made not to. */
static int fast_expected(size_t k)
{
	return k <= lm_builtin_count();
}

static void same_results(const lm_scorer *a, const lm_scorer *b)
{
	const lm_instrument *inst = lm_scorer_instrument(a);
	for (size_t i = 0; i < inst->n_scales; i++) {
		double x = lm_scorer_scale_score(a, i), y = lm_scorer_scale_score(b, i);
		if (isnan(x) || isnan(y))
			assert_true(isnan(x) && isnan(y));
		else
			assert_memory_equal(&x, &y, sizeof(x)); /* the same bits */
		assert_int_equal(lm_scorer_scale_status(a, i), lm_scorer_scale_status(b, i));
		assert_int_equal(lm_scorer_scale_band(a, i), lm_scorer_scale_band(b, i));
		assert_int_equal(lm_scorer_scale_answered(a, i), lm_scorer_scale_answered(b, i));
		assert_int_equal(lm_scorer_scale_coded(a, i), lm_scorer_scale_coded(b, i));
	}
	for (size_t r = 0; r < inst->n_rules; r++)
		assert_int_equal(lm_scorer_rule(a, r), lm_scorer_rule(b, r));
}

/* A random value of item @p i: blank, a missing code or a response. */
static double random_value(const lm_instrument *inst, size_t i)
{
	const struct lm_response_set *rs = inst->items[i].responses;
	uint64_t r = next() % 100;
	if (r < 12)
		return NAN;
	if (r < 20 && inst->n_missing)
		return inst->missing[next() % inst->n_missing].value;
	return rs->v[next() % rs->n].value;
}

static void test_values(void **state)
{
	(void)state;
	for (size_t k = 0; k < n_instruments(); k++) {
		lm_instrument *inst = load(k);
		lm_scorer *fast, *general;
		assert_int_equal(lm_scorer_new(&fast, inst), LM_OK);
		assert_int_equal(lm_scorer_new(&general, inst), LM_OK);
		lm__scorer_fast_off(general, 1);
		assert_int_equal(fast->fast_tab != NULL, fast_expected(k));
		for (int row = 0; row < ROWS; row++) {
			/* Now and then every item answered, so that complete rows are common too. */
			int full = row % 4 == 0;
			for (size_t i = 0; i < inst->n_items; i++) {
				const struct lm_response_set *rs = inst->items[i].responses;
				double v = full ? rs->v[next() % rs->n].value : random_value(inst, i);
				assert_int_equal(lm_scorer_set(fast, i, v, NULL), LM_OK);
				assert_int_equal(lm_scorer_set(general, i, v, NULL), LM_OK);
			}
			assert_int_equal(lm_scorer_run(fast), LM_OK);
			assert_int_equal(lm_scorer_run(general), LM_OK);
			same_results(fast, general);
		}
		lm_scorer_free(fast);
		lm_scorer_free(general);
		lm_instrument_free(inst);
	}
}

/* Text of a number as a CSV cell would hold it. */
static int put_value(char *p, double v)
{
	return snprintf(p, 32, "%.17g", v);
}

/*
 * A random CSV table of @p inst: one-digit cells mostly, with blanks,
 * missing codes, labels, padded and decimal numbers, the "NA" token
 * (declared missing) and now and then a value that is no response.
 */
static char *random_table(const lm_instrument *inst, size_t *len)
{
	size_t cap = (size_t)ROWS * (inst->n_items + 2) * 40 + 4096, n = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	n += (size_t)sprintf(s + n, "id");
	for (size_t i = 0; i < inst->n_items; i++)
		n += (size_t)sprintf(s + n, ",%s", inst->items[i].id);
	s[n++] = '\n';
	for (int row = 0; row < ROWS; row++) {
		n += (size_t)sprintf(s + n, "r%d", row);
		int plain = row % 3 == 0; /* digits and blanks only: the summed path */
		for (size_t i = 0; i < inst->n_items; i++) {
			const struct lm_response_set *rs = inst->items[i].responses;
			s[n++] = ',';
			uint64_t r = next() % 100;
			const struct lm_response *v = &rs->v[next() % rs->n];
			if (r < 10) {
				/* blank */
			} else if (plain || r < 70) {
				n += (size_t)put_value(s + n, v->value);
			} else if (r < 76 && inst->n_missing) {
				n += (size_t)put_value(s + n, inst->missing[next() % inst->n_missing].value);
			} else if (r < 82) {
				n += (size_t)sprintf(s + n, "\"%s\"", v->label);
			} else if (r < 88) {
				n += (size_t)sprintf(s + n, " %g ", v->value);
			} else if (r < 93) {
				n += (size_t)sprintf(s + n, "%.1f", v->value);
			} else if (r < 98) {
				n += (size_t)sprintf(s + n, "NA");
			} else {
				n += (size_t)sprintf(s + n, "%d", (int)(next() % 10)); /* maybe no response */
			}
		}
		s[n++] = '\n';
		assert_true(n + 4096 < cap);
	}
	*len = n;
	return s;
}

static lm_table *open_table(const lm_instrument *inst, const char *data, size_t len)
{
	lm_table *t;
	assert_int_equal(lm_table_new(&t, inst), LM_OK);
	assert_int_equal(lm_table_add_missing(t, "NA"), LM_OK);
	assert_int_equal(lm_table_open_buffer(t, data, len, "random.csv", NULL), LM_OK);
	return t;
}

/* The bytes of a file, NUL-terminated. */
static char *slurp(FILE *f, size_t *len)
{
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

static void test_tables_and_csv(void **state)
{
	(void)state;
	for (size_t k = 0; k < n_instruments(); k++) {
		lm_instrument *inst = load(k);
		size_t len;
		char *data = random_table(inst, &len);
		lm_scorer *fast, *general;
		assert_int_equal(lm_scorer_new(&fast, inst), LM_OK);
		assert_int_equal(lm_scorer_new(&general, inst), LM_OK);
		lm__scorer_fast_off(general, 1);
		lm_table *ta = open_table(inst, data, len), *tb = open_table(inst, data, len);
		FILE *fa = tmpfile(), *fb = tmpfile();
		assert_non_null(fa);
		assert_non_null(fb);
		lm_writer *wa, *wb;
		assert_int_equal(lm_writer_open_fd(&wa, inst, LM_WRITER_CSV, fileno(fa), NULL), LM_OK);
		assert_int_equal(lm_writer_open_fd(&wb, inst, LM_WRITER_CSV, fileno(fb), NULL), LM_OK);
		int ra, rb;
		unsigned long scored = 0;
		do {
			ra = lm_table_next(ta, fast, NULL);
			rb = lm_table_next(tb, general, NULL);
			assert_int_equal(ra, rb);
			if (ra != 1)
				continue;
			scored++;
			same_results(fast, general);
			size_t na, nb;
			const char *ida = lm_table_row_id(ta, &na), *idb = lm_table_row_id(tb, &nb);
			assert_int_equal(lm_writer_write(wa, lm_table_row(ta), ida, na, fast), LM_OK);
			assert_int_equal(lm_writer_write(wb, lm_table_row(tb), idb, nb, general), LM_OK);
		} while (ra != 0);
		assert_true(scored > ROWS / 3);
		assert_int_equal(lm_writer_commit(wa, NULL), LM_OK);
		assert_int_equal(lm_writer_commit(wb, NULL), LM_OK);
		size_t la, lb;
		char *a = slurp(fa, &la), *b = slurp(fb, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		free(a);
		free(b);
		lm_writer_free(wa);
		lm_writer_free(wb);
		fclose(fa);
		fclose(fb);
		lm_table_free(ta);
		lm_table_free(tb);
		lm_scorer_free(fast);
		lm_scorer_free(general);
		free(data);
		lm_instrument_free(inst);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_tables_and_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
