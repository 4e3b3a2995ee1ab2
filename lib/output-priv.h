/*
 * libra_measures — private output sink shared by the writers (writer.c,
 * prepost.c): buffered, atomic (a temporary file renamed into place, or a
 * spool copied to a descriptor on commit), with JSON and CSV quoting and
 * locale-independent numbers. Errors are sticky: check once at commit.
 */
#ifndef LM_OUTPUT_PRIV_H
#define LM_OUTPUT_PRIV_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "libra_measures/error.h"

#define LM_OUT_BUFSIZE (256 * 1024)

struct lm_out {
	char *path;     /* the target; NULL when writing to a descriptor */
	char *tmp_path; /* the temporary file beside it, while it exists */
	int fd;         /* the temporary or spool file */
	FILE *spool;    /* the tmpfile() behind fd, descriptor mode */
	int out_fd;     /* descriptor mode: where commit copies to */
	int own_out_fd; /* out_fd was opened here (a device or FIFO target) and is closed here */
	char *buf;
	size_t len;
	int write_errno; /* first write error: sticky, reported by commit */
	int done;        /* committed or failed: nothing more is written */
};

/* Flush the buffer, then append (or write directly what is larger). */
void lm__out_put_slow(struct lm_out *o, const char *s, size_t n);

/* Inlined so that short constant pieces become plain stores. */
static inline void lm__out_put_inline(struct lm_out *o, const char *s, size_t n)
{
	if (n > LM_OUT_BUFSIZE - o->len) {
		lm__out_put_slow(o, s, n);
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/*
 * Room for @p n bytes (at most LM_OUT_BUFSIZE) at the end of the buffer,
 * flushing first when there is not: write at the returned pointer, then
 * lm__out_commit_room() with the end of what was written.
 */
void lm__out_flush_for_room(struct lm_out *o);
static inline char *lm__out_room(struct lm_out *o, size_t n)
{
	if (n > LM_OUT_BUFSIZE - o->len)
		lm__out_flush_for_room(o);
	return o->buf + o->len;
}
static inline void lm__out_commit_room(struct lm_out *o, const char *end)
{
	o->len = (size_t)(end - o->buf);
}

/* Decimal digits of @p v at @p p; returns the end. At most 20 bytes. */
static inline char *lm__put_count(char *p, unsigned long long v)
{
	static const char two[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				     "8081828384858687888990919293949596979899";
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	if (v < 100) {
		memcpy(p, two + 2 * v, 2);
		return p + 2;
	}
	char tmp[20];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(p, tmp + sizeof(tmp) - n, n);
	return p + n;
}

/* A finite number as lm_format_number() writes it, at @p p; returns the end.
 * At most LM_OUT_NUMBER_MAX bytes. */
#define LM_OUT_NUMBER_MAX 32
char *lm__put_number(char *p, double v);

static inline void lm__out_str_inline(struct lm_out *o, const char *s)
{
	lm__out_put_inline(o, s, strlen(s));
}

/* Output to PATH through a temporary file beside it. */
int lm__out_open_file(struct lm_out **out, const char *path, lm_error *err);
/* Output to FD (not closed) through an anonymous spool file. */
int lm__out_open_fd(struct lm_out **out, int fd, lm_error *err);

void lm__out_put(struct lm_out *o, const char *s, size_t n);
void lm__out_str(struct lm_out *o, const char *s);
/* A finite number as lm_format_number() writes it; NaN and infinities as `null`. */
void lm__out_number(struct lm_out *o, double v);
void lm__out_count(struct lm_out *o, unsigned long long v);
/* A JSON string literal (with quotes); NULL writes null. */
void lm__out_json_string(struct lm_out *o, const char *s, size_t n);
/* The length of the start of @p s that holds no delimiter, quote, CR or LF
 * (@p n when a CSV field of @p s needs no quotes). */
size_t lm__csv_plain(const char *s, size_t n, char delimiter);
/* A CSV field, quoted when it holds the delimiter, a quote, CR or LF. */
void lm__out_csv_field(struct lm_out *o, const char *s, size_t n, char delimiter);
/* The same for text that came from the input, neutralised against spreadsheet formulas. */
void lm__out_csv_text(struct lm_out *o, const char *s, size_t n, char delimiter);

/* Flush and put the output in place. LM_OK or LM_EIO (nothing left at the target then). */
int lm__out_commit(struct lm_out *o, lm_error *err);
/* Free; output not committed is discarded. Accepts NULL. */
void lm__out_free(struct lm_out *o);

#endif
