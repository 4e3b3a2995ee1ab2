/*
 * Tests of the score writers through the public API: exact CSV and JSON Lines
 * text for a small instrument, string escaping, atomic replacement of the
 * target, descriptor output, write errors, and locale-independent numbers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "libra_measures/libra_measures.h"

/* Three items 0..2 (w_3 reverse-keyed), a banded prorated sum, an unbanded
 * mean and one rule. */
static const char yaml[] =
	"format: 1\n"
	"id: w\n"
	"name: Writer test\n"
	"version: '1'\n"
	"responses: [{value: 0, label: No}, {value: 1, label: Some}, {value: 2, label: Yes}]\n"
	"missing_codes: [{value: -99, label: Declined}]\n"
	"items:\n"
	"  - {id: w_1, label: a}\n"
	"  - {id: w_2, label: b}\n"
	"  - {id: w_3, label: c, reverse: true}\n"
	"scales:\n"
	"  - {id: total, label: T, items: [w_1, w_2, w_3], method: prorated_sum, min_answered: 2,\n"
	"     bands: [{id: low, label: L, min: 0, max: 2}, {id: high, label: H, min: 3, max: 6}]}\n"
	"  - {id: avg, label: A, items: [w_1, w_2], method: mean, min_answered: 1}\n"
	"rules:\n"
	"  - id: flag\n"
	"    label: two items at 2\n"
	"    combine: all\n"
	"    conditions: [{scale: total, value_at_least: 2, count_at_least: 2}]\n";

struct fx {
	lm_instrument *inst;
	lm_scorer *s;
	lm_error *err;
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	if (lm_instrument_load_buffer(&fx->inst, yaml, sizeof(yaml) - 1, "w.yaml", NULL) != LM_OK)
		return -1;
	if (lm_scorer_new(&fx->s, fx->inst) != LM_OK || lm_error_new(&fx->err) != LM_OK)
		return -1;
	if (temp_dir_make(fx->dir, sizeof(fx->dir), "lm_test_writer") != 0)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/out.csv", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	temp_dir_remove(fx->dir);
	lm_scorer_free(fx->s);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	free(fx);
	return 0;
}

static void score(struct fx *fx, double a, double b, double c)
{
	const double v[3] = {a, b, c};
	assert_int_equal(lm_scorer_score(fx->s, v, 3, NULL), LM_OK);
}

/* Write the three example respondents. */
static void write_rows(struct fx *fx, lm_writer *w)
{
	score(fx, 2, 1, 0);
	assert_int_equal(lm_writer_write(w, 1, "r1", 2, fx->s), LM_OK);
	score(fx, 0, NAN, 2);
	assert_int_equal(lm_writer_write(w, 2, "a,\"b\"", 5, fx->s), LM_OK);
	score(fx, NAN, -99, NAN);
	assert_int_equal(lm_writer_write(w, 3, NULL, 0, fx->s), LM_OK);
	assert_int_equal(lm_writer_records(w), 3);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int c;
	while ((c = fgetc(f)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 256;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		buf[len++] = (char)c;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Number of entries in the directory other than . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static const char expected_csv[] =
	"id,total,total_answered,total_status,total_band,avg,avg_answered,avg_status,flag\n"
	"r1,5,3,ok,high,1.5,2,ok,true\n"
	"\"a,\"\"b\"\"\",0,2,prorated,low,0,1,prorated,false\n"
	",,0,insufficient,,,0,insufficient,\n";

static const char expected_jsonl[] =
	"{\"row\":1,\"id\":\"r1\",\"scales\":{\"total\":{\"score\":5,\"answered\":3,\"coded\":0,\"status\":\"ok\","
	"\"band\":\"high\"},\"avg\":{\"score\":1.5,\"answered\":2,\"coded\":0,\"status\":\"ok\",\"band\":null}},"
	"\"rules\":{\"flag\":true}}\n"
	"{\"row\":2,\"id\":\"a,\\\"b\\\"\",\"scales\":{\"total\":{\"score\":0,\"answered\":2,\"coded\":0,"
	"\"status\":\"prorated\",\"band\":\"low\"},\"avg\":{\"score\":0,\"answered\":1,\"coded\":0,\"status\":"
	"\"prorated\",\"band\":null}},\"rules\":{\"flag\":false}}\n"
	"{\"row\":3,\"id\":null,\"scales\":{\"total\":{\"score\":null,\"answered\":0,\"coded\":1,\"status\":"
	"\"insufficient\",\"band\":null},\"avg\":{\"score\":null,\"answered\":0,\"coded\":1,\"status\":"
	"\"insufficient\",\"band\":null}},\"rules\":{\"flag\":null}}\n";

static void test_csv(void **state)
{
	struct fx *fx = *state;
	lm_writer *w;
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, fx->err), LM_OK);
	write_rows(fx, w);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	char *got = slurp(fx->path);
	assert_string_equal(got, expected_csv);
	free(got);
	assert_int_equal(dir_entries(fx->dir), 1);
	assert_int_equal(lm_error_count(fx->err), 0);
}

static void test_jsonl(void **state)
{
	struct fx *fx = *state;
	lm_writer *w;
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_JSONL, fx->path, fx->err), LM_OK);
	write_rows(fx, w);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	char *got = slurp(fx->path);
	assert_string_equal(got, expected_jsonl);
	free(got);
}

