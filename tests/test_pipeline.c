/*
 * lm_score_table(): on worker threads, in parts of any size, it must give
 * what reading on one thread gives, byte for byte — the scores, the rejects
 * file, every diagnostic (with its row, line and missing-value hint) and
 * every count. Parts are made tiny here (lm__pipeline_part_size, private),
 * so that boundaries fall everywhere: inside quoted fields that hold line
 * breaks, between a CR and its LF, among empty lines, next to rows that are
 * rejected. Tables are read from a file and from memory, with carried
 * columns, with and without a rejects file and an id column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

extern size_t lm__pipeline_part_size;
extern size_t lm__pipeline_alone;

struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void addf(struct text *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	add(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void add_file(struct text *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		addf(t, "[no file %s]\n", path);
		return;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		add(t, buf, n);
	fclose(f);
	unlink(path);
}

static uint64_t rng = 88172645463325252u;
static unsigned next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* An STSS export as agencies have them, and worse. */
static void make_table(struct text *t, unsigned rows, int crlf, int nasty)
{
	const char *eol = crlf ? "\r\n" : "\n";
	add(t, "id,grp", 6);
	for (int i = 1; i <= 17; i++)
		addf(t, ",stss_%d", i);
	add(t, eol, strlen(eol));
	for (unsigned r = 0; r < rows; r++) {
		unsigned kind = nasty ? next(40) : 99;
		if (kind == 0) { /* an empty line, or several */
			for (unsigned k = 1 + next(3); k > 0; k--)
				add(t, eol, strlen(eol));
			continue;
		}
		if (kind == 1) { /* only delimiters */
			for (int i = 0; i < 18; i++)
				add(t, ",", 1);
			add(t, eol, strlen(eol));
			continue;
		}
		if (kind == 2) /* an id that holds a line break, a quote and the delimiter */
			addf(t, "\"R%u\nsecond \"\"line\"\", a\"", r);
		else if (kind == 3) /* a stray quote inside an unquoted field */
			addf(t, "R%u\"x", r);
		else if (kind == 4) /* a lone CR inside */
			addf(t, "R%u\rcr", r);
		else
			addf(t, "R%u", r);
		addf(t, ",%s", kind == 5 ? "\"team\n2\"" : next(2) ? "a" : "b");
		unsigned fields = kind == 6 ? 16 : kind == 7 ? 18 : 17;
		for (unsigned i = 0; i < fields; i++) {
			unsigned v = next(100);
			if (!nasty || v < 90)
				addf(t, ",%u", 1 + next(5));
			else if (v < 93)
				add(t, ",", 1);
			else if (v < 95)
				add(t, ",NA", 3);
			else if (v < 96)
				add(t, ",-9", 3);
			else if (v < 97)
				add(t, ",.", 2);
			else if (v < 98)
				add(t, ",6", 2);
			else if (v < 99)
				add(t, ",\"3\"", 4);
			else
				add(t, ", 2 ", 4);
		}
		add(t, eol, strlen(eol));
	}
}

struct setup {
	int from_file, rejects, keep, no_id, jsonl;
};

