/*
 * libra_measures — reading data tables: a streaming RFC 4180 CSV reader in
 * constant memory, header matching, and per-row validation and scoring.
 *
 * Records are parsed from a fixed read buffer (or, for lm_table_open_buffer,
 * straight from the caller's memory). A record that lies wholly in the buffer
 * and holds no quote is split in place without copying (the fast path); any
 * other record is unescaped into a record buffer that grows to the longest
 * record, up to LM_TABLE_RECORD_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "readstat-priv.h"

#define LM_TABLE_READ_SIZE (64 * 1024)
#define LM_TABLE_RECORD_MAX (1024 * 1024)
/* A header with more columns than this is refused (LM_ELIMIT). */
#define LM_TABLE_COLUMNS_MAX 65536

enum table_state {
	TABLE_CLOSED = 0, /* not opened, or the last open failed */
	TABLE_OPEN,       /* header read; rows may follow */
	TABLE_END,        /* end of data reached */
	TABLE_FAILED      /* reading cannot go on (I/O error, limit, bad quoting) */
};

/* A column matched to an item. */
struct colmap {
	size_t col, item;
	char *name; /* the column's name in the header */
};

struct lm_table {
	const lm_instrument *inst; /* own reference */
	char *id_request;          /* lm_table_set_id_column(), or NULL */
	int no_id;                 /* lm_table_set_no_id(): rows are identified by their number */
	char delim;                /* lm_table_set_delimiter() */
	char pdelim;               /* the delimiter of the open table, fixed at open */
	int state;
	char *name; /* for diagnostics */

	/* Input: [buf + pos, buf + end) is unread. In buffer mode buf is the caller's memory. */
	int fd, own_fd;
	int mem_mode, eof;
	const char *buf;
	size_t pos, end;
	char *readbuf; /* LM_TABLE_READ_SIZE bytes, allocated on first fd open */

	/* The current record. */
	char *rec;           /* unescaped bytes of a record that took the slow path */
	size_t rec_cap;
	const char *base;    /* rec, or the input buffer for the fast path */
	/* Field k of the record is [base + ends[k-1] + 1, base + ends[k]); ends[-1] is -1.
	 * One store per field; records are at most 1 MiB, so offsets fit. */
	int32_t *ends_store; /* ends_cap + 1 entries: the -1, then ends */
	int32_t *ends;
	size_t ends_cap;
	size_t nfields;      /* fields in the record (may exceed what is stored) */
	size_t fields_keep;  /* how many fields to store; SIZE_MAX for the header */
	int rec_blank;       /* the record was an empty line */
	unsigned char special[256]; /* bytes that end a run of field data: delimiter, quote, CR, LF */

	size_t open_quote_field; /* set when slow_record() returns LM_EDATA */

	/* Lines: the next unread line, and the line the current row started on. */
	unsigned long line, row_line;
	unsigned long row, rows_read, rows_rejected, rows_blank;
	unsigned long rejected_for[LM_REJECT_TEXT + 1]; /* by enum lm_reject_reason */
	/* Empty lines seen before more data, each still to be reported as a row. */
	unsigned long pending_blank, pending_line;

	/* Header. */
	size_t ncols;
	char **header; /* the column names, trimmed */
	struct colmap *map; /* item columns, in column order */
	size_t nmap;
	size_t id_col;      /* LM_NO_INDEX when none */
	char *id_name;      /* the id column in use */

	/* Column names: lm_table_set_prefix() and lm_table_map_column(). */
	char *prefix;
	char **column_for; /* per item: an explicit column name, or NULL */

	/* Cell texts that mean "no answer" (lm_table_add_missing()), trimmed. */
	char **missing_tokens;
	size_t n_missing_tokens;

	/* Records read ahead while looking for a Qualtrics header, replayed as data. */
	struct stash {
		char *bytes;
		int32_t *ends_store; /* -1, then the ends */
		size_t nfields, cap_bytes, cap_ends;
		unsigned long line;
		int blank, unclosed;
		size_t quote_field;
	} stash[2];
	size_t n_stash, next_stash;
	int deferred; /* a reading error met while reading ahead, returned after the stash */
	int qualtrics;

	/* The problems of the current row, joined with "; " (lm_table_row_problem()). */
	char *problem;
	size_t problem_len, problem_cap;

	/* Further columns asked for with lm_table_require_column(). */
	struct extra {
		char *name;
		size_t col;
	} *extra;
	size_t n_extra;

	/* The current row's id, NUL-terminated. */
	char *id;
	size_t id_len, id_cap;
	int has_id;

	/* An SPSS or Stata file, converted to CSV text (readstat.c) that buf points at. */
	int value_labels; /* lm_table_set_value_labels() */
	int stats;        /* the open table is such a file */
	char *stats_text;

};

int lm_table_new(lm_table **out, const lm_instrument *inst)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!inst)
		return LM_EINVAL;
	lm_table *t = calloc(1, sizeof(*t));
	if (!t)
		return LM_ENOMEM;
	lm__instrument_ref(inst);
	t->inst = inst;
	t->delim = 0; /* detected from the header line */
	t->fd = -1;
	t->id_col = LM_NO_INDEX;
	*out = t;
	return LM_OK;
}

/* Forget the current source and header; keep settings and buffers. */
static void free_map(struct colmap *map, size_t n);
static void trim(const char **s, size_t *len);