static void test_escaping(void **state)
{
	struct fx *fx = *state;
	lm_writer *w;
	/* Quotes, a backslash, control characters, valid UTF-8, a stray byte and a NUL. */
	static const char id[] = "q\"b\\t\tn\nr\r\x01\x1f\x7f \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xff\xc3 \x00z";
	score(fx, 2, 1, 0);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_JSONL, fx->path, NULL), LM_OK);
	assert_int_equal(lm_writer_write(w, 7, id, sizeof(id) - 1, fx->s), LM_OK);
	assert_int_equal(lm_writer_write(w, 8, "", 0, fx->s), LM_OK);
	assert_int_equal(lm_writer_commit(w, NULL), LM_OK);
	lm_writer_free(w);
	char *got = slurp(fx->path);
	assert_non_null(strstr(got, "{\"row\":7,\"id\":\"q\\\"b\\\\t\\u0009n\\u000ar\\u000d\\u0001\\u001f\x7f "
				    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \\ufffd\\ufffd \\u0000z\",\"scales\":"));
	assert_non_null(strstr(got, "\n{\"row\":8,\"id\":\"\",\"scales\":"));
	free(got);

	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, NULL), LM_OK);
	assert_int_equal(lm_writer_write(w, 1, "two\nlines", 9, fx->s), LM_OK);
	assert_int_equal(lm_writer_write(w, 2, "cr\r", 3, fx->s), LM_OK);
	assert_int_equal(lm_writer_write(w, 3, " 007 ", 5, fx->s), LM_OK);
	assert_int_equal(lm_writer_write(w, 4, "", 0, fx->s), LM_OK);
	assert_int_equal(lm_writer_commit(w, NULL), LM_OK);
	lm_writer_free(w);
	got = slurp(fx->path);
	const char *rest = ",5,3,ok,high,1.5,2,ok,true\n";
	char want[512];
	snprintf(want, sizeof(want), "%s\"two\nlines\"%s\"cr\r\"%s 007 %s%s", "", rest, rest, rest, rest);
	assert_string_equal(strchr(got, '\n') + 1, want);
	free(got);
}

/* Round trip: what the CSV writer writes, the table reader reads back as the same ids. */
static void test_csv_ids_round_trip(void **state)
{
	struct fx *fx = *state;
	static const char *ids[] = {"plain", "a,b", "say \"hi\"", "multi\nline", "crlf\r\nx", "", " sp "};
	lm_writer *w;
	score(fx, 2, 1, 0);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, NULL), LM_OK);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(lm_writer_write(w, i + 1, ids[i], strlen(ids[i]), fx->s), LM_OK);
	assert_int_equal(lm_writer_commit(w, NULL), LM_OK);
	lm_writer_free(w);

	/* Read the output as a table of an instrument whose items are the score columns. */
	static const char yaml2[] = "format: 1\nid: back\nname: B\nversion: '1'\n"
				    "responses: [{value: 0, label: No}, {value: 1.5, label: Mid}, {value: 5, label: Yes}]\n"
				    "items: [{id: total, label: t}, {id: avg, label: a}]\n"
				    "scales: [{id: s, label: S, items: [total, avg], method: sum}]\n";
	lm_instrument *back;
	lm_scorer *s;
	lm_table *t;
	assert_int_equal(lm_instrument_load_buffer(&back, yaml2, sizeof(yaml2) - 1, NULL, fx->err), LM_OK);
	assert_int_equal(lm_scorer_new(&s, back), LM_OK);
	assert_int_equal(lm_table_new(&t, back), LM_OK);
	assert_int_equal(lm_table_open_file(t, fx->path, fx->err), LM_OK);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(lm_table_next(t, s, fx->err), 1);
		size_t len;
		const char *id = lm_table_row_id(t, &len);
		assert_int_equal(len, strlen(ids[i]));
		assert_memory_equal(id, ids[i], len);
		assert_true(lm_scorer_scale_score(s, 0) == 6.5);
	}
	assert_int_equal(lm_table_next(t, s, fx->err), 0);
	lm_table_free(t);
	lm_scorer_free(s);
	lm_instrument_free(back);
}