/* Everything one scoring says, as text. */
static void score(const lm_instrument *inst, const char *data, size_t len, const struct setup *su, unsigned threads,
		  struct text *out)
{
	char in_path[64], out_path[80], rej_path[80];
	lm_table *t = NULL;
	lm_writer *w = NULL;
	lm_rejects *rj = NULL;
	lm_error *err = NULL;
	/* The same name every time: diagnostics name the file. */
	snprintf(in_path, sizeof in_path, "/tmp/lm_pipeline_%ld.csv", (long)getpid());
	int fd = open(in_path, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(out_path, sizeof out_path, "%s.out", in_path);
	snprintf(rej_path, sizeof rej_path, "%s.rej", in_path);
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_table_new(&t, inst), LM_OK);
	if (su->no_id)
		assert_int_equal(lm_table_set_no_id(t, 1), LM_OK);
	assert_int_equal(lm_table_add_missing(t, "-9"), LM_OK);
	int rc = su->from_file ? lm_table_open_file(t, in_path, err) : lm_table_open_buffer(t, data, len, "mem.csv", err);
	assert_int_equal(rc, LM_OK);
	assert_int_equal(lm_writer_open_file(&w, inst, su->jsonl ? LM_WRITER_JSONL : LM_WRITER_CSV, out_path, err),
			 LM_OK);
	if (su->keep)
		assert_int_equal(lm_writer_add_column(w, "grp", err), LM_OK);
	if (su->rejects)
		assert_int_equal(lm_rejects_open_file(&rj, t, rej_path, err), LM_OK);
	unsigned long insufficient = 99;
	rc = lm_score_table(t, w, rj, threads, &insufficient, err);
	addf(out, "rc %d insufficient %lu read %lu rejected %lu blank %lu row %lu", rc, insufficient,
	     lm_table_rows_read(t), lm_table_rows_rejected(t), lm_table_rows_blank(t), lm_table_row(t));
	for (int k = LM_REJECT_VALUE; k <= LM_REJECT_TEXT; k++)
		addf(out, " %lu", lm_table_rows_rejected_for(t, k));
	addf(out, " records %lu/%lu\n", lm_writer_records(w), lm_rejects_records(rj));
	addf(out, "problems %zu of %zu\n", lm_error_count(err), lm_error_total(err));
	for (size_t i = 0; i < lm_error_count(err); i++)
		addf(out, "%.400s\n", lm_error_text(err, i));
	lm_error_clear(err);
	assert_int_equal(lm_writer_commit(w, err), LM_OK);
	add_file(out, out_path);
	if (rj) {
		assert_int_equal(lm_rejects_commit(rj, err), LM_OK);
		add_file(out, rej_path);
	}
	lm_rejects_free(rj);
	lm_writer_free(w);
	lm_table_free(t);
	lm_error_free(err);
	unlink(in_path);
}

static void same_whatever_the_threads(const char *data, size_t len, const struct setup *su)
{
	static const size_t part_sizes[] = {1, 13, 100, 777, 4096, 256 * 1024};
	static const unsigned threads[] = {2, 3, 0};
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	struct text one = {0};
	score(inst, data, len, su, 1, &one);
	for (size_t p = 0; p < sizeof part_sizes / sizeof part_sizes[0]; p++)
		for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
			struct text many = {0};
			lm__pipeline_part_size = part_sizes[p];
			/* threads 0 reads its first bytes alone: none, half the table, or all of it. */
			size_t alone = p % 3 == 0 ? 0 : p % 3 == 1 ? len / 2 : len + 1;
			lm__pipeline_alone = alone;
			score(inst, data, len, su, threads[k], &many);
			if (many.len != one.len || memcmp(many.s, one.s, one.len) != 0) {
				size_t at = 0;
				while (at < one.len && at < many.len && one.s[at] == many.s[at])
					at++;
				fail_msg("threads %u, parts of %zu bytes, %zu alone: differs at byte %zu:\n"
					 "--- one thread:\n%.300s\n--- parts:\n%.300s",
					 threads[k], part_sizes[p], alone, at, one.s + (at > 100 ? at - 100 : 0),
					 many.s + (at > 100 ? at - 100 : 0));
			}
			free(many.s);
		}
	lm__pipeline_part_size = 256 * 1024;
	lm__pipeline_alone = (size_t)8 << 20;
	free(one.s);
	lm_instrument_free(inst);
}

static void test_clean_rows(void **state)
{
	(void)state;
	struct text t = {0};
	make_table(&t, 300, 0, 0);
	struct setup su = {.from_file = 1, .keep = 1};
	same_whatever_the_threads(t.s, t.len, &su);
	su.from_file = 0;
	su.jsonl = 1;
	same_whatever_the_threads(t.s, t.len, &su);
	free(t.s);
}