static void table_close(lm_table *t)
{
	if (t->own_fd && t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->own_fd = 0;
	t->mem_mode = 0;
	t->eof = 0;
	t->buf = NULL;
	t->pos = t->end = 0;
	t->base = NULL;
	if (t->ends_store)
		t->ends = t->ends_store + 1; /* it may point into a replayed row */
	t->nfields = 0;
	t->rec_blank = 0;
	t->line = 1;
	t->row_line = 0;
	t->row = t->rows_read = t->rows_rejected = t->rows_blank = 0;
	memset(t->rejected_for, 0, sizeof(t->rejected_for));
	t->pending_blank = t->pending_line = 0;
	free_map(t->map, t->nmap);
	t->map = NULL;
	t->nmap = 0;
	for (size_t c = 0; t->header && c < t->ncols; c++)
		free(t->header[c]);
	free(t->header);
	t->header = NULL;
	t->ncols = 0;
	t->n_stash = t->next_stash = 0;
	t->deferred = 0;
	t->qualtrics = 0;
	t->problem_len = 0;
	t->id_col = LM_NO_INDEX;
	free(t->id_name);
	t->id_name = NULL;
	t->id_len = 0;
	t->has_id = 0;
	free(t->name);
	t->name = NULL;
	free(t->stats_text);
	t->stats_text = NULL;
	t->stats = 0;
	t->state = TABLE_CLOSED;
}

void lm_table_free(lm_table *table)
{
	if (table) {
		for (size_t e = 0; e < table->n_extra; e++)
			free(table->extra[e].name);
		free(table->extra);
		free(table->prefix);
		for (size_t i = 0; table->column_for && i < table->inst->n_items; i++)
			free(table->column_for[i]);
		free(table->column_for);
		for (size_t k = 0; k < table->n_missing_tokens; k++)
			free(table->missing_tokens[k]);
		free(table->missing_tokens);
		for (int k = 0; k < 2; k++) {
			free(table->stash[k].bytes);
			free(table->stash[k].ends_store);
		}
		free(table->problem);
	}
	if (!table)
		return;
	table_close(table);
	free(table->readbuf);
	free(table->rec);
	free(table->ends_store);
	free(table->id);
	free(table->id_request);
	lm_instrument_free(lm__instrument_mutable(table->inst));
	free(table);
}

int lm_table_set_id_column(lm_table *table, const char *name)
{
	/* After the open the header is matched: a new id column would not be looked for. */
	if (!table || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	char *copy = NULL;
	if (name) {
		copy = lm__strdup(name);
		if (!copy)
			return LM_ENOMEM;
	}
	free(table->id_request);
	table->id_request = copy;
	if (copy)
		table->no_id = 0;
	return LM_OK;
}

int lm_table_set_no_id(lm_table *table, int none)
{
	if (!table || (none != 0 && none != 1) || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	table->no_id = none;
	if (none) {
		free(table->id_request);
		table->id_request = NULL;
	}
	return LM_OK;
}

int lm_table_require_column(lm_table *table, const char *name, size_t *handle)
{
	if (!table || !name || !*name || !handle || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	struct extra *e = realloc(table->extra, (table->n_extra + 1) * sizeof(*e));
	if (!e)
		return LM_ENOMEM;
	table->extra = e;
	if (!(e[table->n_extra].name = lm__strdup(name)))
		return LM_ENOMEM;
	e[table->n_extra].col = LM_NO_INDEX;
	*handle = table->n_extra++;
	return LM_OK;
}

int lm_table_set_prefix(lm_table *table, const char *prefix)
{
	if (!table || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	char *p = NULL;
	if (prefix && *prefix && !(p = lm__strdup(prefix)))
		return LM_ENOMEM;
	free(table->prefix);
	table->prefix = p;
	return LM_OK;
}

int lm_table_map_column(lm_table *table, const char *item, const char *column, lm_error *err)
{
	if (!table || !item || !column || !*column || table->state != TABLE_CLOSED)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_table_map_column");
	size_t i;
	if (lm_instrument_find_item(table->inst, item, &i) != LM_OK)
		return lm__error(err, LM_ENOTFOUND, NULL, 0, 0, "mapping names item '%s', which %s does not have", item,
				 table->inst->id);
	if (!table->column_for &&
	    !(table->column_for = calloc(table->inst->n_items ? table->inst->n_items : 1, sizeof(char *))))
		return LM_ENOMEM;
	if (table->column_for[i])
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "item %s is mapped twice (to \"%s\" and \"%s\")", item,
				 table->column_for[i], column);
	if (!(table->column_for[i] = lm__strdup(column)))
		return LM_ENOMEM;
	return LM_OK;
}

int lm_table_add_missing(lm_table *table, const char *token)
{
	if (!table || !token || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	const char *s = token;
	size_t len = strlen(token);
	trim(&s, &len);
	if (!len)
		return LM_OK; /* blank is always missing */
	char **v = realloc(table->missing_tokens, (table->n_missing_tokens + 1) * sizeof(*v));
	if (!v)
		return LM_ENOMEM;
	table->missing_tokens = v;
	if (!(v[table->n_missing_tokens] = lm__strndup(s, len)))
		return LM_ENOMEM;
	table->n_missing_tokens++;
	return LM_OK;
}

int lm_table_set_value_labels(lm_table *table, int use)
{
	if (!table || (use != 0 && use != 1) || table->state != TABLE_CLOSED)
		return LM_EINVAL;
	table->value_labels = use;
	return LM_OK;
}

int lm_table_has_readstat(void)
{
#ifdef LM_HAVE_READSTAT
	return 1;
#else
	return 0;
#endif
}

int lm_table_set_delimiter(lm_table *table, char delimiter)
{
	/* After the open the header was split with the old one. */
	if (!table || table->state != TABLE_CLOSED || delimiter == '"' || delimiter == '\r' || delimiter == '\n')
		return LM_EINVAL;
	table->delim = delimiter; /* '\0': detect from the header line */
	return LM_OK;
}

/* ---- input ------------------------------------------------------------ */

/* Read more input after the unread bytes, moving them to the front of the
 * read buffer first. Returns the number of bytes added (0 at end of input)
 * or LM_EIO. */
static long refill(lm_table *t, lm_error *err)
{
	if (t->mem_mode || t->eof)
		return 0;
	char *rb = t->readbuf;
	size_t keep = t->end - t->pos;
	if (keep && t->pos)
		memmove(rb, rb + t->pos, keep);
	t->pos = 0;
	t->end = keep;
	if (keep == LM_TABLE_READ_SIZE)
		return 0; /* callers never ask with a full buffer */
	for (;;) {
		ssize_t n = read(t->fd, rb + keep, LM_TABLE_READ_SIZE - keep);
		if (n > 0) {
			t->end = keep + (size_t)n;
			return (long)n;
		}
		if (n == 0) {
			t->eof = 1;
			return 0;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* A non-blocking descriptor: wait for data rather than fail. */
			struct pollfd pfd = {.fd = t->fd, .events = POLLIN};
			(void)poll(&pfd, 1, -1);
		} else if (errno != EINTR) {
			return lm__error(err, LM_EIO, t->name, t->line, 0, "cannot read: %s", strerror(errno));
		}
	}
}

static inline int grow_rec(lm_table *t, size_t need)
{
	if (need <= t->rec_cap)
		return LM_OK;
	size_t cap = t->rec_cap ? t->rec_cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(t->rec, cap);
	if (!p)
		return LM_ENOMEM;
	t->rec = p;
	t->rec_cap = cap;
	return LM_OK;
}

static int grow_fields(lm_table *t)
{
	size_t cap = t->ends_cap ? t->ends_cap * 2 : 32;
	int32_t *p = realloc(t->ends_store, (cap + 1) * sizeof(*p));
	if (!p)
		return LM_ENOMEM;
	p[0] = -1;
	t->ends_store = p;
	t->ends = p + 1;
	t->ends_cap = cap;
	return LM_OK;
}

/* End the current field at offset @p end of the record. Data rows store only
 * as many fields as the header has (room for them exists since the header
 * was read); further ones are only counted. */
static inline int end_field(lm_table *t, size_t end)
{
	size_t n = t->nfields++;
	if (n < t->fields_keep) {
		if (n == t->ends_cap && grow_fields(t) != LM_OK)
			return LM_ENOMEM;
		t->ends[n] = (int32_t)end;
	}
	return LM_OK;
}

/* Field @p k of the current record (k < nfields and k < fields_keep). */
static inline const char *field(const lm_table *t, size_t k, size_t *len)
{
	int32_t start = t->ends[(ptrdiff_t)k - 1] + 1;
	*len = (size_t)(t->ends[k] - start);
	return t->base + start;
}

static int too_long(lm_table *t, unsigned long start_line, lm_error *err)
{
	return lm__error(err, LM_ELIMIT, t->name, start_line, 0, "record longer than %d bytes", LM_TABLE_RECORD_MAX);
}

/*
 * Block scanning for the fast path: find the delimiters, quotes and LFs of
 * 16 (SSE2) or 8 (SWAR) bytes at once as bit masks, one bit per byte. CR
 * needs no scan there: it is data unless it ends the line, which is checked
 * at the LF.
 */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__SSE2__)
#include <emmintrin.h>
#define LM_TABLE_BLOCK 16
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__BYTE_ORDER__) && \
	__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LM_TABLE_BLOCK 8
/* One bit per byte of @p x that is zero: bit k for byte k. */
static inline uint32_t zero_bytes(uint64_t x)
{
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7Fu;
	uint64_t m = ~(((x & low7) + low7) | x) & ~low7; /* 0x80 in each zero byte, exact */
	return (uint32_t)(((m >> 7) * 0x0102040810204080u) >> 56);
}
#else
#define LM_TABLE_BLOCK 0
#endif

#if LM_TABLE_BLOCK
/* Room that put_ends() writes into without checking. */
#define LM_TABLE_SLACK 16

/*
 * End a field at @p pos + k for every set bit k of @p m. With room to spare
 * it writes four positions at a time without a branch per bit (the stores
 * past the last bit are overwritten later or never read).
 */
static inline __attribute__((always_inline)) int put_ends(lm_table *t, size_t *n, uint32_t m, size_t pos)
{
	if (*n + LM_TABLE_SLACK <= t->ends_cap) {
		int32_t *e = t->ends + *n;
		int32_t p = (int32_t)pos;
		/* popcount without the libgcc call that __builtin_popcount is without -mpopcnt */
		uint32_t c = m - ((m >> 1) & 0x5555u);
		c = (c & 0x3333u) + ((c >> 2) & 0x3333u);
		c = (c + (c >> 4)) & 0x0F0Fu;
		unsigned cnt = (c + (c >> 8)) & 0x1Fu;
		uint32_t g = m | 0xFFFF0000u; /* never 0 within 16 steps */
		for (unsigned k = 0; k < cnt; k += 4) {
			e[k] = p + __builtin_ctz(g);
			g &= g - 1;
			e[k + 1] = p + __builtin_ctz(g);
			g &= g - 1;
			e[k + 2] = p + __builtin_ctz(g);
			g &= g - 1;
			e[k + 3] = p + __builtin_ctz(g);
			g &= g - 1;
		}
		*n += cnt;
		return LM_OK;
	}
	/* Near the end of the room (long headers, rows with extra fields). */
	t->nfields = *n;
	for (; m; m &= m - 1)
		if (end_field(t, pos + (size_t)__builtin_ctz(m)) != LM_OK)
			return LM_ENOMEM;
	*n = t->nfields;
	return LM_OK;
}
#endif

/*
 * The fast path: a record that ends with LF inside the unread input and
 * holds no quote is split in place. Returns 1 when it handled the record,
 * 0 when the slow path must, or a negative status.
 */
static int fast_record(lm_table *t)
{
	const unsigned char *s = (const unsigned char *)t->buf + t->pos;
	size_t avail = t->end - t->pos;
	if (avail > LM_TABLE_RECORD_MAX)
		avail = LM_TABLE_RECORD_MAX;
	const unsigned char d = (unsigned char)t->pdelim;
	size_t i = 0;
	t->nfields = 0;
#if LM_TABLE_BLOCK
	size_t n = 0;
#if LM_TABLE_BLOCK == 16
	const __m128i vd = _mm_set1_epi8((char)d), vq = _mm_set1_epi8('"'), vn = _mm_set1_epi8('\n');
#else
	const uint64_t ones = 0x0101010101010101u;
	const uint64_t bd = ones * d, bq = ones * '"', bn = ones * '\n';
#endif
	for (; i + LM_TABLE_BLOCK <= avail; i += LM_TABLE_BLOCK) {
#if LM_TABLE_BLOCK == 16
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		uint32_t md = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd));
		uint32_t mo = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, vn)));