/* ---- atomic output ---------------------------------------------------- */

static void test_free_without_commit(void **state)
{
	struct fx *fx = *state;
	put_file(fx->path, "old\n");
	lm_writer *w;
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, fx->err), LM_OK);
	write_rows(fx, w);
	/* The temporary file is beside the target: on Linux an O_TMPFILE file,
	 * with no name until the commit; elsewhere a hidden one. */
#ifdef __linux__
	assert_int_equal(dir_entries(fx->dir), 1);
#else
	assert_int_equal(dir_entries(fx->dir), 2);
#endif
	lm_writer_free(w);
	char *got = slurp(fx->path);
	assert_string_equal(got, "old\n");
	free(got);
	assert_int_equal(dir_entries(fx->dir), 1);

	/* No old file: none afterwards either. */
	unlink(fx->path);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_JSONL, fx->path, fx->err), LM_OK);
	write_rows(fx, w);
	lm_writer_free(w);
	assert_int_equal(dir_entries(fx->dir), 0);
	lm_writer_free(NULL);
}

static void test_commit_replaces(void **state)
{
	struct fx *fx = *state;
	put_file(fx->path, "old\n");
	assert_int_equal(chmod(fx->path, 0640), 0);
	lm_writer *w;
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, fx->err), LM_OK);
	write_rows(fx, w);
	char *got = slurp(fx->path);
	assert_string_equal(got, "old\n"); /* nothing reaches the target before the commit */
	free(got);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	/* After a commit, the writer takes nothing more; freeing it keeps the output. */
	assert_int_equal(lm_writer_write(w, 4, "x", 1, fx->s), LM_EINVAL);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_EINVAL);
	lm_writer_free(w);
	got = slurp(fx->path);
	assert_string_equal(got, expected_csv);
	free(got);
	assert_int_equal(dir_entries(fx->dir), 1);
	/* The replaced file's permissions are kept. */
	struct stat st;
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
}

static void test_new_file_mode(void **state)
{
	struct fx *fx = *state;
	mode_t old = umask(022);
	lm_writer *w;
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, fx->err), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	umask(old);
	struct stat st;
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644); /* as a plain create would, not mkstemp's 0600 */
	char *got = slurp(fx->path);
	assert_string_equal(got, "id,total,total_answered,total_status,total_band,avg,avg_answered,avg_status,flag\n");
	free(got);
}

static void test_open_errors(void **state)
{
	struct fx *fx = *state;
	lm_writer *w = (lm_writer *)1;
	char path[256];
	snprintf(path, sizeof(path), "%s/no/such/dir/out.csv", fx->dir);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, path, fx->err), LM_EIO);
	assert_null(w);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_int_equal(lm_error_code(fx->err, 0), LM_EIO);
	assert_string_equal(lm_error_file(fx->err, 0), path);
	assert_non_null(strstr(lm_error_message(fx->err, 0), strerror(ENOENT)));

	assert_int_equal(lm_writer_open_file(&w, fx->inst, 99, fx->path, NULL), LM_EINVAL);
	assert_int_equal(lm_writer_open_file(&w, NULL, LM_WRITER_CSV, fx->path, NULL), LM_EINVAL);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, NULL, NULL), LM_EINVAL);
	assert_int_equal(lm_writer_open_file(NULL, fx->inst, LM_WRITER_CSV, fx->path, NULL), LM_EINVAL);
	assert_int_equal(lm_writer_open_fd(&w, fx->inst, LM_WRITER_CSV, -1, NULL), LM_EINVAL);
	assert_int_equal(dir_entries(fx->dir), 0);

	/* A scorer of another instrument is refused. */
	lm_instrument *other;
	lm_scorer *s2;
	assert_int_equal(lm_instrument_load_buffer(&other, yaml, sizeof(yaml) - 1, NULL, NULL), LM_OK);
	assert_int_equal(lm_scorer_new(&s2, other), LM_OK);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, NULL), LM_OK);
	assert_int_equal(lm_writer_write(w, 1, "x", 1, s2), LM_EINVAL);
	assert_int_equal(lm_writer_write(w, 1, NULL, 1, fx->s), LM_EINVAL);
	assert_int_equal(lm_writer_records(w), 0);
	lm_writer_free(w);
	lm_scorer_free(s2);
	lm_instrument_free(other);
	assert_int_equal(lm_writer_records(NULL), 0);
}

