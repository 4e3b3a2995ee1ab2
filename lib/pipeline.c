/*
 * libra_measures — a whole table scored into a writer (lm_score_table()),
 * on the calling thread or in parts on worker threads.
 *
 * The parts follow zstd's worker design: the calling thread reads the input
 * into parts that end at record boundaries, worker threads each take the
 * next part and read, score and format it into memory (a part of the table,
 * table-chunk.c; a clone of the writer, writer-priv.h), and the calling
 * thread hands the parts on to the real outputs in input order. A part's
 * first line and row are counted while its boundary is found, so a part
 * says exactly what reading the whole table would. A few parts per thread
 * are in flight, so memory does not grow with the input.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "libra_measures/pipeline.h"
#include "table-priv.h"
#include "writer-priv.h"

/* A part's target size; a record may make it longer (up to PART_MAX). With
 * many threads parts are smaller, so that the parts in flight (their input
 * and output, about three times their size) stay within INFLIGHT_MAX. */
size_t lm__pipeline_part_size = 256 * 1024;
#define INFLIGHT_MAX ((size_t)8 << 20)
/* With threads 0 (automatic), the first bytes of a table are read on the
 * calling thread and workers take the rest. Below this, handing parts over
 * costs more than other CPUs give: on a two-CPU machine, 1e5 STSS rows
 * (4.4 MB) took 0.045 s on two workers against 0.035 s alone (README,
 * speed). Tests make it small. */
size_t lm__pipeline_alone = (size_t)8 << 20;
/* Past this without a record boundary the first record is over
 * LM_TABLE_RECORD_MAX: the part is the last, and reading it fails there. */
#define PART_MAX (2 * (size_t)LM_TABLE_RECORD_MAX + 2)
#define THREADS_MAX 64

/* What one row did. */
enum { ROW_END = 0, ROW_DONE = 1, ROW_OUTPUT_FAILED = 2, NO_THREADS = 3 };

struct run {
	lm_writer *writer;
	lm_rejects *rejects;
	const size_t *carry; /* the table's column of each carried column */
	size_t n_carry;
	unsigned long insufficient;
};

/* Read one row of @p t and write it: ROW_DONE, ROW_END, ROW_OUTPUT_FAILED or a negative status. */
static int one_row(struct run *r, lm_table *t, lm_scorer *s, lm_error *err)
{
	int rc = lm_table_next(t, s, err);
	if (rc == 0)
		return ROW_END;
	if (rc == LM_EDATA) {
		/* Reported; read on so that every problem is reported at once. */
		if (r->rejects && lm_rejects_write(r->rejects, t) != LM_OK)
			return ROW_OUTPUT_FAILED;
		return ROW_DONE;
	}
	if (rc < 0)
		return rc;
	r->insufficient += (unsigned long)lm__scorer_any_insufficient(s);
	for (size_t k = 0; k < r->n_carry; k++) {
		size_t len = 0;
		const char *v = lm_table_field(t, r->carry[k], &len);
		if (lm_writer_set_column(r->writer, k, v, v ? len : 0) != LM_OK)
			return LM_EINVAL; /* cannot be: k is one of the writer's columns */
	}
	size_t id_len = 0;
	const char *id = lm_table_row_id(t, &id_len);
	rc = lm_writer_write(r->writer, lm_table_row(t), id, id_len, s);
	if (rc == LM_EIO)
		return ROW_OUTPUT_FAILED;
	return rc == LM_OK ? ROW_DONE : rc;
}

/* Rows of @p t to its end: ROW_END, ROW_OUTPUT_FAILED or a negative status. */
static int all_rows(struct run *r, lm_table *t, lm_scorer *s, lm_error *err)
{
	int rc;
	while ((rc = one_row(r, t, s, err)) == ROW_DONE)
		;
	return rc;
}

/* ---- finding parts -------------------------------------------------------- */

/*
 * The end of the last whole record of [s, s + n), which starts a record, or
 * 0 when no record ends there; the lines (LF bytes) and records before it.
 * Records end at an LF outside quotes, as csv.c reads them: a quote opens a
 * quoted field only at the start of a field, and after a closing quote
 * another quote opens it again (csv.c's slow_record()).
 */