#else
		uint64_t v;
		memcpy(&v, s + i, 8);
		uint32_t md = zero_bytes(v ^ bd);
		uint32_t mo = zero_bytes(v ^ bq) | zero_bytes(v ^ bn);
#endif
		if (mo) {
			unsigned first = (unsigned)__builtin_ctz(mo);
			if (s[i + first] == '"')
				return 0;
			if (put_ends(t, &n, md & ((1u << first) - 1), i) != LM_OK)
				return LM_ENOMEM;
			t->nfields = n;
			i += first;
			goto eol;
		}
		if (put_ends(t, &n, md, i) != LM_OK)
			return LM_ENOMEM;
	}
	t->nfields = n;
#endif
	for (; i < avail; i++) {
		unsigned char c = s[i];
		if (c == d) {
			if (end_field(t, i) != LM_OK)
				return LM_ENOMEM;
		} else if (c == '\n') {
			goto eol;
		} else if (c == '"') {
			return 0;
		}
	}
	return 0; /* no end of line in reach */
eol:;
	/* A CR just before the LF belongs to the line break (it cannot be the
	 * delimiter, so the byte before an empty last field is never one). */
	size_t stop = i;
	if (stop > 0 && s[stop - 1] == '\r')
		stop--;
	if (end_field(t, stop) != LM_OK)
		return LM_ENOMEM;
	t->rec_blank = stop == 0;
	t->base = (const char *)s;
	t->pos += i + 1;
	t->line++;
	return 1;
}

enum {
	ST_FIELD_START,
	ST_UNQUOTED,
	ST_QUOTED,
	ST_AFTER_QUOTE, /* a quote inside a quoted field: end of field or first half of "" */
	ST_CR           /* a CR outside quotes: end of line if LF follows */
};

/*
 * The slow path: unescape one record into t->rec, reading more input as
 * needed. Returns 1 for a record, 0 at end of input (no record), or a
 * negative status.
 */
static int slow_record(lm_table *t, lm_error *err)
{
	unsigned long start_line = t->line;
	size_t len = 0, raw = 0;
	int state = ST_FIELD_START, before_cr = ST_UNQUOTED, any = 0, quoted = 0;
	const unsigned char *special = t->special;
	t->nfields = 0;
	for (;;) {
		if (t->pos == t->end) {
			long n = refill(t, err);
			if (n < 0)
				return (int)n;
			if (n == 0)
				break; /* end of input */
		}
		const char *s = t->buf + t->pos;
		size_t avail = t->end - t->pos;
		if (avail > LM_TABLE_RECORD_MAX + 1 - raw)
			avail = LM_TABLE_RECORD_MAX + 1 - raw;
		/* Runs of ordinary bytes are copied at once. */
		size_t n = 0;
		if (state == ST_QUOTED) {
			const char *q = memchr(s, '"', avail);
			n = q ? (size_t)(q - s) : avail;
			for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))) != NULL; p++)
				t->line++;
		} else if (state == ST_FIELD_START || state == ST_UNQUOTED) {
			while (n < avail && !special[(unsigned char)s[n]])
				n++;
			if (n)
				state = ST_UNQUOTED;
		}
		if (n) {
			if (grow_rec(t, len + n + 1) != LM_OK)
				return LM_ENOMEM;
			memcpy(t->rec + len, s, n);
			len += n;
			raw += n;
			t->pos += n;
			any = 1;
			if (raw > LM_TABLE_RECORD_MAX)
				return too_long(t, start_line, err);
			continue;
		}
		if (++raw > LM_TABLE_RECORD_MAX)
			return too_long(t, start_line, err);
		char c = *s;
		t->pos++;
		any = 1;
		/* At most one byte (and the CR before it) is added below. */
		if (grow_rec(t, len + 3) != LM_OK)
			return LM_ENOMEM;
		char *rec = t->rec;
	again:
		switch (state) {
		case ST_QUOTED: /* c is the quote the run stopped at */
			state = ST_AFTER_QUOTE;
			break;
		case ST_FIELD_START:
		case ST_UNQUOTED:
		case ST_AFTER_QUOTE:
			if (c == t->pdelim) {
				/* Fields are kept one byte apart, as in the input. */
				if (end_field(t, len) != LM_OK)
					return LM_ENOMEM;
				rec[len++] = '\0';
				state = ST_FIELD_START;
			} else if (c == '\n') {
				t->line++;
				goto done;
			} else if (c == '\r') {
				before_cr = state;
				state = ST_CR;
			} else if (c == '"' && state == ST_FIELD_START) {
				state = ST_QUOTED;
				quoted = 1;
			} else if (c == '"' && state == ST_AFTER_QUOTE) {
				rec[len++] = '"';
				state = ST_QUOTED;
			} else {
				/* A stray quote inside an unquoted field, or text after a
				 * closing quote: kept as data, as most readers do. */
				rec[len++] = c;
				if (state == ST_FIELD_START)
					state = ST_UNQUOTED;
			}
			break;
		case ST_CR:
			if (c == '\n') {
				t->line++;
				goto done;
			}
			/* A lone CR is data. */
			rec[len++] = '\r';
			state = before_cr == ST_AFTER_QUOTE ? ST_AFTER_QUOTE : ST_UNQUOTED;
			goto again;
		default:
			break;
		}
	}
	/* End of input: a record without a final line break still counts. */
	if (!any)
		return 0;
	if (state == ST_QUOTED) {
		/* The caller reports it: it knows whether this is the header or a row. */
		t->open_quote_field = t->nfields + 1;
		if (end_field(t, len) != LM_OK)
			return LM_ENOMEM;
		t->base = t->rec;
		return LM_EDATA;
	}
done:
	if (end_field(t, len) != LM_OK)
		return LM_ENOMEM;
	t->rec_blank = len == 0 && t->nfields == 1 && !quoted;
	t->base = t->rec ? t->rec : "";
	return 1;
}

/*
 * Read the next record. Returns 1 (t->ends, t->nfields, t->base set and
 * t->row_line its first line), 0 at end of input, or a negative status.
 * Empty lines that only lead up to the end of the input are not records.
 */
