/*
 * Tests of the pre/post analysis on waves held in memory
 * (lm_prepost_run_batches()): on generated STSS waves with missing values,
 * labels, blank and unpaired ids and groups, every output
 * (JSON document, per-pair CSV, summary) is byte for byte the one the same
 * data gives when read from CSV files; and problems are reported as for
 * files, with rows and the caller's column names.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

#define NI 17
#define MAXN 700

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* One wave, as columns: items 0-7 numeric, 8-16 text. */
struct wave {
	size_t n;
	double num[NI][MAXN];
	char text[NI][MAXN][16];
	const char *tp[NI][MAXN];
	char id[MAXN][16], group[MAXN][16];
	const char *idp[MAXN], *groupp[MAXN];
};

static const char *const labels[] = {"Never", "rarely", "OCCASIONALLY", "Often", "very often"};

static void make_wave(struct wave *w, size_t n, size_t id_offset, int with_bad)
{
	w->n = n;
	for (size_t r = 0; r < n; r++) {
		snprintf(w->id[r], sizeof w->id[r], "P%04zu", r + id_offset);
		if (r == 17)
			w->id[r][0] = '\0'; /* a blank id: counted, not paired */
		snprintf(w->group[r], sizeof w->group[r], "%s", rnd(2) ? "treatment" : "control");
		w->idp[r] = w->id[r];
		w->groupp[r] = w->group[r];
		for (size_t i = 0; i < NI; i++) {
			unsigned k = rnd(12);
			double v = k < 1 ? NAN : (double)(1 + rnd(5));
			if (with_bad && r == 3 && i == 4)
				v = 6;
			if (i < 8) {
				w->num[i][r] = v;
				continue;
			}
			if (isnan(v))
				w->text[i][r][0] = '\0';
			else if (v > 0 && rnd(2))
				snprintf(w->text[i][r], 16, "%s", labels[(int)v - 1]);
			else
				snprintf(w->text[i][r], 16, "%g", v);
			w->tp[i][r] = isnan(v) && rnd(2) ? NULL : w->text[i][r];
		}
	}
}

static void write_csv(const struct wave *w, const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,arm", f);
	for (size_t i = 0; i < NI; i++)
		fprintf(f, ",stss_%zu", i + 1);
	fputc('\n', f);
	for (size_t r = 0; r < w->n; r++) {
		fprintf(f, "%s,%s", w->id[r], w->group[r]);
		for (size_t i = 0; i < NI; i++) {
			if (i < 8) {
				if (isnan(w->num[i][r]))
					fputc(',', f);
				else
					fprintf(f, ",%g", w->num[i][r]);
			} else {
				fprintf(f, ",%s", w->tp[i][r] ? w->tp[i][r] : "");
			}
		}
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
}

static lm_batch *batch_of(const lm_instrument *inst, const struct wave *w, const char *name)
{
	lm_batch *b = NULL;
	assert_int_equal(lm_batch_new(&b, inst), LM_OK);
	if (name)
		assert_int_equal(lm_batch_set_name(b, name), LM_OK);
	for (size_t i = 0; i < NI; i++) {
		char col[16];
		snprintf(col, sizeof col, "stss_%zu", i + 1);
		if (i < 8)
			assert_int_equal(lm_batch_set_numeric(b, i, w->num[i], col), LM_OK);
		else
			assert_int_equal(lm_batch_set_text(b, i, w->tp[i], col), LM_OK);
	}
	return b;
}

/* Everything lm_prepost_write_fd() writes in @p format, as a string (caller frees). */
static char *output(const lm_prepost *pp, int format)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(lm_prepost_write_fd(pp, format, fileno(f), NULL), LM_OK);
	long len = lseek(fileno(f), 0, SEEK_END);
	assert_true(len > 0);
	char *s = malloc((size_t)len + 1);
	assert_non_null(s);
	assert_int_equal(pread(fileno(f), s, (size_t)len, 0), len);
	s[len] = '\0';
	fclose(f);
	return s;
}

static struct wave pre, post;