static size_t last_boundary(const char *s, size_t n, char delim, unsigned long *lines, unsigned long *rows)
{
	*lines = *rows = 0;
	if (!memchr(s, '"', n)) {
		/* No quote: every LF ends a record. */
		const char *end = s + n;
		while (end > s && end[-1] != '\n')
			end--;
		if (end == s)
			return 0;
		end--; /* the last LF */
		unsigned long count = 0;
		for (const char *p = s; (p = memchr(p, '\n', (size_t)(end - p) + 1)) != NULL && p <= end; p++)
			count++;
		*lines = *rows = count;
		return (size_t)(end - s) + 1;
	}
	enum { FIELD_START, UNQUOTED, QUOTED, AFTER_QUOTE } state = FIELD_START;
	size_t b = 0;
	unsigned long nl = 0, nr = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		nl += c == '\n';
		switch (state) {
		case QUOTED:
			if (c == '"')
				state = AFTER_QUOTE;
			continue;
		case FIELD_START:
			if (c == '"')
				state = QUOTED;
			else if (c != delim && c != '\n')
				state = UNQUOTED; /* a CR too: "\r\"" is data */
			break;
		case UNQUOTED:
			if (c == delim)
				state = FIELD_START;
			break;
		case AFTER_QUOTE:
			if (c == delim)
				state = FIELD_START;
			else if (c == '"')
				state = QUOTED;
			break;
		}
		if (c == '\n') {
			nr++;
			b = i + 1;
			*lines = nl;
			*rows = nr;
			state = FIELD_START;
		}
	}
	return b;
}

/* ---- the workers ------------------------------------------------------------ */

enum part_state { PART_FREE, PART_READY, PART_BUSY, PART_DONE };

struct part {
	int state;
	char *buf; /* the part's bytes when read from a descriptor */
	size_t cap;
	const char *data;
	size_t len;
	int more;
	unsigned long line, row;
	/* Results. */
	int status;
	unsigned long insufficient;
	lm_table *table;
	lm_writer *writer;
	lm_rejects *rejects;
	lm_error *err;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t ready, done;
	struct part *parts;
	size_t nparts;
	size_t next_take, filled; /* sequence numbers: parts taken by workers, parts filled */
	int quit;
	const lm_instrument *inst;
	const size_t *carry;
	size_t n_carry;
};

static void work_on(struct pool *pl, struct part *p, lm_scorer *s)
{
	struct run r = {.writer = p->writer, .rejects = p->rejects, .carry = pl->carry, .n_carry = pl->n_carry};
	lm__table_part_reset(p->table, p->data, p->len, p->more, p->line, p->row);
	int rc = all_rows(&r, p->table, s, p->err);
	/* Output in memory fails only for want of memory. */
	p->status = rc == ROW_OUTPUT_FAILED ? LM_ENOMEM : rc == ROW_END ? LM_OK : rc;
	p->insufficient = r.insufficient;
}

static void *worker(void *arg)
{
	struct pool *pl = arg;
	lm_scorer *s = NULL;
	int made = lm_scorer_new(&s, pl->inst);
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (!pl->quit && pl->next_take == pl->filled)
			pthread_cond_wait(&pl->ready, &pl->mu);
		if (pl->quit)
			break;
		struct part *p = &pl->parts[pl->next_take++ % pl->nparts];
		p->state = PART_BUSY;
		pthread_mutex_unlock(&pl->mu);
		if (made == LM_OK)
			work_on(pl, p, s);
		else
			p->status = LM_ENOMEM;
		pthread_mutex_lock(&pl->mu);
		p->state = PART_DONE;
		pthread_cond_broadcast(&pl->done);
	}
	pthread_mutex_unlock(&pl->mu);
	lm_scorer_free(s);
	return NULL;
}

static void free_part(struct part *p)
{
	free(p->buf);
	lm__table_part_free(p->table);
	lm__writer_free_clone(p->writer);
	lm_rejects_free(p->rejects);
	lm_error_free(p->err);
}