static void test_nasty_rows_with_rejects(void **state)
{
	(void)state;
	for (int crlf = 0; crlf < 2; crlf++) {
		struct text t = {0};
		make_table(&t, 400, crlf, 1);
		struct setup su = {.from_file = 1, .rejects = 1, .keep = 1};
		same_whatever_the_threads(t.s, t.len, &su);
		su.from_file = 0;
		same_whatever_the_threads(t.s, t.len, &su);
		free(t.s);
	}
}

static void test_nasty_rows_no_id_no_rejects(void **state)
{
	(void)state;
	struct text t = {0};
	make_table(&t, 200, 0, 1);
	struct setup su = {.from_file = 1, .no_id = 1};
	same_whatever_the_threads(t.s, t.len, &su);
	free(t.s);
}

/* The end of the input: no final line break, empty lines after the last
 * row, a quote never closed. */
static void test_ends(void **state)
{
	(void)state;
	static const char *const tails[] = {"R9,a,1,2,3,4,5,1,2,3,4,5,1,2,3,4,5,1,2", "\n\n\n", "\r\n\r\n",
					    "R9,\"a,1,2,3,4\n5,1\n", "R9,a,1\n\"", "\n,,,\n\n"};
	for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++) {
		struct text t = {0};
		make_table(&t, 50, 0, 0);
		add(&t, tails[k], strlen(tails[k]));
		struct setup su = {.from_file = 1, .rejects = 1};
		same_whatever_the_threads(t.s, t.len, &su);
		su.from_file = 0;
		same_whatever_the_threads(t.s, t.len, &su);
		free(t.s);
	}
}

/* A record over the limit stops the reading at the same row either way. */
static void test_record_too_long(void **state)
{
	(void)state;
	struct text t = {0};
	make_table(&t, 20, 0, 0);
	add(&t, "\"", 1);
	char *big = malloc(3u << 20);
	assert_non_null(big);
	memset(big, 'x', 3u << 20);
	add(&t, big, 3u << 20);
	add(&t, "\"\n", 2);
	free(big);
	struct text more = {0};
	make_table(&more, 20, 0, 0);
	add(&t, more.s, more.len);
	free(more.s);
	struct setup su = {.from_file = 1};
	same_whatever_the_threads(t.s, t.len, &su);
	free(t.s);
}

/* Arguments the call refuses. */
static void test_refused(void **state)
{
	(void)state;
	lm_instrument *inst = NULL, *other = NULL;
	lm_table *t = NULL;
	lm_writer *w = NULL;
	lm_error *err = NULL;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	assert_int_equal(lm_instrument_load_builtin(&other, "proqol5", NULL), LM_OK);
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_table_new(&t, inst), LM_OK);
	assert_int_equal(lm_writer_open_fd(&w, other, LM_WRITER_CSV, 1, err), LM_OK);
	assert_int_equal(lm_score_table(NULL, w, NULL, 1, NULL, err), LM_EINVAL);
	assert_int_equal(lm_score_table(t, w, NULL, 1, NULL, err), LM_EINVAL); /* not open */
	struct text data = {0};
	make_table(&data, 3, 0, 0);
	assert_int_equal(lm_table_open_buffer(t, data.s, data.len, "mem.csv", err), LM_OK);
	lm_error_clear(err);
	assert_int_equal(lm_score_table(t, w, NULL, 2, NULL, err), LM_EINVAL); /* another instrument */
	lm_writer_free(w);
	assert_int_equal(lm_writer_open_fd(&w, inst, LM_WRITER_CSV, 1, err), LM_OK);
	assert_int_equal(lm_writer_add_column(w, "team", err), LM_OK);
	lm_error_clear(err);
	assert_int_equal(lm_score_table(t, w, NULL, 2, NULL, err), LM_EINVAL);
	assert_non_null(strstr(lm_error_text(err, 0), "has no column \"team\" to carry"));
	lm_writer_free(w);
	lm_table_free(t);
	lm_error_free(err);
	free(data.s);
	lm_instrument_free(inst);
	lm_instrument_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_rows),
		cmocka_unit_test(test_nasty_rows_with_rejects),
		cmocka_unit_test(test_nasty_rows_no_id_no_rejects),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_record_too_long),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