static int read_record(lm_table *t, lm_error *err)
{
	t->row_line = t->line;
	int r = fast_record(t);
	if (r == 0)
		r = slow_record(t, err);
	if (r <= 0 || !t->rec_blank)
		return r;
	/* An empty line: skip any that follow; if the input ends, none counts. */
	unsigned long blank = 1, first = t->row_line;
	for (;;) {
		if (t->pos == t->end) {
			long n = refill(t, err);
			if (n < 0)
				return (int)n;
			if (n == 0)
				return 0;
		}
		const char *s = t->buf + t->pos;
		if (*s == '\n') {
			t->pos++;
		} else if (*s == '\r') {
			if (t->end - t->pos < 2 && !t->mem_mode && !t->eof) {
				long n = refill(t, err);
				if (n < 0)
					return (int)n;
				continue;
			}
			if (t->end - t->pos >= 2 && s[1] == '\n')
				t->pos += 2;
			else if (t->end - t->pos == 1)
				t->pos += 1; /* CR at the very end */
			else
				break; /* a lone CR starts a record */
		} else {
			break;
		}
		blank++;
		t->line++;
	}
	/* More data follows: each empty line is a row of one empty field. */
	t->pending_blank = blank - 1;
	t->pending_line = first + 1;
	t->row_line = first;
	t->nfields = 0;
	if (end_field(t, 0) != LM_OK)
		return LM_ENOMEM;
	t->base = "";
	return 1;
}

/* ---- header ----------------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;
	while (n && is_blank(*p)) {
		p++;
		n--;
	}
	while (n && is_blank(p[n - 1]))
		n--;
	*s = p;
	*len = n;
}

static int name_equal(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(s, name, len) == 0;
}

/* A growing string for messages. */
struct sbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Append a cell or column name, quoted, with control characters escaped and
 * long text cut short (at a UTF-8 character boundary). */

/* Build the header's column map. Every problem is reported; returns LM_OK or LM_EDATA. */
/* The column name item @p i is looked for under (owned by the caller), or NULL when out of memory. */
static char *wanted_column(const lm_table *t, size_t i)
{
	const struct lm_instrument *inst = t->inst;
	const char *id = inst->items[i].id;
	if (t->column_for && t->column_for[i])
		return lm__strdup(t->column_for[i]);
	if (!t->prefix)
		return lm__strdup(id);
	/* --prefix Q5_: item stss_7 is column Q5_7 (the part after "<instrument>_"). */
	size_t n = strlen(inst->id);
	const char *suffix = strncmp(id, inst->id, n) == 0 && id[n] == '_' ? id + n + 1 : id;
	size_t lp = strlen(t->prefix), ls = strlen(suffix);
	char *name = malloc(lp + ls + 1);
	if (name) {
		memcpy(name, t->prefix, lp);
		memcpy(name + lp, suffix, ls + 1);
	}
	return name;
}

static void free_map(struct colmap *map, size_t n)
{
	for (size_t k = 0; map && k < n; k++)
		free(map[k].name);
	free(map);
}

/* @p s quoted for a message: control bytes escaped, cut at 40 bytes (at a
 * UTF-8 character boundary). */
static void sb_quoted(struct sbuf *b, const char *s, size_t len)
{
	int cut = len > 40;
	if (cut)
		for (len = 40; len && ((unsigned char)s[len] & 0xC0) == 0x80;)
			len--;
	sb_str(b, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			snprintf(esc, sizeof(esc), c == '"' || c == '\\' ? "\\%c" : "\\x%02X", c);
			sb_str(b, esc);
		} else {
			sb_add(b, s + i, 1);
		}
	}
	sb_str(b, cut ? "...\"" : "\"");
}

/*
 * The header has no id column: an error (a table of respondents without ids
 * would write rows nobody can tell apart) that lists the header's columns and
 * says how to name the id column, or that there is none. Returns LM_EDATA or
 * LM_ENOMEM.
 */
static int no_id_column(const lm_table *t, unsigned long line, size_t ncols, const char *want, lm_error *err)
{
	struct sbuf b = {0};
	size_t shown = ncols < 20 ? ncols : 20, near = LM_NO_INDEX;
	for (size_t c = 0; c < ncols; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		trim(&s, &len);
		size_t k = 0;
		while (k < len && want[k] && (s[k] | 0x20) == (want[k] | 0x20))
			k++;
		if (k == len && !want[k] && near == LM_NO_INDEX)
			near = c;
		if (c < shown) {
			sb_str(&b, c ? ", " : "");
			sb_quoted(&b, s, len);
		}
	}
	if (ncols > shown) {
		char more[48];
		snprintf(more, sizeof(more), " and %zu more", ncols - shown);
		sb_str(&b, more);
	}
	if (near != LM_NO_INDEX) {
		size_t len;
		const char *s = field(t, near, &len);
		trim(&s, &len);
		sb_str(&b, "; ");
		sb_quoted(&b, s, len);
		sb_str(&b, " differs in case");
	}
	if (b.oom) {
		free(b.s);
		return LM_ENOMEM;
	}
	if (t->id_request)
		lm__error(err, LM_EDATA, t->name, line, 0, "id column \"%s\" is not in the header (its columns: %s)", want,
			  b.s);
	else
		lm__error(err, LM_EDATA, t->name, line, 0,
			  "no id column: no column is named \"id\" (the header has %s); name the column of respondent "
			  "ids (lm_table_set_id_column()), or say that there is none (lm_table_set_no_id()) to have "
			  "the data row number identify each row",
			  b.s);
	free(b.s);
	return LM_EDATA;
}

