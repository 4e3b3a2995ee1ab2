/*
 * Allocation failure: every allocation of load, score, table reading,
 * writing, pre/post and the report is made to fail in turn, and each call
 * must then return an error (LM_ENOMEM, or LM_EIO where a file could not be
 * opened for want of memory), leak nothing, and leave no output file behind.
 *
 * The failures are injected by replacing malloc, calloc, realloc and free in
 * this executable (glibc lets a program do so; the library and libyaml then
 * allocate through these). That reaches allocations the library does not make
 * itself — libyaml's, the C library's inside fopen() — which an allocator hook
 * in the library could not. For n = 1, 2, ... the n-th allocation of one
 * operation fails, until an n is reached that the operation never gets to.
 *
 * Not built under sanitizers, which replace malloc themselves.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

/* ---- the allocator ------------------------------------------------------ */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

/* Allocations made while armed are kept in an open-addressing set, so that
 * what is still live when the operation returns is known exactly. */
#define SET_SIZE (1u << 20)
static void *live[SET_SIZE];
static unsigned long live_call[SET_SIZE]; /* which allocation of the operation made it */
static void *const TOMB = (void *)&live;
static size_t n_live;

static int armed;
static unsigned long n_calls, fail_at;
static int injected;

static size_t slot_of(const void *p)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15u >> 44) & (SET_SIZE - 1);
}

static void remember(void *p)
{
	size_t i = slot_of(p);
	while (live[i] && live[i] != TOMB)
		i = (i + 1) & (SET_SIZE - 1);
	live[i] = p;
	live_call[i] = n_calls;
	n_live++;
}

static void forget(void *p)
{
	for (size_t i = slot_of(p); live[i]; i = (i + 1) & (SET_SIZE - 1))
		if (live[i] == p) {
			live[i] = TOMB;
			n_live--;
			return;
		}
}

/* To see where an allocation is made, stop in a debugger (SIGTRAP) at
 * allocation N of the run in which allocation F fails:
 * LM_ALLOC_TRAP=N LM_ALLOC_TRAP_FAIL=F LM_ALLOC_TRAP_OP='table + writers' \
 *   gdb -ex run -ex bt build/tests/test_alloc */
static unsigned long trap_at, trap_fail;
static const char *trap_op, *current_op; /* LM_ALLOC_TRAP_OP: only in the operation of that name */

/* Whether this allocation is the one to fail. */
static int fail_now(void)
{
	if (!armed)
		return 0;
	++n_calls;
	if (trap_at && n_calls == trap_at && (!trap_fail || trap_fail == fail_at) &&
	    (!trap_op || !strcmp(trap_op, current_op)))
		raise(SIGTRAP);
	if (n_calls != fail_at)
		return 0;
	injected = 1;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t size)
{
	if (fail_now())
		return NULL;
	void *p = __libc_malloc(size);
	if (p && armed)
		remember(p);
	return p;
}

void *calloc(size_t n, size_t size)
{
	if (fail_now())
		return NULL;
	void *p = __libc_calloc(n, size);
	if (p && armed)
		remember(p);
	return p;
}

void *realloc(void *old, size_t size)
{
	if (fail_now())
		return NULL;
	void *p = __libc_realloc(old, size);
	if (armed && old && (p || !size))
		forget(old);
	if (p && armed)
		remember(p);
	return p;
}

void free(void *p)
{
	if (p && armed)
		forget(p);
	__libc_free(p);
}

static void arm(unsigned long n)
{
	memset(live, 0, sizeof(live));
	n_live = 0;
	n_calls = 0;
	fail_at = n;
	injected = 0;
	armed = 1;
}

static void disarm(void)
{
	armed = 0;
}

/* ---- the operations ----------------------------------------------------- */

/* The first diagnostic of the last operation, kept for a failure message
 * (copied into static memory: nothing is allocated while armed). */
static char last_error[512];

/* A call may go on after memory ran out while it was only recording a
 * diagnostic: the list then says so (an LM_ENOMEM entry), and the run is
 * otherwise whole. */
