/*
 * libra_measures — parts of one table's input, read on worker threads
 * (pipeline.c). A part is a table of its own over a slice of the input that
 * begins and ends at record boundaries; it shares the whole table's header,
 * column map and settings, and starts counting lines and rows where the
 * slices before it end, so that every row, line and message it gives is the
 * one reading the whole table would give. What depends on the rows before
 * — the counts, and which bad cell is the first to get a missing-value hint
 * — is settled when the parts are merged back in input order.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv-priv.h"
#include "table-priv.h"

int lm__table_can_split(const lm_table *t)
{
	return t->state == TABLE_OPEN && !t->stats && !t->xlsx && t->next_stash == t->n_stash && !t->deferred &&
	       !t->pending_blank && (t->mem_mode || t->fd >= 0);
}

unsigned long long lm__table_consumed(const lm_table *t)
{
	if (t->mem_mode)
		return t->pos;
	return t->bytes_in - (t->end - t->pos);
}

int lm__table_part_new(const lm_table *t, lm_table **out)
{
	lm_table *p = calloc(1, sizeof(*p));
	*out = NULL;
	if (!p)
		return LM_ENOMEM;
	*p = *t; /* header, map, tokens, extra columns, name: shared, read only */
	p->chunk = 1;
	p->fd = -1;
	p->own_fd = 0;
	p->readbuf = NULL;
	p->rec = NULL;
	p->rec_cap = 0;
	p->ends_store = p->ends = NULL;
	p->ends_cap = 0;
	p->id = NULL;
	p->id_cap = 0;
	p->problem = NULL;
	p->problem_cap = p->problem_len = 0;
	p->hint_events = NULL;
	p->n_hint_events = p->hint_events_cap = 0;
	memset(p->stash, 0, sizeof(p->stash));
	p->n_stash = p->next_stash = 0;
	p->stats_text = NULL;
	p->xlsx = NULL;
	p->xlsx_bytes = NULL;
	if (lm__csv_grow_fields(p) != LM_OK) {
		free(p);
		return LM_ENOMEM;
	}
	while (p->ends_cap < t->ends_cap)
		if (lm__csv_grow_fields(p) != LM_OK) {
			lm__table_part_free(p);
			return LM_ENOMEM;
		}
	*out = p;
	return LM_OK;
}

void lm__table_part_reset(lm_table *p, const char *buf, size_t len, int more, unsigned long line, unsigned long row)
{
	p->state = TABLE_OPEN;
	p->mem_mode = 1;
	p->eof = 1;
	p->buf = buf;
	p->pos = 0;
	p->end = len;
	p->chunk_more = more;
	p->line = line;
	p->row_line = 0;
	p->row = row;
	p->rows_read = p->rows_rejected = p->rows_blank = 0;
	memset(p->rejected_for, 0, sizeof(p->rejected_for));
	p->pending_blank = p->pending_line = 0;
	p->n_hint_events = 0;
	p->problem_len = 0;
	p->has_id = 0;
	p->nfields = 0;
	p->ends = p->ends_store + 1;
}

void lm__table_part_free(lm_table *p)
{
	if (!p)
		return;
	free(p->rec);
	free(p->ends_store);
	free(p->id);
	free(p->problem);
	free(p->hint_events);
	free(p);
}

int lm__table_part_merge(lm_table *t, lm_table *p, lm_error *err, lm_error *part_err)
{
	size_t before = lm_error_count(err);
	lm__error_move(err, part_err);
	int rc = LM_OK;
	for (size_t k = 0; k < p->n_hint_events; k++) {
		char buf[160];
		const struct hint_event *h = &p->hint_events[k];
		const char *hint = lm__table_missing_hint(t, h->token, strlen(h->token), buf, sizeof buf);
		if (*hint && lm__error_extend(err, before + h->diag, hint) != LM_OK)
			rc = LM_ENOMEM;
	}
	t->row = p->row;
	t->line = p->line;
	t->row_line = p->row_line;
	t->rows_read += p->rows_read;
	t->rows_rejected += p->rows_rejected;
	t->rows_blank += p->rows_blank;
	for (size_t k = 0; k < sizeof(t->rejected_for) / sizeof(t->rejected_for[0]); k++)
		t->rejected_for[k] += p->rejected_for[k];
	return rc;
}

void lm__table_take_unread(lm_table *t, const char **bytes, size_t *len)
{
	*bytes = t->buf + t->pos;
	*len = t->end - t->pos;
	t->pos = t->end;
}

long lm__table_read_raw(lm_table *t, char *dst, size_t cap)
{
	if (t->mem_mode || t->eof)
		return 0;
	for (;;) {
		ssize_t n = read(t->fd, dst, cap);
		if (n > 0)
			return (long)n;
		if (n == 0) {
			t->eof = 1;
			return 0;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* A non-blocking descriptor: wait for data rather than fail (as csv.c). */
			struct pollfd pfd = {.fd = t->fd, .events = POLLIN};
			(void)poll(&pfd, 1, -1);
		} else if (errno != EINTR) {
			return -(long)errno;
		}
	}
}

int lm__table_read_failed(const lm_table *t, unsigned long line, int e, lm_error *err)
{
	return lm__error(err, LM_EIO, t->name, line, 0, "cannot read: %s", strerror(e));
}

void lm__table_parts_done(lm_table *t, int status)
{
	t->state = status < 0 ? TABLE_FAILED : TABLE_END;
	t->has_id = 0;
	t->problem_len = 0;
}
