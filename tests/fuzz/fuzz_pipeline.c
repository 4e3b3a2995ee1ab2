/*
 * Fuzz target: lm_score_table() in parts on worker threads against the same
 * table read on one thread. Whatever the bytes, the output, the rejects
 * file, every diagnostic and every count must be the same; a difference
 * aborts. Parts are made a few bytes long, so that their boundaries fall
 * everywhere the bytes allow: inside quotes, between CR and LF, in runs of
 * empty lines. A third run has automatic threads (0) with its first half
 * read on the calling thread, the rest in parts.
 *
 * Input: one option byte, then the table's bytes.
 *   bits 0-4  the part size in bytes, 1..32
 *   bit 5     the bundled stss (else the four-item test instrument "tab")
 *   bit 6     --no-id
 *   bit 7     "NA" is blank
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../helpers.h"
#include "libra_measures/libra_measures.h"

extern size_t lm__pipeline_part_size;
extern size_t lm__pipeline_alone;

static lm_instrument *instrument(int stss)
{
	static lm_instrument *cache[2];
	if (!cache[stss]) {
		int rc = stss ? lm_instrument_load_builtin(&cache[1], "stss", NULL)
			      : lm_instrument_load_buffer(&cache[0], tab_yaml, tab_yaml_len, "tab.yaml", NULL);
		CHECK(rc == LM_OK);
	}
	return cache[stss];
}

/* An output's commit must succeed whatever the bytes: if it does not (a full
 * disk, say), why goes to standard error before the abort. */
static void committed(int rc, lm_error *why, const char *what)
{
	if (rc == LM_OK) {
		lm_error_free(why);
		return;
	}
	fprintf(stderr, "%s failed (%d)\n", what, rc);
	for (size_t i = 0; i < lm_error_count(why); i++)
		fprintf(stderr, "  %s\n", lm_error_text(why, i));
	abort();
}

struct result {
	char *text; /* counts, diagnostics, output and rejects */
	size_t len;
};

/* What a descriptor's file holds, appended to @p r. */
static void take(struct result *r, int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);
	CHECK(end >= 0);
	char *p = realloc(r->text, r->len + (size_t)end + 1);
	CHECK(p);
	r->text = p;
	CHECK(pread(fd, r->text + r->len, (size_t)end, 0) == end);
	r->len += (size_t)end;
	close(fd);
}

static void add(struct result *r, const char *s)
{
	size_t n = strlen(s);
	char *p = realloc(r->text, r->len + n + 1);
	CHECK(p);
	r->text = p;
	memcpy(r->text + r->len, s, n);
	r->len += n;
}

static void run(const uint8_t *data, size_t size, unsigned opt, unsigned threads, struct result *r)
{
	lm_instrument *inst = instrument((opt >> 5) & 1);
	lm_table *t = NULL;
	lm_writer *w = NULL;
	lm_rejects *rj = NULL;
	lm_error *err = NULL;
	char buf[256];
	CHECK(lm_error_new(&err) == LM_OK && lm_table_new(&t, inst) == LM_OK);
	if (opt & 0x40)
		CHECK(lm_table_set_no_id(t, 1) == LM_OK);
	if (opt & 0x80)
		CHECK(lm_table_add_missing(t, "NA") == LM_OK);
	int rc = lm_table_open_buffer(t, (const char *)data, size, "fuzz.csv", err);
	snprintf(buf, sizeof buf, "open %d\n", rc);
	add(r, buf);
	if (rc == LM_OK) {
		int out = memfd_create("out", 0);
		CHECK(out >= 0);
		CHECK(lm_writer_open_fd(&w, inst, LM_WRITER_CSV, out, err) == LM_OK);
		/* A rejects file needs a path. */
		char path[64];
		snprintf(path, sizeof path, "/tmp/fuzz_pipeline_%ld.rejects", (long)getpid());
		int have_rejects = lm_rejects_open_file(&rj, t, path, NULL) == LM_OK;
		unsigned long insufficient = 0;
		rc = lm_score_table(t, w, rj, threads, &insufficient, err);
		snprintf(buf, sizeof buf, "rc %d %lu read %lu rejected %lu blank %lu row %lu %lu %lu %lu %lu\n", rc,
			 insufficient, lm_table_rows_read(t), lm_table_rows_rejected(t), lm_table_rows_blank(t),
			 lm_table_row(t), lm_table_rows_rejected_for(t, 0), lm_table_rows_rejected_for(t, 1),
			 lm_table_rows_rejected_for(t, 2), lm_table_rows_rejected_for(t, 3));
		add(r, buf);
		lm_error *why = NULL;
		CHECK(lm_error_new(&why) == LM_OK);
		committed(lm_writer_commit(w, why), why, "the output's commit");
		take(r, out);
		if (have_rejects) {
			CHECK(lm_error_new(&why) == LM_OK);
			committed(lm_rejects_commit(rj, why), why, "the rejects file's commit");
			int rej = open(path, O_RDONLY);
			CHECK(rej >= 0);
			take(r, rej);
			unlink(path);
		}
	}
	snprintf(buf, sizeof buf, "problems %zu of %zu\n", lm_error_count(err), lm_error_total(err));
	add(r, buf);
	for (size_t i = 0; i < lm_error_count(err); i++) {
		add(r, lm_error_text(err, i));
		add(r, "\n");
	}
	lm_rejects_free(rj);
	lm_writer_free(w);
	lm_table_free(t);
	lm_error_free(err);
}

/* @p b must equal @p a, the run on one thread; if not, where they part goes
 * to standard error before the abort. */
static void same(const struct result *a, const struct result *b, const char *how)
{
	size_t n = a->len < b->len ? a->len : b->len, at = 0;
	while (at < n && a->text[at] == b->text[at])
		at++;
	if (at == n && a->len == b->len)
		return;
	size_t from = at > 80 ? at - 80 : 0;
	fprintf(stderr, "the run %s differs from the run on one thread at byte %zu\n", how, at);
	fprintf(stderr, "one thread: [%.*s]\n", (int)((a->len - from) < 240 ? a->len - from : 240), a->text + from);
	fprintf(stderr, "%s: [%.*s]\n", how, (int)((b->len - from) < 240 ? b->len - from : 240), b->text + from);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 64 * 1024)
		return 0;
	unsigned opt = data[0];
	struct result one = {0}, parts = {0}, mixed = {0};
	run(data + 1, size - 1, opt, 1, &one);
	lm__pipeline_part_size = 1 + (opt & 31);
	run(data + 1, size - 1, opt, 2, &parts);
	/* Automatic threads: the first half read alone, then parts. */
	lm__pipeline_alone = (size - 1) / 2;
	run(data + 1, size - 1, opt, 0, &mixed);
	lm__pipeline_alone = (size_t)8 << 20;
	lm__pipeline_part_size = 256 * 1024;
	same(&one, &parts, "in parts on 2 threads");
	same(&one, &mixed, "with automatic threads");
	free(one.text);
	free(parts.text);
	free(mixed.text);
	return 0;
}
