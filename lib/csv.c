/*
 * libra_measures — the CSV lexer: a streaming RFC 4180 reader in constant
 * memory, and the delimiter found from the header line.
 *
 * Records are parsed from a fixed read buffer (or, for lm_table_open_buffer,
 * straight from the caller's memory). A record that lies wholly in the buffer
 * and holds no quote is split in place without copying (the fast path); any
 * other record is unescaped into a record buffer that grows to the longest
 * record, up to LM_TABLE_RECORD_MAX.
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "csv-priv.h"
#ifdef LM_HAVE_XLSX
#include "xlsx-priv.h"
#endif

/* ---- input ------------------------------------------------------------ */

/* Read more input after the unread bytes, moving them to the front of the
 * read buffer first. Returns the number of bytes added (0 at end of input)
 * or LM_EIO. */
long lm__csv_refill(lm_table *t, lm_error *err)
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
#ifdef LM_HAVE_XLSX
	if (t->xlsx) {
		long n = lm__xlsx_read(t->xlsx, rb + keep, LM_TABLE_READ_SIZE - keep, err);
		if (n > 0)
			t->end = keep + (size_t)n;
		else if (n == 0)
			t->eof = 1;
		return n == LM_EDATA ? LM_EIO : n; /* LM_EDATA means an unclosed quote to the lexer */
	}
#endif
	for (;;) {
		ssize_t n = read(t->fd, rb + keep, LM_TABLE_READ_SIZE - keep);
		if (n > 0) {
			t->end = keep + (size_t)n;
			t->bytes_in += (unsigned long long)n;
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

int lm__csv_grow_fields(lm_table *t)
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

/* The number of bits set in each byte. */
#define LM_B2(n) n, n + 1, n + 1, n + 2
#define LM_B4(n) LM_B2(n), LM_B2(n + 1), LM_B2(n + 1), LM_B2(n + 2)
#define LM_B6(n) LM_B4(n), LM_B4(n + 1), LM_B4(n + 1), LM_B4(n + 2)
static const unsigned char bits_in_byte[256] = {LM_B6(0), LM_B6(1), LM_B6(1), LM_B6(2)};
#undef LM_B2
#undef LM_B4
#undef LM_B6

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
		/* popcount without the libgcc call that __builtin_popcount is without -mpopcnt:
		 * by bytes from a table, fewer instructions than bit arithmetic */
		unsigned cnt = (unsigned)bits_in_byte[m & 0xFFu] + bits_in_byte[(m >> 8) & 0xFFu];
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
			long n = lm__csv_refill(t, err);
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
int lm__csv_read_record(lm_table *t, lm_error *err)
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
			long n = lm__csv_refill(t, err);
			if (n < 0)
				return (int)n;
			if (n == 0 && !t->chunk_more)
				return 0;
			if (n == 0)
				break; /* a part of the input that more follows (pipeline.c) */
		}
		const char *s = t->buf + t->pos;
		if (*s == '\n') {
			t->pos++;
		} else if (*s == '\r') {
			if (t->end - t->pos < 2 && !t->mem_mode && !t->eof) {
				long n = lm__csv_refill(t, err);
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

/*
 * The delimiter, from the header line: the one of ',', ';' and tab that occurs
 * outside quotes. None of them means a one-column file (','); more than one
 * cannot be told apart and is refused, asking for --delimiter.
 */
int lm__csv_detect_delimiter(lm_table *t, lm_error *err)
{
	static const char candidates[] = {',', ';', '\t'};
	/* Have the first two lines in the buffer, as far as it holds them. */
	for (;;) {
		const char *p = t->buf + t->pos, *e = t->buf + t->end, *nl = memchr(p, '\n', (size_t)(e - p));
		if ((nl && memchr(nl + 1, '\n', (size_t)(e - nl - 1))) || t->mem_mode || t->eof ||
		    t->end - t->pos == LM_TABLE_READ_SIZE)
			break;
		long n = lm__csv_refill(t, err);
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