static int read_header(lm_table *t, lm_error *err)
{
	const struct lm_instrument *inst = t->inst;
	t->fields_keep = SIZE_MAX;
	int r = read_record(t, err);
	if (r == LM_EDATA)
		return lm__error(err, LM_EDATA, t->name, t->row_line, t->open_quote_field,
				 "header: quoted field not closed before the end of the file");
	if (r < 0)
		return r;
	if (r == 0)
		return lm__error(err, LM_EDATA, t->name, 0, 0, "empty file: no header row");
	if (t->rec_blank)
		return lm__error(err, LM_EDATA, t->name, t->row_line, 0,
				 "the first line is empty: it must be the header row");
	/* Blank lines after the header are rows, reported by lm_table_next(). */
	unsigned long header_line = t->row_line;
	size_t ncols = t->nfields, ni = inst->n_items;
	if (ncols > LM_TABLE_COLUMNS_MAX)
		return lm__error(err, LM_ELIMIT, t->name, header_line, 0,
				 "the header has %zu columns, more than the limit of %d", ncols, LM_TABLE_COLUMNS_MAX);
	size_t *item_col = malloc((ni ? ni : 1) * sizeof(*item_col));
	char **want = calloc(ni ? ni : 1, sizeof(*want));
	struct colmap *map = calloc(ncols ? ncols : 1, sizeof(*map));
	int status = item_col && want && map ? LM_OK : LM_ENOMEM;
	/* Once an allocation fails, only LM_ENOMEM is said: no column is then
	 * known to be missing. */
	int nomem = status == LM_ENOMEM;
	for (size_t i = 0; status == LM_OK && i < ni; i++) {
		item_col[i] = LM_NO_INDEX;
		if (!(want[i] = wanted_column(t, i)))
			status = LM_ENOMEM, nomem = 1;
	}
	const char *want_id = t->no_id ? NULL : t->id_request ? t->id_request : "id";
	size_t id_col = LM_NO_INDEX, nmap = 0;
	for (size_t c = 0; !nomem && c < ncols; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		trim(&s, &len);
		if (want_id && name_equal(s, len, want_id)) {
			if (id_col != LM_NO_INDEX) {
				status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
						   "duplicate column \"%s\" (fields %zu and %zu)", want_id,
						   id_col + 1, c + 1);
				continue;
			}
			id_col = c;
		}
		size_t item = LM_NO_INDEX;
		for (size_t i = 0; i < ni; i++) {
			if (!name_equal(s, len, want[i]))
				continue;
			if (item == LM_NO_INDEX) {
				item = i;
				continue;
			}
			status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
					   "column \"%s\" is named for two items, %s and %s", want[i],
					   inst->items[item].id, inst->items[i].id);
			item_col[i] = c; /* said here; not "no column" as well */
		}
		if (item == LM_NO_INDEX)
			continue;
		if (item_col[item] != LM_NO_INDEX) {
			status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
					   "duplicate column \"%s\" (fields %zu and %zu)", want[item],
					   item_col[item] + 1, c + 1);
			continue;
		}
		item_col[item] = c;
		map[nmap].col = c;
		map[nmap].item = item;
		if (!(map[nmap++].name = lm__strdup(want[item])))
			status = LM_ENOMEM, nomem = 1;
	}
	struct sbuf missing = {0};
	size_t n_missing = 0;
	for (size_t i = 0; !nomem && i < ni; i++) {
		if (item_col[i] != LM_NO_INDEX || !inst->items[i].scored)
			continue;
		if (n_missing++)
			sb_str(&missing, ", ");
		sb_str(&missing, inst->items[i].id);
		if (strcmp(want[i], inst->items[i].id) != 0) {
			sb_str(&missing, " (column \"");
			sb_str(&missing, want[i]);
			sb_str(&missing, "\")");
		}
	}
	nomem |= missing.oom;
	if (n_missing && !nomem)
		status = lm__error(err, LM_EDATA, t->name, header_line, 0, "no column for item%s %s",
				   n_missing > 1 ? "s" : "", missing.s);
	free(missing.s);
	if (want_id && id_col == LM_NO_INDEX && !nomem && no_id_column(t, header_line, ncols, want_id, err) == LM_ENOMEM)
		nomem = 1;
	else if (want_id && id_col == LM_NO_INDEX && !nomem)
		status = LM_EDATA;
	for (size_t e = 0; e < t->n_extra && !nomem; e++) {
		t->extra[e].col = LM_NO_INDEX;
		for (size_t c = 0; c < ncols; c++) {
			size_t len;
			const char *s = field(t, c, &len);
			trim(&s, &len);
			if (!name_equal(s, len, t->extra[e].name))
				continue;
			if (t->extra[e].col == LM_NO_INDEX)
				t->extra[e].col = c;
			else
				status = lm__error(err, LM_EDATA, t->name, header_line, c + 1,
						   "duplicate column \"%s\" (fields %zu and %zu)", t->extra[e].name,
						   t->extra[e].col + 1, c + 1);
		}
		if (t->extra[e].col == LM_NO_INDEX)
			status = lm__error(err, LM_EDATA, t->name, header_line, 0, "column \"%s\" is not in the header",
					   t->extra[e].name);
	}
	if (nomem)
		status = LM_ENOMEM;
	for (size_t i = 0; want && i < ni; i++)
		free(want[i]);
	free(want);
	free(item_col);
	if (status == LM_OK && id_col != LM_NO_INDEX && !(t->id_name = lm__strdup(want_id)))
		status = LM_ENOMEM;
	if (status != LM_OK) {
		free_map(map, nmap);
		return status;
	}
	if (!(t->header = calloc(ncols ? ncols : 1, sizeof(*t->header)))) {
		free_map(map, nmap);
		return LM_ENOMEM;
	}
	t->ncols = ncols; /* so that table_close() frees what is made here */
	for (size_t c = 0; c < ncols; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		trim(&s, &len);
		if (!(t->header[c] = lm__strndup(s, len))) {
			free_map(map, nmap);
			return LM_ENOMEM;
		}
	}
	t->map = map;
	t->nmap = nmap;
	t->id_col = id_col;
	t->ncols = ncols;
	/* Data rows keep only the fields the header has; extra ones are counted.
	 * Room for them (and the fast path's slack) is made now, not per row. */
	t->fields_keep = ncols;
	while (t->ends_cap < ncols + 16)
		if (grow_fields(t) != LM_OK)
			return LM_ENOMEM;
	return LM_OK;
}

/*
 * The delimiter, from the header line: the one of ',', ';' and tab that occurs
 * outside quotes. None of them means a one-column file (','); more than one
 * cannot be told apart and is refused, asking for --delimiter.
 */
static int detect_delimiter(lm_table *t, lm_error *err)
{
	static const char candidates[] = {',', ';', '\t'};
	/* Have the first two lines in the buffer, as far as it holds them. */
	for (;;) {
		const char *p = t->buf + t->pos, *e = t->buf + t->end, *nl = memchr(p, '\n', (size_t)(e - p));
		if ((nl && memchr(nl + 1, '\n', (size_t)(e - nl - 1))) || t->mem_mode || t->eof ||
		    t->end - t->pos == LM_TABLE_READ_SIZE)
			break;
		long n = refill(t, err);
		if (n < 0)
			return (int)n;
	}
	/* Count each candidate outside quotes, on the header line and the next. */
	size_t count[2][3] = {{0, 0, 0}, {0, 0, 0}};
	int quoted = 0, line = 0;
	for (size_t i = t->pos; i < t->end && line < 2; i++) {
		char c = t->buf[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '\n')
			line++;
		for (int k = 0; k < 3 && !quoted && line < 2; k++)
			count[line][k] += c == candidates[k];
	}
	int found = -1, n_found = 0;
	for (int k = 0; k < 3; k++)
		if (count[0][k]) {
			found = k;
			n_found++;
		}
	if (n_found > 1) {
		/* Several in the header: the one the next line has as often, if only one does. */
		int agree = -1, n_agree = 0;
		for (int k = 0; k < 3; k++)
			if (count[0][k] && count[1][k] == count[0][k]) {
				agree = k;
				n_agree++;
			}
		if (n_agree != 1)
			return lm__error(err, LM_EDATA, t->name, t->line, 0,
					 "cannot tell the delimiter: the header has %s%s%s; set the delimiter",
					 count[0][0] ? "commas" : "", count[0][0] && (count[0][1] || count[0][2]) ? " and " : "",
					 count[0][1] && count[0][2] ? "semicolons and tabs"
					 : count[0][1]		    ? "semicolons"
					 : count[0][2]		    ? "tabs"
								    : "");
		found = agree;
	}
	t->pdelim = found < 0 ? ',' : candidates[found];
	t->special[(unsigned char)t->pdelim] = 1;
	return LM_OK;
}

/* A Qualtrics export's third header row: every non-empty cell is {"ImportId":...}. */
static int is_import_id_row(const lm_table *t)
{
	size_t cells = 0;
	for (size_t c = 0; c < t->nfields && c < t->fields_keep; c++) {
		size_t len;
		const char *s = field(t, c, &len);
		trim(&s, &len);
		if (!len)
			continue;
		if (len < 12 || memcmp(s, "{\"ImportId\":", 12) != 0)
			return 0;
		cells++;
	}
	return cells > 0;
}

static int stash_record(lm_table *t, struct stash *st)
{
	size_t n = t->nfields < t->fields_keep ? t->nfields : t->fields_keep;
	size_t bytes = n ? (size_t)t->ends[n - 1] + 1 : 1;
	if (bytes > st->cap_bytes) {
		char *b = realloc(st->bytes, bytes);
		if (!b)
			return LM_ENOMEM;
		st->bytes = b;
		st->cap_bytes = bytes;
	}
	if (n + 1 > st->cap_ends) {
		int32_t *e = realloc(st->ends_store, (n + 1) * sizeof(*e));
		if (!e)
			return LM_ENOMEM;
		st->ends_store = e;
		st->cap_ends = n + 1;
	}
	if (n)
		memcpy(st->bytes, t->base, bytes - 1);
	st->ends_store[0] = -1;
	if (n)
		memcpy(st->ends_store + 1, t->ends, n * sizeof(*t->ends));
	st->nfields = t->nfields;
	st->line = t->row_line;
	st->blank = t->rec_blank;
	st->unclosed = 0;
	return LM_OK;
}

/*
 * Qualtrics exports put two more header rows under the column names: the
 * question text, and {"ImportId": ...} cells. Rows 2 and 3 are read ahead;
 * when row 3 (or row 2) is the ImportId row, they are header and skipped,
 * otherwise they are data and lm_table_next() replays them first.
 */