static int diag_lost;

static int said_nomem(const lm_error *err, int r)
{
	for (size_t i = 0; i < lm_error_count(err); i++)
		if (lm_error_code(err, i) == LM_ENOMEM)
			diag_lost = 1;
	return r;
}

static void keep_error(const lm_error *err)
{
	const char *t = lm_error_count(err) ? lm_error_text(err, 0) : NULL;
	snprintf(last_error, sizeof(last_error), "%s", t ? t : "(no diagnostic)");
}

static char tmp_dir[64];
static char out_dir[80];
static char *fixtures; /* LM_TEST_DATA */

struct op {
	const char *name;
	int (*run)(const void *arg); /* a status; everything it made is freed */
	const void *arg;
	int writes_files; /* may fail with LM_EIO when fopen() gets no memory */
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return s;
}

static void spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* The files of the normal run, to compare a failed run's leftovers with. */
#define MAX_OUTPUTS 8
static struct {
	char name[256];
	char *text;
	size_t len;
} outputs[MAX_OUTPUTS];
static size_t n_outputs;

static void keep_outputs(void)
{
	for (size_t i = 0; i < n_outputs; i++)
		free(outputs[i].text);
	n_outputs = 0;
	DIR *d = opendir(out_dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		assert_true(n_outputs < MAX_OUTPUTS);
		char path[400];
		snprintf(path, sizeof(path), "%s/%s", out_dir, e->d_name);
		snprintf(outputs[n_outputs].name, sizeof(outputs[n_outputs].name), "%s", e->d_name);
		outputs[n_outputs].text = slurp(path, &outputs[n_outputs].len);
		n_outputs++;
	}
	closedir(d);
}

/* Whether every file a failed run left is one the normal run wrote, whole:
 * an earlier call's finished output may stay, a temporary or a cut-short
 * file may not. */
static int outputs_whole(const char **bad)
{
	DIR *d = opendir(out_dir);
	assert_non_null(d);
	int ok = 1;
	static char name[300];
	for (struct dirent *e; ok && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[400];
		snprintf(path, sizeof(path), "%s/%s", out_dir, e->d_name);
		snprintf(name, sizeof(name), "%s", e->d_name);
		*bad = name;
		size_t i = 0;
		while (i < n_outputs && strcmp(outputs[i].name, e->d_name) != 0)
			i++;
		if (i == n_outputs) {
			ok = 0;
			break;
		}
		size_t len;
		char *text = slurp(path, &len);
		ok = len == outputs[i].len && !memcmp(text, outputs[i].text, len);
		free(text);
	}
	closedir(d);
	return ok;
}