static int make_part(struct part *p, lm_table *t, lm_writer *w, lm_rejects *rj)
{
	memset(p, 0, sizeof(*p));
	if (lm__table_part_new(t, &p->table) != LM_OK || lm__writer_clone(w, &p->writer) != LM_OK ||
	    (rj && lm__rejects_clone(rj, &p->rejects) != LM_OK) || lm_error_new(&p->err) != LM_OK)
		return LM_ENOMEM;
	return LM_OK;
}

/* Room for @p need bytes in the part's buffer. */
static int part_room(struct part *p, size_t need)
{
	if (need <= p->cap)
		return LM_OK;
	size_t cap = p->cap ? p->cap : need + 4096;
	while (cap < need)
		cap *= 2;
	char *b = realloc(p->buf, cap);
	if (!b)
		return LM_ENOMEM;
	p->buf = b;
	p->cap = cap;
	return LM_OK;
}

/* Where the calling thread is in the input. */
struct source {
	lm_table *t;
	const char *mem; /* a table in memory: the unread bytes, used in place */
	size_t mem_len;
	char *rest; /* bytes read past the last part's end */
	size_t rest_len, rest_cap;
	size_t want; /* the parts' target size */
	int eof, done, read_errno;
	unsigned long line, row; /* of the next part */
};

/* Keep [s, s + n) for the next part. */
static int keep_rest(struct source *src, const char *s, size_t n)
{
	if (n > src->rest_cap) {
		char *r = realloc(src->rest, n);
		if (!r)
			return LM_ENOMEM;
		src->rest = r;
		src->rest_cap = n;
	}
	if (n)
		memmove(src->rest, s, n);
	src->rest_len = n;
	return LM_OK;
}

/*
 * Fill @p p with the next part. Returns 1 when it holds one, 0 when the input
 * is used up, LM_ENOMEM. A part ends after the last record boundary in
 * reach; the last part is the rest of the input. A read error ends the input
 * at the last boundary before it (src->read_errno says why); a record too
 * long to read (no boundary in PART_MAX bytes) ends it after the bytes that
 * show it, where reading the part fails as reading on one thread would.
 */
static int fill(struct source *src, struct part *p)
{
	const size_t want = src->want;
	char delim = src->t->pdelim;
	unsigned long lines = 0, rows = 0;
	const char *data;
	size_t n, b;
	int more = 1;
	if (src->done)
		return 0;
	if (src->mem) {
		n = src->mem_len < want ? src->mem_len : want;
		for (;;) {
			if (n == src->mem_len) {
				b = n; /* the rest */
				more = 0;
				src->done = 1;
				break;
			}
			if ((b = last_boundary(src->mem, n, delim, &lines, &rows)) != 0)
				break;
			if (n >= PART_MAX) {
				b = n;
				src->done = 1;
				break;
			}
			n = n * 2 < src->mem_len ? n * 2 : src->mem_len;
		}
		data = src->mem;
		src->mem += b;
		src->mem_len -= b;
	} else {
		if (part_room(p, src->rest_len > want ? src->rest_len : want) != LM_OK)
			return LM_ENOMEM;
		if (src->rest_len)
			memcpy(p->buf, src->rest, src->rest_len);
		n = src->rest_len;
		src->rest_len = 0;
		b = 0;
		for (;;) {
			while (!src->eof && n < p->cap && (n < want || b == 0)) {
				long got = lm__table_read_raw(src->t, p->buf + n, p->cap - n);
				if (got > 0) {
					n += (size_t)got;
				} else {
					src->eof = 1;
					src->read_errno = (int)-got;
				}
			}
			if (src->eof && !src->read_errno) {
				b = n; /* the rest */
				more = 0;
				src->done = 1;
				break;
			}
			b = last_boundary(p->buf, n, delim, &lines, &rows);
			if (src->eof) {
				src->done = 1; /* a read error: the record it cut is not read */
				break;
			}
			if (b)
				break;
			if (n >= PART_MAX) {
				b = n;
				src->done = 1;
				break;
			}
			if (part_room(p, p->cap * 2) != LM_OK)
				return LM_ENOMEM;
		}
		if (keep_rest(src, p->buf + b, n - b) != LM_OK)
			return LM_ENOMEM;
		data = p->buf;
	}
	if (b == 0)
		return 0;
	p->data = data;
	p->len = b;
	p->more = more;
	p->line = src->line;
	p->row = src->row;
	src->line += lines;
	src->row += rows;
	return 1;
}