/* The writer keeps its own reference to the instrument. */
static void test_lifetime(void **state)
{
	struct fx *fx = *state;
	lm_instrument *inst;
	lm_scorer *s;
	lm_writer *w;
	assert_int_equal(lm_instrument_load_buffer(&inst, yaml, sizeof(yaml) - 1, NULL, NULL), LM_OK);
	assert_int_equal(lm_writer_open_file(&w, inst, LM_WRITER_JSONL, fx->path, NULL), LM_OK);
	assert_int_equal(lm_scorer_new(&s, inst), LM_OK);
	lm_instrument_free(inst);
	const double v[3] = {2, 1, 0};
	assert_int_equal(lm_scorer_score(s, v, 3, NULL), LM_OK);
	assert_int_equal(lm_writer_write(w, 1, "r1", 2, s), LM_OK);
	lm_scorer_free(s);
	assert_int_equal(lm_writer_commit(w, NULL), LM_OK);
	lm_writer_free(w);
	char *got = slurp(fx->path);
	assert_int_equal(strncmp(got, expected_jsonl, strchr(expected_jsonl, '\n') + 1 - expected_jsonl), 0);
	free(got);
}

/* ---- descriptors and write errors ------------------------------------- */

static void test_fd(void **state)
{
	struct fx *fx = *state;
	int fd = open(fx->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	lm_writer *w;
	assert_int_equal(lm_writer_open_fd(&w, fx->inst, LM_WRITER_CSV, fd, fx->err), LM_OK);
	write_rows(fx, w);
	/* Nothing reaches the descriptor before the commit. */
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	/* The descriptor stays open. */
	assert_int_equal(write(fd, "#\n", 2), 2);
	assert_int_equal(close(fd), 0);
	char *got = slurp(fx->path);
	char want[1024];
	snprintf(want, sizeof(want), "%s#\n", expected_csv);
	assert_string_equal(got, want);
	free(got);

	/* Freed without a commit: nothing is written. */
	fd = open(fx->path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(lm_writer_open_fd(&w, fx->inst, LM_WRITER_JSONL, fd, fx->err), LM_OK);
	write_rows(fx, w);
	lm_writer_free(w);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);
	assert_int_equal(lm_error_count(fx->err), 0);
}

/* Reads a pipe to its end into memory: a thread, so that leak checkers see one process. */
struct drain {
	int fd;
	char *data;
	size_t len;
	pthread_t thread;
};

static void *drain(void *arg)
{
	struct drain *d = arg;
	size_t cap = 0;
	char buf[4096];
	ssize_t n;
	while ((n = read(d->fd, buf, sizeof(buf))) > 0) {
		if (d->len + (size_t)n + 1 > cap) {
			cap = (d->len + (size_t)n + 1) * 2;
			char *p = realloc(d->data, cap);
			if (!p)
				break;
			d->data = p;
		}
		memcpy(d->data + d->len, buf, (size_t)n);
		d->len += (size_t)n;
		d->data[d->len] = '\0';
	}
	return NULL;
}

static void test_fd_large(void **state)
{
	struct fx *fx = *state;
	/* More than the writer's buffer, through a pipe read by another thread. */
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct drain d = {.fd = p[0]};
	assert_int_equal(pthread_create(&d.thread, NULL, drain, &d), 0);
	lm_writer *w;
	assert_int_equal(lm_writer_open_fd(&w, fx->inst, LM_WRITER_JSONL, p[1], fx->err), LM_OK);
	score(fx, 2, 1, 0);
	for (unsigned long r = 1; r <= 20000; r++)
		assert_int_equal(lm_writer_write(w, r, "id", 2, fx->s), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	close(p[1]);
	pthread_join(d.thread, NULL);
	close(p[0]);
	assert_non_null(d.data);
	size_t lines = 0;
	for (size_t i = 0; i < d.len; i++)
		lines += d.data[i] == '\n';
	assert_int_equal(lines, 20000);
	assert_non_null(strstr(d.data, "\n{\"row\":20000,\"id\":\"id\","));
	free(d.data);
}

static void test_write_errors(void **state)
{
	struct fx *fx = *state;
	lm_writer *w;
	/* A full device: the copy on commit fails. */
	int fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) {
		assert_int_equal(lm_writer_open_fd(&w, fx->inst, LM_WRITER_CSV, fd, fx->err), LM_OK);
		write_rows(fx, w);
		assert_int_equal(lm_writer_commit(w, fx->err), LM_EIO);
		assert_int_equal(lm_error_count(fx->err), 1);
		assert_int_equal(lm_error_code(fx->err, 0), LM_EIO);
		assert_non_null(strstr(lm_error_text(fx->err, 0), strerror(ENOSPC)));
		lm_writer_free(w);
		close(fd);
		lm_error_clear(fx->err);
	}

	/* A file size limit: writes fail with EFBIG; nothing is left behind. */
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_JSONL, fx->path, fx->err), LM_OK);
	score(fx, 2, 1, 0);
	int failed = 0;
	for (unsigned long r = 1; r <= 10000; r++)
		failed |= lm_writer_write(w, r, "id", 2, fx->s) != LM_OK;
	int rc = lm_writer_commit(w, fx->err);
	lm_writer_free(w);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	assert_true(failed);
	assert_int_equal(rc, LM_EIO);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_string_equal(lm_error_file(fx->err, 0), fx->path);
	assert_non_null(strstr(lm_error_message(fx->err, 0), strerror(EFBIG)));
	assert_int_equal(dir_entries(fx->dir), 0);
}