static void empty_out_dir(void)
{
	DIR *d = opendir(out_dir);
	assert_non_null(d);
	char path[400];
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", out_dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

struct text {
	const char *yaml;
	size_t len;
};

static int op_load_buffer(const void *arg)
{
	const struct text *t = arg;
	lm_error *err;
	int r = lm_error_new(&err);
	if (r != LM_OK)
		return r;
	lm_instrument *inst = (lm_instrument *)&r;
	r = lm_instrument_load_buffer(&inst, t->yaml, t->len, "definition.yaml", err);
	if (r == LM_OK) {
		/* Accessors allocate nothing, but use what loading made. */
		for (size_t s = 0; s < lm_instrument_scale_count(inst); s++)
			(void)lm_scale_id(lm_instrument_scale(inst, s));
		lm_instrument_free(inst);
	} else if (inst) {
		r = -100; /* a failed load must leave *out NULL */
	}
	said_nomem(err, r);
	keep_error(err);
	lm_error_free(err);
	return r;
}

static int op_load_builtins(const void *arg)
{
	(void)arg;
	for (size_t i = 0; i < lm_builtin_count(); i++) {
		lm_instrument *inst;
		int r = lm_instrument_load_builtin(&inst, lm_builtin_id(i), NULL);
		if (r != LM_OK)
			return r;
		lm_instrument_free(inst);
	}
	return LM_OK;
}

static int op_score(const void *arg)
{
	(void)arg;
	lm_instrument *inst;
	int r = lm_instrument_load_builtin(&inst, "proqol5", NULL);
	if (r != LM_OK)
		return r;
	lm_scorer *s;
	if ((r = lm_scorer_new(&s, inst)) == LM_OK) {
		double v[30];
		for (int i = 0; i < 30; i++)
			v[i] = 1 + i % 5;
		r = lm_scorer_score(s, v, 30, NULL);
		if (r == LM_OK && lm_scorer_set_text(s, 0, "Often", 5, NULL) == LM_OK)
			r = lm_scorer_run(s);
		lm_scorer_free(s);
	}
	lm_instrument_free(inst);
	return r;
}

/* A CSV with a label, a missing-data token, a rejected row and a bad id: read,
 * scored and written (scores and rejects), all or nothing. */
static const char table_csv[] = "\xEF\xBB\xBFid,stss_1,stss_2,stss_3,stss_4,stss_5,stss_6,stss_7,stss_8,stss_9,"
				"stss_10,stss_11,stss_12,stss_13,stss_14,stss_15,stss_16,stss_17\r\n"
				"a,1,2,3,4,5,1,2,3,4,5,1,2,3,4,5,1,2\r\n"
				"b,Often,2,NA,4,5,1,2,3,4,5,1,2,3,4,5,1,\r\n"
				"c,9,2,3,4,5,1,2,3,4,5,1,2,3,4,5,1,2\r\n"
				"\"d \"\"quoted\"\"\",1,2,3,4,5,1,2,3,4,5,1,2,3,4,5,1,2\r\n"
				"caf\xE9,1,2,3,4,5,1,2,3,4,5,1,2,3,4,5,1,2\r\n";

static int op_table(const void *arg)
{
	(void)arg;
	char out[128], rej[128];
	snprintf(out, sizeof(out), "%s/scores.csv", out_dir);
	snprintf(rej, sizeof(rej), "%s/rejects.csv", out_dir);
	lm_error *err;
	int r = lm_error_new(&err);
	if (r != LM_OK)
		return r;
	lm_instrument *inst = NULL;
	lm_scorer *s = NULL;
	lm_table *t = NULL;
	lm_writer *w = NULL;
	lm_rejects *rj = NULL;
	if ((r = lm_instrument_load_builtin(&inst, "stss", err)) != LM_OK || (r = lm_scorer_new(&s, inst)) != LM_OK ||
	    (r = lm_table_new(&t, inst)) != LM_OK || (r = lm_table_add_missing(t, "NA")) != LM_OK)
		goto done;
	if ((r = lm_table_open_buffer(t, table_csv, sizeof(table_csv) - 1, "data.csv", err)) != LM_OK ||
	    (r = lm_writer_open_file(&w, inst, LM_WRITER_JSONL, out, err)) != LM_OK ||
	    (r = lm_rejects_open_file(&rj, t, rej, err)) != LM_OK)
		goto done;
	for (;;) {
		int n = lm_table_next(t, s, err);
		if (n == 0)
			break;
		if (n == LM_EDATA)
			r = lm_rejects_write(rj, t);
		else if (n == 1) {
			size_t len;
			const char *id = lm_table_row_id(t, &len);
			r = lm_writer_write(w, lm_table_row(t), id, len, s);
		} else
			r = n;
		if (r != LM_OK)
			goto done;
	}
	if (lm_table_rows_rejected(t) != 2 || lm_writer_records(w) != 3) {
		r = -100; /* a row lost or invented */
		goto done;
	}
	if ((r = lm_writer_commit(w, err)) == LM_OK)
		r = lm_rejects_commit(rj, err);
done:
	lm_rejects_free(rj);
	lm_writer_free(w);
	lm_table_free(t);
	lm_scorer_free(s);
	lm_instrument_free(inst);
	said_nomem(err, r);
	keep_error(err);
	lm_error_free(err);
	return r;
}

static char pre_path[128], post_path[128];

static int op_prepost(const void *arg)
{
	(void)arg;
	char json[128], csv[128], html[128];
	snprintf(json, sizeof(json), "%s/prepost.json", out_dir);
	snprintf(csv, sizeof(csv), "%s/prepost.csv", out_dir);
	snprintf(html, sizeof(html), "%s/report.html", out_dir);
	lm_error *err;
	int r = lm_error_new(&err);
	if (r != LM_OK)
		return r;
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_report *rep = NULL;
	if ((r = lm_instrument_load_builtin(&inst, "stss", err)) != LM_OK || (r = lm_prepost_new(&pp, inst)) != LM_OK ||
	    (r = lm_prepost_set_group_column(pp, "unit")) != LM_OK ||
	    (r = lm_prepost_run_files(pp, pre_path, post_path, err)) != LM_OK ||
	    (r = lm_prepost_write_file(pp, LM_PREPOST_JSON, json, err)) != LM_OK ||
	    (r = lm_prepost_write_file(pp, LM_PREPOST_CSV, csv, err)) != LM_OK || (r = lm_report_new(&rep, pp)) != LM_OK ||
	    (r = lm_report_set_min_cell(rep, 2)) != LM_OK || (r = lm_report_write_file(rep, html, err)) != LM_OK)
		goto done;
	if (lm_prepost_respondent_count(pp) != 12)
		r = -100;
done:
	lm_report_free(rep);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	said_nomem(err, r);
	keep_error(err);
	lm_error_free(err);
	return r;
}

/* A trial with waves (tests/data/waves: three waves, two arms, units) and its report. */
static int op_waves_report(const void *arg)
{
	(void)arg;
	char def[1024], w[3][1024], html[128];
	static const char *const waves[] = {"W1", "W2", "W3"};
	snprintf(def, sizeof(def), "%s/waves/instrument.yaml", fixtures);
	for (int k = 0; k < 3; k++)
		snprintf(w[k], sizeof(w[k]), "%s/waves/w%d.csv", fixtures, k + 1);
	snprintf(html, sizeof(html), "%s/report.html", out_dir);
	const char *const files[] = {w[0], w[1], w[2]};
	lm_error *err;
	int r = lm_error_new(&err);
	if (r != LM_OK)
		return r;
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_report *rep = NULL;
	if ((r = lm_instrument_load_file(&inst, def, err)) != LM_OK || (r = lm_prepost_new(&pp, inst)) != LM_OK ||
	    (r = lm_prepost_set_group_column(pp, "arm")) != LM_OK ||
	    (r = lm_prepost_set_cluster_column(pp, "unit")) != LM_OK ||
	    (r = lm_prepost_set_waves(pp, waves, 3)) != LM_OK || (r = lm_prepost_run_wave_files(pp, files, 3, err)) != LM_OK ||
	    (r = lm_report_new(&rep, pp)) != LM_OK || (r = lm_report_set_min_cell(rep, 2)) != LM_OK ||
	    (r = lm_report_write_file(rep, html, err)) != LM_OK)
		goto done;
done:
	lm_report_free(rep);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	said_nomem(err, r);
	keep_error(err);
	lm_error_free(err);
	return r;
}

/* Three waves with arms and clusters: the trial's numbers (ANCOVA, ICC), the JSON and the summary.
 * The definition is read before (stdio survives a failed buffer allocation unbuffered). */
static char waves_yaml[4096];
static size_t waves_yaml_len;
static int op_prepost_waves(const void *arg)
{
	(void)arg;
	char json[128], text[128], files[3][4200];
	const char *paths[3], *names[3] = {"W1", "W2", "W3"};
	snprintf(json, sizeof(json), "%s/waves.json", out_dir);
	snprintf(text, sizeof(text), "%s/waves.txt", out_dir);
	for (int k = 0; k < 3; k++) {
		snprintf(files[k], sizeof(files[k]), "%s/waves/w%d.csv", fixtures, k + 1);
		paths[k] = files[k];
	}
	lm_error *err;
	int r = lm_error_new(&err);
	if (r != LM_OK)
		return r;
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	if ((r = lm_instrument_load_buffer(&inst, waves_yaml, waves_yaml_len, "instrument.yaml", err)) != LM_OK ||
	    (r = lm_prepost_new(&pp, inst)) != LM_OK || (r = lm_prepost_set_group_column(pp, "arm")) != LM_OK ||
	    (r = lm_prepost_set_cluster_column(pp, "unit")) != LM_OK ||
	    (r = lm_prepost_set_duplicates(pp, LM_DUPLICATES_EXCLUDE)) != LM_OK ||
	    (r = lm_prepost_set_waves(pp, names, 3)) != LM_OK ||
	    (r = lm_prepost_run_wave_files(pp, paths, 3, err)) != LM_OK ||
	    (r = lm_prepost_write_file(pp, LM_PREPOST_JSON, json, err)) != LM_OK ||
	    (r = lm_prepost_write_file(pp, LM_PREPOST_SUMMARY, text, err)) != LM_OK)
		goto done;
	if (isnan(lm_prepost_ancova(pp, 2, 0, 1, LM_PREPOST_ANCOVA_ESTIMATE)) ||
	    isnan(lm_prepost_icc_baseline(pp, 0, LM_PREPOST_ICC)))
		r = -100;
done:
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	said_nomem(err, r);
	keep_error(err);
	lm_error_free(err);
	return r;
}

/*
 * Run @p op unarmed (its normal result), then with the n-th allocation
 * failing for every n it reaches: each must fail cleanly.
 */
static void check_op(const struct op *op)
{
	empty_out_dir();
	last_error[0] = '\0';
	current_op = op->name;
	int normal = op->run(op->arg);
	assert_true(normal != -100);
	keep_outputs();
	unsigned long n;
	for (n = 1;; n++) {
		empty_out_dir();
		diag_lost = 0;
		arm(n);
		int r = op->run(op->arg);
		disarm();
		if (!injected) {
			/* Every allocation point has been failed once. */
			assert_int_equal(r, normal);
			break;
		}
		if (n_live) {
			unsigned long first = 0;
			for (size_t i = 0; i < SET_SIZE && !first; i++)
				if (live[i] && live[i] != TOMB)
					first = live_call[i];
			print_error("%s: allocation %lu failed: %zu allocation(s) leaked, one made by allocation %lu\n",
				    op->name, n, n_live, first);
			fail();
		}
		if (r == normal && diag_lost)
			continue; /* only a diagnostic was lost, and the list says so */
		int ok = r == LM_ENOMEM || (op->writes_files && r == LM_EIO);
		/* A call that fails for another reason anyway (an invalid
		 * definition) may keep failing for that reason. */
		if (!ok && normal != LM_OK && r == normal)
			ok = 1;
		if (!ok) {
			print_error("%s: allocation %lu failed: status %d (%s), normal status %d: %s\n", op->name, n, r,
				    r < 0 && r > -100 ? lm_strerror(r) : "wrong result", normal, last_error);
			fail();
		}
		const char *bad;
		if (!outputs_whole(&bad)) {
			print_error("%s: allocation %lu failed: left %s, which the normal run did not write so\n", op->name,
				    n, bad);
			fail();
		}
	}
	print_message("# %s: %lu allocation points failed in turn\n", op->name, n - 1);
}

static void test_load_builtins(void **state)
{
	(void)state;
	struct op op = {"load builtins", op_load_builtins, NULL, 0};
	check_op(&op);
}

/* Every definition fixture, valid and invalid. */
static void test_load_fixtures(void **state)
{
	(void)state;
	static const char *const kinds[] = {"valid", "invalid"};
	for (int k = 0; k < 2; k++) {
		char dir[512];
		snprintf(dir, sizeof(dir), "%s/definitions/%s", fixtures, kinds[k]);
		DIR *d = opendir(dir);
		assert_non_null(d);
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.')
				continue;
			char path[1024], name[1100];
			snprintf(path, sizeof(path), "%s/%s/definition.yaml", dir, e->d_name);
			if (access(path, R_OK) != 0)
				continue;
			struct text t;
			char *yaml = slurp(path, &t.len);
			t.yaml = yaml;
			snprintf(name, sizeof(name), "load %s/%s", kinds[k], e->d_name);
			struct op op = {name, op_load_buffer, &t, 0};
			check_op(&op);
			free(yaml);
		}
		closedir(d);
	}
}