static int skip_qualtrics_rows(lm_table *t, lm_error *err)
{
	t->n_stash = t->next_stash = 0;
	for (size_t k = 0; k < 2; k++) {
		if (t->pending_blank)
			break;
		int r = read_record(t, err);
		if (r == 0)
			break;
		if (r < 0) {
			if (r != LM_EDATA) {
				/* Reported already; it ends the table after the rows before it. */
				t->deferred = r;
				return LM_OK;
			}
			/* An unclosed quote: lm_table_next() reports it as the last row. */
			int s = stash_record(t, &t->stash[t->n_stash]);
			t->stash[t->n_stash].quote_field = t->open_quote_field;
			t->stash[t->n_stash++].unclosed = 1;
			return s;
		}
		if (!t->rec_blank && is_import_id_row(t)) {
			t->qualtrics = 1;
			t->n_stash = 0;
			return LM_OK;
		}
		int s = stash_record(t, &t->stash[t->n_stash++]);
		if (s != LM_OK || t->rec_blank)
			return s;
	}
	return LM_OK;
}

/*
 * A data file of SPSS or Stata given where CSV text is expected (through a
 * descriptor, or a name without the extension): refused by its first bytes
 * rather than read as garbage.
 */
static int refuse_binary(lm_table *t, lm_error *err)
{
	if (t->stats)
		return LM_OK;
	while (t->end - t->pos < 11 && !t->mem_mode && !t->eof) {
		long n = refill(t, err);
		if (n < 0)
			return (int)n;
	}
	const char *s = t->buf + t->pos;
	size_t n = t->end - t->pos;
	const char *what, *ext;
	if (n >= 4 && (memcmp(s, "$FL2", 4) == 0 || memcmp(s, "$FL3", 4) == 0)) {
		what = "an SPSS system file";
		ext = ".sav";
	} else if (n >= 11 && memcmp(s, "<stata_dta>", 11) == 0) {
		what = "a Stata file";
		ext = ".dta";
	} else {
		return LM_OK;
	}
	return lm__error(err, LM_EDATA, t->name, 0, 0, "this is %s (%s), not CSV text: open it by a name that ends in %s",
			 what, ext, ext);
}

static int open_common(lm_table *t, const char *name, lm_error *err)
{
	if (!(t->name = lm__strdup(name ? name : "<data>")))
		return LM_ENOMEM;
	t->pdelim = t->stats ? ',' : t->delim; /* converted text is always comma-separated */
	memset(t->special, 0, sizeof(t->special));
	if (t->pdelim)
		t->special[(unsigned char)t->pdelim] = 1;
	t->special['"'] = 1;
	t->special['\r'] = 1;
	t->special['\n'] = 1;
	/* A UTF-8 byte order mark at the start of the file is not data. */
	while (t->end - t->pos < 3 && !t->mem_mode && !t->eof) {
		long n = refill(t, err);
		if (n < 0)
			return (int)n;
	}
	if (t->end - t->pos >= 3 && memcmp(t->buf + t->pos, "\xEF\xBB\xBF", 3) == 0)
		t->pos += 3;
	int r = refuse_binary(t, err);
	if (r != LM_OK)
		return r;
	if (!t->pdelim && (r = detect_delimiter(t, err)) != LM_OK)
		return r;
	r = read_header(t, err);
	if (r == LM_OK && !t->stats)
		r = skip_qualtrics_rows(t, err);
	if (r != LM_OK)
		return r;
	t->state = TABLE_OPEN;
	return LM_OK;
}

static int open_fd(lm_table *t, int fd, int own, const char *name, lm_error *err)
{
	if (!t->readbuf && !(t->readbuf = malloc(LM_TABLE_READ_SIZE))) {
		if (own)
			close(fd);
		return LM_ENOMEM;
	}
	t->fd = fd;
	t->own_fd = own;
	t->buf = t->readbuf;
	int r = open_common(t, name, err);
	if (r != LM_OK)
		table_close(t);
	return r;
}

/* The statistics-package format a file name's extension names, if any. */
static int stats_format(const char *path)
{
	static const struct {
		const char *ext;
		int format;
	} exts[] = {{".sav", LM_STATS_SAV}, {".zsav", LM_STATS_SAV}, {".por", LM_STATS_POR}, {".dta", LM_STATS_DTA}};
	size_t n = strlen(path);
	for (size_t k = 0; k < sizeof(exts) / sizeof(exts[0]); k++) {
		size_t e = strlen(exts[k].ext);
		if (n <= e)
			continue;
		size_t i = 0;
		while (i < e && (path[n - e + i] | 0x20) == exts[k].ext[i])
			i++;
		if (i == e)
			return exts[k].format;
	}
	return LM_STATS_NONE;
}

/* Read an SPSS or Stata file through ReadStat, as CSV text with the file's name. */
static int open_stats(lm_table *t, const char *path, int format, lm_error *err)
{
#ifdef LM_HAVE_READSTAT
	const struct lm_instrument *inst = t->inst;
	double *codes = NULL;
	if (inst->n_missing && !(codes = malloc(inst->n_missing * sizeof(*codes))))
		return LM_ENOMEM;
	for (size_t k = 0; k < inst->n_missing; k++)
		codes[k] = inst->missing[k].value;
	char *text;
	size_t len;
	int r = lm__readstat_to_csv(path, format, t->value_labels, codes, inst->n_missing, &text, &len, err);
	free(codes);
	if (r != LM_OK)
		return r;
	t->stats = 1;
	t->stats_text = text;
	t->mem_mode = 1;
	t->eof = 1;
	t->buf = text;
	t->pos = 0;
	t->end = len;
	r = open_common(t, path, err);
	if (r != LM_OK)
		table_close(t);
	return r;
#else
	(void)t;
	(void)format;
	return lm__error(err, LM_EDATA, path, 0, 0,
			 "SPSS and Stata files need libra_measures built with ReadStat (-Dreadstat=enabled)");
#endif
}

int lm_table_open_file(lm_table *table, const char *path, lm_error *err)
{
	if (!table || !path)
		return LM_EINVAL;
	table_close(table);
	int format = stats_format(path);
	if (format != LM_STATS_NONE)
		return open_stats(table, path, format, err);
	int fd;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	return open_fd(table, fd, 1, path, err);
}

int lm_table_open_fd(lm_table *table, int fd, const char *name, lm_error *err)
{
	if (!table || fd < 0)
		return LM_EINVAL;
	table_close(table);
	return open_fd(table, fd, 0, name, err);
}

int lm_table_open_buffer(lm_table *table, const char *data, size_t len, const char *name, lm_error *err)
{
	if (!table || (!data && len))
		return LM_EINVAL;
	table_close(table);
	table->mem_mode = 1;
	table->eof = 1;
	table->buf = data ? data : "";
	table->pos = 0;
	table->end = len;
	int r = open_common(table, name, err);
	if (r != LM_OK)
		table_close(table);
	return r;
}

/* ---- rows ------------------------------------------------------------- */

/*
 * Whether @p s is text that can be written out as it is: no NUL byte and
 * well-formed UTF-8 (no overlong forms, surrogates or code points past
 * U+10FFFF). Otherwise says what is wrong, and at which byte, in @p why.
 */
static int is_text(const char *s, size_t len, char *why, size_t why_size)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned c = p[i];
		if (c && c < 0x80) {
			i++;
			continue;
		}
		if (!c) {
			snprintf(why, why_size, "holds a NUL byte (byte %zu)", i + 1);
			return 0;
		}
		size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		/* The second byte's range depends on the first (RFC 3629, section 4). */
		unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		int ok = n && i + n <= len && p[i + 1] >= lo && p[i + 1] <= hi;
		for (size_t k = 2; ok && k < n; k++)
			ok = p[i + k] >= 0x80 && p[i + k] <= 0xBF;
		if (!ok) {
			snprintf(why, why_size, "is not valid UTF-8 (byte %zu, 0x%02X); save the file as UTF-8", i + 1, c);
			return 0;
		}
		i += n;
	}
	return 1;
}

static int add_problemf(lm_table *t, const char *fmt, ...) LM_PRINTF(2, 3);

/* A value that goes into the outputs (the id, a required column) must be
 * text; otherwise the row is rejected, saying so. Returns 0, LM_EDATA or
 * LM_ENOMEM. */