/* The writers under a locale whose decimal point is a comma (the numbers
 * alone: test_number.c). */
static void test_writers_under_decimal_comma(void **state)
{
	struct fx *fx = *state;
	static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8"};
	const char *set = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !set; i++)
		set = setlocale(LC_NUMERIC, names[i]);
	if (!set) {
		/* CI generates the locale and requires the check; elsewhere it is
		 * skipped, visibly. */
		assert_null(getenv("LM_REQUIRE_DECIMAL_COMMA"));
		print_message("# no locale with a decimal comma is installed; check skipped\n");
		skip();
	}
	char probe[16];
	snprintf(probe, sizeof(probe), "%.1f", 2.5);
	assert_string_equal(probe, "2,5"); /* the locale is in effect */
	lm_writer *w;
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, fx->err), LM_OK);
	write_rows(fx, w);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	setlocale(LC_NUMERIC, "C");
	char *got = slurp(fx->path);
	assert_string_equal(got, expected_csv);
	free(got);
}

/* ---- rejects and spreadsheet safety ----------------------------------- */

static void test_rejects_file(void **state)
{
	struct fx *fx = *state;
	/* Two bad rows among good ones: the rejects file holds them as they were,
	 * with every problem; a formula-like cell is neutralised there too. */
	static const char data[] = "id,w_1,w_2,w_3,note\n"
				   "a,1,1,1,x\n"
				   "b,7,1,maybe,\"=1+1\"\n"
				   "c,1,1\n"
				   "d,2,2,2,y\n";
	lm_table *t;
	lm_rejects *r = NULL;
	assert_int_equal(lm_table_new(&t, fx->inst), LM_OK);
	assert_int_equal(lm_table_open_buffer(t, data, sizeof(data) - 1, "data.csv", fx->err), LM_OK);
	assert_int_equal(lm_rejects_open_file(&r, t, fx->path, fx->err), LM_OK);
	int rc, good = 0;
	while ((rc = lm_table_next(t, fx->s, fx->err)) != 0) {
		if (rc == LM_EDATA)
			assert_int_equal(lm_rejects_write(r, t), LM_OK);
		else
			good++, assert_null(lm_table_row_problem(t));
	}
	/* An accepted row is not a reject. */
	assert_int_equal(good, 2);
	assert_int_equal(lm_rejects_records(r), 2);
	assert_int_equal(lm_rejects_commit(r, fx->err), LM_OK);
	char *got = slurp(fx->path);
	assert_string_equal(got,
			    "rejected_row,rejected_line,id,w_1,w_2,w_3,note,rejected_because\n"
			    "2,3,b,7,1,maybe,'=1+1,\"column \"\"w_1\"\": \"\"7\"\" is not a response of w_1 (allowed: 0, 1, 2; "
			    "missing code: -99); column \"\"w_3\"\": \"\"maybe\"\" is not a response of w_3 (allowed: 0, 1, 2, "
			    "or their labels: No, Some, Yes; missing code: -99 = Declined)\"\n"
			    "3,4,c,1,1,,,\"3 fields, header has 5\"\n");
	free(got);
	assert_int_equal(lm_table_rows_rejected_for(t, LM_REJECT_VALUE), 1);
	assert_int_equal(lm_table_rows_rejected_for(t, LM_REJECT_FIELDS), 1);
	assert_int_equal(lm_table_rows_rejected_for(t, LM_REJECT_QUOTE), 0);
	/* Writing an accepted row, or without a table, is refused. */
	lm_rejects_free(r);
	lm_table_free(t);
	assert_int_equal(lm_rejects_open_file(&r, NULL, fx->path, NULL), LM_EINVAL);
	lm_rejects_free(NULL);
}