static void test_score(void **state)
{
	(void)state;
	struct op op = {"score", op_score, NULL, 0};
	check_op(&op);
}

static void test_table(void **state)
{
	(void)state;
	struct op op = {"table + writers", op_table, NULL, 1};
	check_op(&op);
}

static void test_prepost(void **state)
{
	(void)state;
	struct op op = {"prepost + report", op_prepost, NULL, 1};
	check_op(&op);
}

static void test_waves_report(void **state)
{
	(void)state;
	struct op op = {"waves + report", op_waves_report, NULL, 1};
	check_op(&op);
}

static void test_prepost_waves(void **state)
{
	(void)state;
	char path[4200];
	snprintf(path, sizeof(path), "%s/waves/instrument.yaml", fixtures);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	waves_yaml_len = fread(waves_yaml, 1, sizeof(waves_yaml), f);
	fclose(f);
	struct op op = {"prepost with waves", op_prepost_waves, NULL, 1};
	check_op(&op);
}

static int setup(void **state)
{
	(void)state;
	fixtures = getenv("LM_TEST_DATA");
	const char *trap = getenv("LM_ALLOC_TRAP");
	trap_at = trap ? strtoul(trap, NULL, 10) : 0;
	trap = getenv("LM_ALLOC_TRAP_FAIL");
	trap_fail = trap ? strtoul(trap, NULL, 10) : 0;
	trap_op = getenv("LM_ALLOC_TRAP_OP");
	if (!fixtures)
		return -1;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/lm_test_alloc_XXXXXX");
	if (!mkdtemp(tmp_dir))
		return -1;
	snprintf(out_dir, sizeof(out_dir), "%s/out", tmp_dir);
	if (mkdir(out_dir, 0700) != 0)
		return -1;
	/* Two waves of twelve in two units, one respondent only before. */
	char pre[4096] = "", post[4096] = "";
	const char *head = "id,unit,stss_1,stss_2,stss_3,stss_4,stss_5,stss_6,stss_7,stss_8,stss_9,stss_10,stss_11,"
			   "stss_12,stss_13,stss_14,stss_15,stss_16,stss_17\n";
	strcat(pre, head);
	strcat(post, head);
	for (int i = 0; i < 13; i++) {
		char row[256];
		int n = snprintf(row, sizeof(row), "p%02d,%s", i, i % 2 ? "north" : "south");
		for (int k = 0; k < 17; k++)
			n += snprintf(row + n, sizeof(row) - (size_t)n, ",%d", 1 + (i * 7 + k * 3) % 5);
		strcat(row, "\n");
		strcat(pre, row);
		if (i == 12)
			break;
		n = snprintf(row, sizeof(row), "p%02d,%s", i, i % 2 ? "north" : "south");
		for (int k = 0; k < 17; k++)
			n += snprintf(row + n, sizeof(row) - (size_t)n, ",%d", 1 + (i * 5 + k * 2 + (k > 8)) % 5);
		strcat(row, "\n");
		strcat(post, row);
	}
	snprintf(pre_path, sizeof(pre_path), "%s/pre.csv", tmp_dir);
	snprintf(post_path, sizeof(post_path), "%s/post.csv", tmp_dir);
	spill(pre_path, pre);
	spill(post_path, post);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	empty_out_dir();
	rmdir(out_dir);
	unlink(pre_path);
	unlink(post_path);
	rmdir(tmp_dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_builtins),
		cmocka_unit_test(test_load_fixtures),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_prepost),
		cmocka_unit_test(test_waves_report),
		cmocka_unit_test(test_prepost_waves),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