static void compare_with_files(int grouped)
{
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	make_wave(&pre, 600, 0, 0);
	make_wave(&post, 650, 40, 0); /* ids 40-599 in both waves, the others in one */
	char dir[] = "/tmp/lm-ppbatch-XXXXXX", pre_path[64], post_path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(pre_path, sizeof pre_path, "%s/pre.csv", dir);
	snprintf(post_path, sizeof post_path, "%s/post.csv", dir);
	write_csv(&pre, pre_path);
	write_csv(&post, post_path);

	lm_prepost *from_files = NULL, *from_memory = NULL;
	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_prepost_new(&from_files, inst), LM_OK);
	assert_int_equal(lm_prepost_new(&from_memory, inst), LM_OK);
	if (grouped) {
		assert_int_equal(lm_prepost_set_group_column(from_files, "arm"), LM_OK);
		assert_int_equal(lm_prepost_set_group_column(from_memory, "arm"), LM_OK);
	}
	assert_int_equal(lm_prepost_run_files(from_files, pre_path, post_path, err), LM_OK);
	lm_batch *b0 = batch_of(inst, &pre, NULL), *b1 = batch_of(inst, &post, NULL);
	assert_int_equal(lm_prepost_run_batches(from_memory, b0, pre.n, pre.idp, grouped ? pre.groupp : NULL, b1,
						post.n, post.idp, err),
			 LM_OK);
	assert_int_equal(lm_error_total(err), 0);
	assert_int_equal(lm_prepost_count(from_memory, LM_PREPOST_COUNT_PAIRS), 559);
	assert_int_equal(lm_prepost_count(from_memory, LM_PREPOST_COUNT_NO_ID), 2);
	for (int format = LM_PREPOST_JSON; format <= LM_PREPOST_SUMMARY; format++) {
		char *a = output(from_files, format), *b = output(from_memory, format);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	lm_batch_free(b0);
	lm_batch_free(b1);
	lm_prepost_free(from_files);
	lm_prepost_free(from_memory);
	lm_error_free(err);
	lm_instrument_free(inst);
	unlink(pre_path);
	unlink(post_path);
	rmdir(dir);
}

static void test_equals_files(void **state)
{
	(void)state;
	compare_with_files(0);
}

static void test_equals_files_grouped(void **state)
{
	(void)state;
	compare_with_files(1);
}

static void test_problems_reported(void **state)
{
	(void)state;
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	make_wave(&pre, 50, 0, 0);
	make_wave(&post, 50, 0, 1); /* row 4 of post: stss_5 = 6 */
	strcpy(pre.id[9], "P0003");  /* P0003 twice in the pre wave, rows 4 and 10 */
	lm_prepost *pp = NULL;
	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_prepost_new(&pp, inst), LM_OK);
	lm_batch *b0 = batch_of(inst, &pre, "before"), *b1 = batch_of(inst, &post, NULL);
	assert_int_equal(lm_prepost_run_batches(pp, b0, pre.n, pre.idp, NULL, b1, post.n, post.idp, err), LM_EDATA);
	assert_int_equal(lm_error_count(err), 2);
	assert_string_equal(lm_error_text(err, 0),
			    "post:4:5: row 4, column \"stss_5\": \"6\" is not a response of stss_5 (allowed: 1, 2, 3, "
			    "4, 5)");
	assert_string_equal(lm_error_text(err, 1),
			    "before:4: id \"P0003\" occurs 2 times in the pre wave, at data rows 4 (line 4), 10 (line "
			    "10); fix the data, or leave them unpaired (duplicates policy: exclude)");
	assert_int_equal(lm_prepost_count(pp, LM_PREPOST_COUNT_PRE_ROWS), 50);
	assert_int_equal(lm_prepost_count(pp, LM_PREPOST_COUNT_POST_ROWS), 50);
	assert_int_equal(lm_prepost_count(pp, LM_PREPOST_COUNT_REJECTED), 1);
	lm_error_clear(err);

	/* A scored item without a column. */
	assert_int_equal(lm_batch_set_numeric(b1, 2, NULL, NULL), LM_OK);
	assert_int_equal(lm_prepost_run_batches(pp, b0, pre.n, pre.idp, NULL, b1, post.n, post.idp, err), LM_EDATA);
	assert_string_equal(lm_error_text(err, 0), "post: no column for item stss_3");
	lm_error_clear(err);

	/* Groups given without a group column, and the other way round; another instrument's batch. */
	assert_int_equal(lm_prepost_run_batches(pp, b0, pre.n, pre.idp, pre.groupp, b1, post.n, post.idp, err),
			 LM_EINVAL);
	assert_string_equal(lm_error_message(err, 0),
			    "lm_prepost_run_batches: groups given, but no group column was set");
	assert_int_equal(lm_prepost_set_group_column(pp, "arm"), LM_OK);
	assert_int_equal(lm_prepost_run_batches(pp, b0, pre.n, pre.idp, NULL, b1, post.n, post.idp, err), LM_EINVAL);
	lm_instrument *other = NULL;
	lm_batch *b2 = NULL;
	assert_int_equal(lm_instrument_load_builtin(&other, "stss", NULL), LM_OK);
	assert_int_equal(lm_batch_new(&b2, other), LM_OK);
	assert_int_equal(lm_prepost_run_batches(pp, b0, pre.n, pre.idp, pre.groupp, b2, 0, NULL, err), LM_EINVAL);
	assert_int_equal(lm_prepost_run_batches(NULL, b0, 0, NULL, NULL, b1, 0, NULL, err), LM_EINVAL);
	assert_int_equal(lm_prepost_run_batches(pp, b0, 1, NULL, pre.groupp, b1, 0, NULL, err), LM_EINVAL);
	assert_int_equal(lm_error_count(err), 5);
	lm_batch_free(b2);
	lm_instrument_free(other);
	lm_batch_free(b0);
	lm_batch_free(b1);
	lm_prepost_free(pp);
	lm_error_free(err);
	lm_instrument_free(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equals_files),
		cmocka_unit_test(test_equals_files_grouped),
		cmocka_unit_test(test_problems_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