/* Lines (LF bytes) in [s, s + n). */
static unsigned long count_lines(const char *s, size_t n)
{
	unsigned long count = 0;
	for (const char *p = s, *end = s + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		count++;
	return count;
}

/*
 * The rest of the table in parts on @p threads workers. Returns ROW_END,
 * ROW_OUTPUT_FAILED or a negative status, as all_rows() does.
 */
static int in_parts(struct run *r, lm_table *t, unsigned threads, lm_error *err)
{
	/* Each worker has a part to go on with while the oldest is handed on. */
	size_t nparts = (size_t)threads + 2 + (threads < 4 ? threads : 4);
	struct pool pl = {.nparts = nparts, .inst = t->inst, .carry = r->carry, .n_carry = r->n_carry};
	struct source src = {.t = t, .line = t->line, .row = t->row, .want = lm__pipeline_part_size};
	if (src.want > INFLIGHT_MAX / 3 / nparts)
		src.want = INFLIGHT_MAX / 3 / nparts;
	pthread_t tid[THREADS_MAX];
	unsigned started = 0;
	int rc = ROW_END, inited = 0;

	if (!(pl.parts = calloc(pl.nparts, sizeof(*pl.parts))))
		return LM_ENOMEM;
	for (size_t k = 0; k < pl.nparts; k++)
		if (make_part(&pl.parts[k], t, r->writer, r->rejects) != LM_OK) {
			rc = LM_ENOMEM;
			goto out;
		}
	if (pthread_mutex_init(&pl.mu, NULL) != 0)
		goto nomem;
	if (pthread_cond_init(&pl.ready, NULL) != 0) {
		pthread_mutex_destroy(&pl.mu);
		goto nomem;
	}
	if (pthread_cond_init(&pl.done, NULL) != 0) {
		pthread_cond_destroy(&pl.ready);
		pthread_mutex_destroy(&pl.mu);
		goto nomem;
	}
	inited = 1;
	for (; started < threads; started++)
		if (pthread_create(&tid[started], NULL, worker, &pl) != 0)
			break;
	if (!started) {
		rc = NO_THREADS; /* nothing read yet: the caller reads on alone */
		goto out;
	}

	/* The unread bytes of the table's buffer come first. */
	const char *unread;
	size_t unread_len;
	lm__table_take_unread(t, &unread, &unread_len);
	if (t->mem_mode) {
		src.mem = unread;
		src.mem_len = unread_len;
		src.eof = 1;
	} else if (unread_len) {
		if (!(src.rest = malloc(unread_len))) {
			rc = LM_ENOMEM;
			goto stop;
		}
		memcpy(src.rest, unread, unread_len);
		src.rest_len = src.rest_cap = unread_len;
	}

	size_t merged = 0;
	for (;;) {
		/* Fill every free part. */
		while (!src.done && pl.filled - merged < pl.nparts) {
			struct part *p = &pl.parts[pl.filled % pl.nparts];
			int f = fill(&src, p);
			if (f < 0) {
				rc = f;
				goto stop;
			}
			if (f == 0)
				break;
			pthread_mutex_lock(&pl.mu);
			p->state = PART_READY;
			pl.filled++;
			pthread_cond_signal(&pl.ready);
			pthread_mutex_unlock(&pl.mu);
		}
		if (merged == pl.filled)
			break;
		/* Hand on the oldest part when it is done. */
		struct part *p = &pl.parts[merged % pl.nparts];
		pthread_mutex_lock(&pl.mu);
		while (p->state != PART_DONE)
			pthread_cond_wait(&pl.done, &pl.mu);
		pthread_mutex_unlock(&pl.mu);
		int m = lm__table_part_merge(t, p->table, err, p->err);
		if (m == LM_OK)
			m = lm__writer_move(p->writer, r->writer);
		if (m == LM_OK && r->rejects)
			m = lm__rejects_move(p->rejects, r->rejects);
		r->insufficient += p->insufficient;
		pthread_mutex_lock(&pl.mu);
		p->state = PART_FREE;
		pthread_mutex_unlock(&pl.mu);
		merged++;
		if (m != LM_OK) {
			rc = m;
			break;
		}
		if (p->status < 0) {
			rc = p->status; /* reading failed there: nothing after it is read */
			break;
		}
		if (lm__writer_failed(r->writer) || (r->rejects && lm__rejects_failed(r->rejects))) {
			rc = ROW_OUTPUT_FAILED;
			break;
		}
	}
	if (rc == ROW_END && src.read_errno) {
		/* As reading on one thread would: at the line the input was read to. */
		unsigned long line = src.line + count_lines(src.rest, src.rest_len);
		rc = lm__table_read_failed(t, line, src.read_errno, err);
	}
stop:
	pthread_mutex_lock(&pl.mu);
	pl.quit = 1;
	pthread_cond_broadcast(&pl.ready);
	pthread_mutex_unlock(&pl.mu);
	for (unsigned k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	lm__table_parts_done(t, rc < 0 ? rc : 0);
	goto out;
nomem:
	rc = started ? LM_ENOMEM : NO_THREADS;
out:
	if (inited) {
		pthread_cond_destroy(&pl.done);
		pthread_cond_destroy(&pl.ready);
		pthread_mutex_destroy(&pl.mu);
	}
	for (size_t k = 0; k < pl.nparts; k++)
		free_part(&pl.parts[k]);
	free(pl.parts);
	free(src.rest);
	return rc;
}

static unsigned online_processors(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX : (unsigned)n;
}

int lm_score_table(lm_table *table, lm_writer *writer, lm_rejects *rejects, unsigned threads,
		   unsigned long *insufficient, lm_error *err)
{
	if (insufficient)
		*insufficient = 0;
	if (!table || !writer)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "lm_score_table needs a table and a writer");
	if (table->state != TABLE_OPEN && table->state != TABLE_END)
		return lm__error(err, LM_EINVAL, table->name, 0, 0, "the table is not open");
	if (lm__writer_instrument(writer) != table->inst)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "the writer is for another instrument than the table");
	size_t n_carry = lm_writer_column_count(writer);
	size_t *carry = calloc(n_carry + 1, sizeof(*carry));
	if (!carry)
		return LM_ENOMEM;
	int rc = LM_OK;
	for (size_t k = 0; k < n_carry; k++) {
		const char *name = lm__writer_column_name(writer, k);
		size_t c = 0;
		while (c < table->ncols && strcmp(table->header[c], name) != 0)
			c++;
		if (c == table->ncols)
			rc = lm__error(err, LM_EINVAL, table->name, 0, 0, "has no column \"%s\" to carry", name);
		carry[k] = c;
	}
	if (rc != LM_OK) {
		free(carry);
		return rc;
	}

	struct run r = {.writer = writer, .rejects = rejects, .carry = carry, .n_carry = n_carry};
	lm_scorer *s = NULL;
	if (lm_scorer_new(&s, table->inst) != LM_OK) {
		free(carry);
		return LM_ENOMEM;
	}
	size_t alone = 0; /* bytes to read on this thread before the workers start */
	if (threads == 0) {
		threads = online_processors();
		alone = lm__pipeline_alone;
	}
	if (threads > THREADS_MAX)
		threads = THREADS_MAX;
	int parts = threads > 1 && lm__writer_streams(writer) && !table->stats && !table->xlsx;
	int status = ROW_DONE;
	/* Rows read ahead (a Qualtrics header's look-ahead) are read here first,
	 * and with threads 0 the first bytes: a small table is read alone. */
	while (parts && table->state == TABLE_OPEN && status == ROW_DONE &&
	       (!lm__table_can_split(table) || lm__table_consumed(table) < alone))
		status = one_row(&r, table, s, err);
	if (status == ROW_DONE && parts && lm__table_can_split(table))
		status = in_parts(&r, table, threads, err);
	if (status == ROW_DONE || status == NO_THREADS)
		status = all_rows(&r, table, s, err);
	lm_scorer_free(s);
	free(carry);
	if (insufficient)
		*insufficient = r.insufficient;
	return status == ROW_END || status == ROW_OUTPUT_FAILED ? LM_OK : status;
}