static void test_csv_injection(void **state)
{
	struct fx *fx = *state;
	/* Ids that a spreadsheet would run get an apostrophe; numbers stay numbers. */
	static const char *const ids[] = {"=HYPERLINK(\"x\")", "+1+2", "-x", "@SUM(A1)", "-5", "+3", "plain", "\t=1"};
	static const char *const want[] = {"\"'=HYPERLINK(\"\"x\"\")\"", "'+1+2", "'-x", "'@SUM(A1)", "-5", "+3", "plain",
					   "'\t=1"};
	lm_writer *w;
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_CSV, fx->path, fx->err), LM_OK);
	double v[3] = {1, 1, 1};
	assert_int_equal(lm_scorer_score(fx->s, v, 3, NULL), LM_OK);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(lm_writer_write(w, i + 1, ids[i], strlen(ids[i]), fx->s), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	char *got = slurp(fx->path), *line = strchr(got, '\n') + 1;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		size_t n = strlen(want[i]);
		if (strncmp(line, want[i], n) != 0 || line[n] != ',')
			fail_msg("id %zu: line %s, want it to start %s,", i, line, want[i]);
		line = strchr(line, '\n') + 1;
	}
	free(got);
}

/* Targets that are not regular files: a FIFO (like /dev/null or a pipe) is
 * written to, never renamed over; a symbolic link keeps being a link and the
 * file it points to is replaced. */
static void test_special_targets(void **state)
{
	struct fx *fx = *state;
	char fifo[160], real[160], link[160];
	snprintf(fifo, sizeof(fifo), "%s/fifo", fx->dir);
	snprintf(real, sizeof(real), "%s/real.csv", fx->dir);
	snprintf(link, sizeof(link), "%s/link.csv", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	int rd = open(fifo, O_RDONLY | O_NONBLOCK); /* so that opening for writing does not block */
	assert_true(rd >= 0);
	lm_writer *w;
	double v[3] = {1, 1, 1};
	assert_int_equal(lm_scorer_score(fx->s, v, 3, NULL), LM_OK);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_JSONL, fifo, fx->err), LM_OK);
	assert_int_equal(lm_writer_write(w, 1, "a", 1, fx->s), LM_OK);
	char buf[512];
	assert_true(read(rd, buf, sizeof(buf)) <= 0); /* nothing before the commit */
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	ssize_t n = read(rd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "{\"row\":1,\"id\":\"a\""));
	close(rd);
	struct stat st;
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	unlink(fifo);

	FILE *f = fopen(real, "w");
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(lm_writer_open_file(&w, fx->inst, LM_WRITER_JSONL, link, fx->err), LM_OK);
	assert_int_equal(lm_writer_write(w, 1, "b", 1, fx->s), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	char *got = slurp(real);
	assert_non_null(strstr(got, "\"id\":\"b\""));
	free(got);
	unlink(link);
	unlink(real);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jsonl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_ids_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_without_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_file_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifetime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejects_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_injection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writers_under_decimal_comma, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