static int check_text(lm_table *t, size_t col, const char *s, size_t len, lm_error *err)
{
	/* ASCII without NUL, the common case, eight bytes at a time: a byte
	 * from 1 to 0x7F minus 1 keeps its top bit clear and borrows nothing. */
	size_t i = 0;
	for (uint64_t w; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (((w - 0x0101010101010101u) | w) & 0x8080808080808080u)
			break;
	}
	while (i < len && (unsigned char)(s[i] - 1) < 0x7F)
		i++;
	char why[96];
	if (i == len || is_text(s, len, why, sizeof(why)))
		return 0;
	const char *name = t->header[col];
	if (add_problemf(t, "column \"%s\": the value %s", name, why) != LM_OK)
		return LM_ENOMEM;
	lm__error(err, LM_EDATA, t->name, t->row_line, col + 1, "row %lu, column \"%s\": the value %s", t->row, name,
		  why);
	return LM_EDATA;
}

static int set_id(lm_table *t)
{
	t->has_id = t->id_col != LM_NO_INDEX || t->no_id;
	t->id_len = 0;
	if (!t->has_id)
		return LM_OK;
	const char *s = "";
	size_t len = 0;
	char number[24];
	if (t->no_id) /* the row number is the id */
	{
		len = (size_t)snprintf(number, sizeof(number), "%lu", t->row);
		s = number;
	}
	else if (t->id_col < t->nfields && t->id_col < t->fields_keep)
		s = field(t, t->id_col, &len);
	if (len + 1 > t->id_cap) {
		size_t cap = t->id_cap ? t->id_cap : 64;
		while (cap < len + 1)
			cap *= 2;
		char *p = realloc(t->id, cap);
		if (!p)
			return LM_ENOMEM;
		t->id = p;
		t->id_cap = cap;
	}
	memcpy(t->id, s, len);
	t->id[len] = '\0';
	t->id_len = len;
	return LM_OK;
}

/* Append to the current row's problem text (lm_table_row_problem()).
 * Returns LM_OK or LM_ENOMEM: a rejected row is never left unexplained. */
static int add_problem(lm_table *t, const char *message)
{
	size_t n = strlen(message), need = t->problem_len + n + 3;
	if (need > t->problem_cap) {
		size_t cap = t->problem_cap ? t->problem_cap * 2 : 256;
		while (cap < need)
			cap *= 2;
		char *p = realloc(t->problem, cap);
		if (!p)
			return LM_ENOMEM;
		t->problem = p;
		t->problem_cap = cap;
	}
	if (t->problem_len) {
		memcpy(t->problem + t->problem_len, "; ", 2);
		t->problem_len += 2;
	}
	memcpy(t->problem + t->problem_len, message, n + 1);
	t->problem_len += n;
	return LM_OK;
}

static int add_problemf(lm_table *t, const char *fmt, ...) LM_PRINTF(2, 3);
static int add_problemf(lm_table *t, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int r = s ? add_problem(t, s) : LM_ENOMEM;
	free(s);
	return r;
}

static int is_missing_token(const lm_table *t, const char *s, size_t len)
{
	trim(&s, &len);
	for (size_t k = 0; k < t->n_missing_tokens; k++)
		if (name_equal(s, len, t->missing_tokens[k]))
			return 1;
	return 0;
}

static int report_cell(lm_table *t, const struct colmap *m, const char *s, size_t len, lm_error *err)
{
	char *message = lm__bad_value_message(t->inst, m->item, s, len);
	if (!message)
		return LM_ENOMEM;
	if (add_problemf(t, "column \"%s\": %s", m->name, message) != LM_OK) {
		free(message);
		return LM_ENOMEM;
	}
	lm__error(err, LM_EDATA, t->name, t->row_line, m->col + 1, "row %lu, column \"%s\": %s", t->row, m->name,
		  message);
	free(message);
	return LM_EDATA;
}

/* Whether every field of the record is empty or white space (a record with
 * more fields than the header is not: those past it are not kept). */
static int blank_record(const lm_table *t)
{
	if (t->nfields > t->fields_keep)
		return 0;
	for (size_t k = 0; k < t->nfields; k++) {
		size_t len;
		const char *s = field(t, k, &len);
		trim(&s, &len);
		if (len)
			return 0;
	}
	return 1;
}

/* An unclosed quote ran to the end of the file: the last row, rejected. */
static int reject_unclosed(lm_table *t, size_t field, lm_error *err)
{
	t->state = TABLE_END;
	t->row++;
	t->rows_read++;
	t->rows_rejected++;
	t->rejected_for[LM_REJECT_QUOTE]++;
	if (set_id(t) != LM_OK)
		return LM_ENOMEM;
	if (add_problem(t, "quoted field not closed before the end of the file") != LM_OK)
		return LM_ENOMEM;
	return lm__error(err, LM_EDATA, t->name, t->row_line, field,
			 "row %lu: quoted field not closed before the end of the file", t->row);
}

int lm_table_next(lm_table *table, lm_scorer *scorer, lm_error *err)
{
	if (!table || !scorer || lm_scorer_instrument(scorer) != table->inst)
		return LM_EINVAL;
	lm_table *t = table;
	switch (t->state) {
	case TABLE_OPEN:
		break;
	case TABLE_END:
		return 0;
	default:
		return LM_EINVAL;
	}
	t->problem_len = 0;
	for (;;) {
		if (t->next_stash < t->n_stash) {
			/* A row read ahead while looking for a Qualtrics header. */
			const struct stash *st = &t->stash[t->next_stash++];
			t->base = st->blank ? "" : st->bytes;
			t->ends = st->ends_store + 1;
			t->nfields = st->nfields;
			t->row_line = st->line;
			t->rec_blank = st->blank;
			if (st->unclosed)
				return reject_unclosed(t, st->quote_field, err);
		} else if (t->deferred) {
			t->state = TABLE_FAILED;
			return t->deferred;
		} else if (t->pending_blank) {
			t->ends = t->ends_store + 1;
			t->row_line = t->pending_line++;
			t->pending_blank--;
			t->nfields = 0;
			if (end_field(t, 0) != LM_OK)
				return LM_ENOMEM;
			t->base = "";
		} else {
			t->ends = t->ends_store + 1; /* after a replay */
			int r = read_record(t, err);
			if (r == 0) {
				t->state = TABLE_END;
				t->has_id = 0;
				return 0;
			}
			if (r == LM_EDATA)
				return reject_unclosed(t, t->open_quote_field, err);
			if (r < 0) {
				t->state = TABLE_FAILED;
				return r;
			}
		}
		t->row++;
		/* A row of nothing but delimiters (or an empty line) is what spreadsheets
		 * leave below the data: no respondent, counted apart. */
		if (t->stats || !blank_record(t))
			break;
		t->rows_blank++;
	}
	t->rows_read++;
	if (t->stats)
		t->row_line = t->row + 1; /* a case's line, even when a text value holds a line break */
	if (set_id(t) != LM_OK)
		return LM_ENOMEM;
	if (t->nfields != t->ncols) {
		t->rows_rejected++;
		char what[96];
		snprintf(what, sizeof(what), "%zu field%s, header has %zu", t->nfields, t->nfields == 1 ? "" : "s",
			 t->ncols);
		if (add_problem(t, what) != LM_OK)
			return LM_ENOMEM;
		t->rejected_for[LM_REJECT_FIELDS]++;
		return lm__error(err, LM_EDATA, t->name, t->row_line, 0, "row %lu has %s", t->row, what);
	}
	int bad_text = t->id_col != LM_NO_INDEX ? check_text(t, t->id_col, t->id, t->id_len, err) : 0;
	for (size_t e = 0; e < t->n_extra && bad_text != LM_ENOMEM; e++) {
		size_t len;
		const char *s = field(t, t->extra[e].col, &len);
		int r = check_text(t, t->extra[e].col, s, len, err);
		if (r)
			bad_text = r;
	}
	if (bad_text == LM_ENOMEM)
		return LM_ENOMEM;
	lm__scorer_clear(scorer);
	int bad = 0;
	const struct colmap *m = t->map, *mend = t->map + t->nmap;
	/* Locals: the calls below could otherwise make the compiler reload them. */
	const int32_t *ends = t->ends;
	const char *base = t->base;
	for (; m < mend; m++) {
		int32_t before = ends[(ptrdiff_t)m->col - 1], end = ends[m->col];
		/* A one-digit cell is what lm_scorer_set_text() would parse it as:
		 * the common case, taken without the text path. */
		if (end - before == 2) {
			unsigned d = (unsigned char)base[end - 1] - (unsigned)'0';
			if (d < 10 && lm__scorer_set_digit(scorer, m->item, d))
				continue; /* else the text path reports it */
		}
		const char *s = base + before + 1;
		size_t len = (size_t)(end - before - 1);
		int r;
		if (len == 0)
			continue; /* blank: left so by lm__scorer_clear(), as lm_scorer_set_text() would */
		else if (t->n_missing_tokens && is_missing_token(t, s, len))
			r = LM_OK; /* left blank by lm_scorer_clear() */
		else
			r = lm_scorer_set_text(scorer, m->item, s, len, NULL);
		if (r == LM_OK)
			continue;
		if (r != LM_EDATA)
			return r;
		bad = 1;
		if (report_cell(t, m, s, len, err) == LM_ENOMEM)
			return LM_ENOMEM;
	}
	if (bad || bad_text) {
		t->rows_rejected++;
		t->rejected_for[bad_text ? LM_REJECT_TEXT : LM_REJECT_VALUE]++;
		return LM_EDATA;
	}
	int r = lm__scorer_run(scorer);
	return r < 0 ? r : 1;
}

unsigned long lm_table_row(const lm_table *table)
{
	return table ? table->row : 0;
}

unsigned long lm_table_line(const lm_table *table)
{
	return table ? table->row_line : 0;
}

const char *lm_table_row_id(const lm_table *table, size_t *len)
{
	if (len)
		*len = 0;
	if (!table || !table->has_id || table->row == 0)
		return NULL;
	if (len)
		*len = table->id_len;
	return table->id;
}

const char *lm_table_id_column(const lm_table *table)
{
	return table ? table->id_name : NULL;
}

const char *lm_table_name(const lm_table *table)
{
	return table ? table->name : NULL;
}

unsigned long lm_table_rows_read(const lm_table *table)
{
	return table ? table->rows_read : 0;
}

unsigned long lm_table_rows_rejected(const lm_table *table)
{
	return table ? table->rows_rejected : 0;
}

unsigned long lm_table_rows_blank(const lm_table *table)
{
	return table ? table->rows_blank : 0;
}

const char *lm_table_column_value(const lm_table *table, size_t handle, size_t *len)
{
	size_t n = 0;
	const char *s = NULL;
	if (table && handle < table->n_extra && table->extra[handle].col != LM_NO_INDEX && table->state == TABLE_OPEN && table->row &&
	    table->extra[handle].col < table->nfields)
		s = field(table, table->extra[handle].col, &n);
	if (len)
		*len = s ? n : 0;
	return s;
}

int lm_table_is_qualtrics(const lm_table *table)
{
	return table && table->state != TABLE_CLOSED && table->qualtrics;
}

const char *lm_table_row_problem(const lm_table *table)
{
	return table && table->problem_len ? table->problem : NULL;
}

size_t lm_table_column_count(const lm_table *table)
{
	return table && table->state != TABLE_CLOSED ? table->ncols : 0;
}

const char *lm_table_column_name(const lm_table *table, size_t k)
{
	return table && table->header && k < table->ncols ? table->header[k] : NULL;
}

const char *lm_table_field(const lm_table *table, size_t k, size_t *len)
{
	size_t n = 0;
	const char *s = NULL;
	if (table && table->state != TABLE_CLOSED && table->row && k < table->nfields && k < table->fields_keep)
		s = field(table, k, &n);
	if (len)
		*len = s ? n : 0;
	return s;
}

/* Split one line of a mapping file into at most 3 fields (quotes allowed). */
static size_t split_line(char *line, char delim, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		char *out = p, *start = p;
		if (*p == '"') {
			p++;
			for (; *p; p++) {
				if (*p == '"' && p[1] == '"')
					*out++ = *p++;
				else if (*p == '"')
					break;
				else
					*out++ = *p;
			}
			if (*p == '"')
				p++;
			while (*p && *p != delim)
				p++;
		} else {
			while (*p && *p != delim)
				*out++ = *p++;
		}
		char *end = *p ? p + 1 : p;
		int more = *p == delim;
		*out = '\0';
		const char *s = start;
		size_t len = strlen(start);
		trim(&s, &len);
		memmove(start, s, len);
		start[len] = '\0';
		fields[n++] = start;
		if (!more)
			break;
		p = end;
	}
	return n;
}

int lm_table_read_map(lm_table *table, const char *path, lm_error *err)
{
	if (!table || !path || table->state != TABLE_CLOSED)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_table_read_map");
	FILE *f = fopen(path, "rb");
	if (!f)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	char line[4096];
	unsigned long n = 0;
	int status = LM_OK, header = 1;
	char delim = ',';
	while (fgets(line, sizeof(line), f)) {
		n++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			status = lm__error(err, LM_EDATA, path, n, 0, "line longer than %zu bytes", sizeof(line) - 2);
			int c;
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *p = line;
		if (n == 1 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		if (!*p)
			continue;
		if (header) {
			/* The delimiter is the header's: the first of , ; tab outside quotes. */
			int quoted = 0;
			delim = '\t';
			for (const char *q = p; *q; q++) {
				if (*q == '"')
					quoted = !quoted;
				else if (!quoted && (*q == ',' || *q == ';' || *q == '\t')) {
					delim = *q;
					break;
				}
			}
		}
		char *fields[3];
		size_t nf = split_line(p, delim, fields, 3);
		if (header) {
			header = 0;
			if (nf != 2 || strcmp(fields[0], "item") != 0 || strcmp(fields[1], "column") != 0) {
				status = lm__error(err, LM_EDATA, path, n, 0,
						   "a mapping file starts with the header \"item,column\"");
				break;
			}
			continue;
		}
		if (nf != 2 || !*fields[0] || !*fields[1]) {
			status = lm__error(err, LM_EDATA, path, n, 0, "expected ITEM,COLUMN");
			continue;
		}
		lm_error *one = NULL;
		int rc = lm_error_new(&one);
		if (rc == LM_OK)
			rc = lm_table_map_column(table, fields[0], fields[1], one);
		if (rc == LM_ENOMEM) {
			lm_error_free(one);
			status = LM_ENOMEM;
			break;
		}
		if (rc != LM_OK) {
			/* The same problem, with the place it was found. */
			status = lm__error(err, rc == LM_ENOTFOUND ? LM_EDATA : rc, path, n, 0, "%s",
					   lm_error_message(one, 0) ? lm_error_message(one, 0) : lm_strerror(rc));
		}
		lm_error_free(one);
	}
	if (ferror(f))
		status = lm__error(err, LM_EIO, path, n, 0, "cannot read: %s", strerror(errno));
	else if (header && status == LM_OK)
		status = lm__error(err, LM_EDATA, path, 0, 0, "empty mapping file");
	fclose(f);
	return status;
}

unsigned long lm_table_rows_rejected_for(const lm_table *table, int reason)
{
	return table && reason >= 0 && reason <= LM_REJECT_TEXT ? table->rejected_for[reason] : 0;
}

/*
 * Copy the reading options of @p src (delimiter, prefix, column mappings,
 * missing tokens, value labels) to @p dst, both unopened tables of the same instrument.
 * Not the id column, which the caller sets.
 */
int lm__table_copy_options(lm_table *dst, const lm_table *src)
{
	if (!dst || !src || dst->inst != src->inst || dst->state != TABLE_CLOSED)
		return LM_EINVAL;
	dst->delim = src->delim;
	dst->value_labels = src->value_labels;
	int rc = lm_table_set_prefix(dst, src->prefix);
	for (size_t i = 0; rc == LM_OK && src->column_for && i < src->inst->n_items; i++)
		if (src->column_for[i])
			rc = lm_table_map_column(dst, src->inst->items[i].id, src->column_for[i], NULL);
	for (size_t k = 0; rc == LM_OK && k < src->n_missing_tokens; k++)
		rc = lm_table_add_missing(dst, src->missing_tokens[k]);
	return rc;
}
