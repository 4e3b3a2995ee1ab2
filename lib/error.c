/*
 * libra_measures — diagnostics lists and status-code texts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "text-priv.h"

#define LM_ERROR_CAPACITY 100

struct diag {
	int code;
	unsigned long line, col;
	char *file;    /* NULL when the problem has no file */
	char *message;
	char *text;    /* "FILE:LINE:COL: message" */
	int lost;      /* the strings are the static LOST text, not owned */
};

/* What stands in for a diagnostic that could not be kept for want of memory:
 * a problem is never dropped without a trace. */
static char LOST[] = "out of memory: a diagnostic could not be kept";

struct lm_error {
	size_t count, total;
	struct diag d[LM_ERROR_CAPACITY];
};

const char *lm_strerror(int code)
{
	switch (code) {
	case LM_OK: return "success";
	case LM_ERROR: return "error";
	case LM_ENOMEM: return "out of memory";
	case LM_EINVAL: return "invalid argument";
	case LM_EIO: return "input/output error";
	case LM_ESYNTAX: return "not well-formed YAML";
	case LM_EDEFINITION: return "invalid instrument definition";
	case LM_ENOTFOUND: return "not found";
	case LM_EDATA: return "invalid data";
	case LM_ELIMIT: return "size limit exceeded";
	default: return "unknown status code";
	}
}

int lm_error_new(lm_error **out)
{
	if (!out)
		return LM_EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? LM_OK : LM_ENOMEM;
}

void lm_error_clear(lm_error *err)
{
	if (!err)
		return;
	for (size_t i = 0; i < err->count; i++) {
		if (err->d[i].lost)
			continue;
		free(err->d[i].file);
		free(err->d[i].message);
		free(err->d[i].text);
	}
	err->count = 0;
	err->total = 0;
}

void lm_error_free(lm_error *err)
{
	lm_error_clear(err);
	free(err);
}

size_t lm_error_count(const lm_error *err) { return err ? err->count : 0; }
size_t lm_error_total(const lm_error *err) { return err ? err->total : 0; }
size_t lm_error_capacity(void) { return LM_ERROR_CAPACITY; }

static const struct diag *get(const lm_error *err, size_t i)
{
	return err && i < err->count ? &err->d[i] : NULL;
}

int lm_error_code(const lm_error *err, size_t i)
{
	const struct diag *d = get(err, i);
	return d ? d->code : LM_EINVAL;
}

const char *lm_error_message(const lm_error *err, size_t i)
{
	const struct diag *d = get(err, i);
	return d ? d->message : NULL;
}

const char *lm_error_file(const lm_error *err, size_t i)
{
	const struct diag *d = get(err, i);
	return d ? d->file : NULL;
}

unsigned long lm_error_line(const lm_error *err, size_t i)
{
	const struct diag *d = get(err, i);
	return d ? d->line : 0;
}

unsigned long lm_error_column(const lm_error *err, size_t i)
{
	const struct diag *d = get(err, i);
	return d ? d->col : 0;
}

const char *lm_error_text(const lm_error *err, size_t i)
{
	const struct diag *d = get(err, i);
	return d ? d->text : NULL;
}

static char *vformat(const char *fmt, va_list ap) LM_PRINTF(1, 0);
static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *format(const char *fmt, ...) LM_PRINTF(1, 2);
static char *format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

int lm__verror(lm_error *err, int code, const char *file, unsigned long line, unsigned long col, const char *fmt,
	       va_list ap)
{
	if (!err)
		return code;
	err->total++;
	if (err->count == LM_ERROR_CAPACITY)
		return code;
	struct diag *d = &err->d[err->count];
	d->code = code;
	d->line = line;
	d->col = col;
	d->message = vformat(fmt, ap);
	d->file = file ? lm__strdup(file) : NULL;
	/* Messages quote what they were given — data values, ids, column and
	 * file names — and end up on terminals: control characters and bytes
	 * that are not UTF-8 are shown escaped (\x1B, \u009B), never sent as
	 * they are. lm_error_file() keeps the name as given, to open it. */
	int nomem = 0;
	char *escaped = d->message ? lm__text_escape(d->message, &nomem) : NULL;
	if (escaped) {
		free(d->message);
		d->message = escaped;
	}
	char *shown_file = file ? lm__text_escape(file, &nomem) : NULL;
	const char *name = shown_file ? shown_file : file;
	if (!file)
		d->text = lm__strdup(d->message ? d->message : "");
	else if (line && col)
		d->text = format("%s:%lu:%lu: %s", name, line, col, d->message ? d->message : "");
	else if (line)
		d->text = format("%s:%lu: %s", name, line, d->message ? d->message : "");
	else
		d->text = format("%s: %s", name, d->message ? d->message : "");
	free(shown_file);
	if (!d->message || !d->text || (file && !d->file) || nomem) {
		/* Out of memory while reporting: the entry says so instead. */
		free(d->message);
		free(d->file);
		free(d->text);
		*d = (struct diag){.code = LM_ENOMEM, .message = LOST, .text = LOST, .lost = 1};
	}
	err->count++;
	return code;
}

int lm__error(lm_error *err, int code, const char *file, unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lm__verror(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

void lm__error_move(lm_error *dst, lm_error *src)
{
	if (!dst || !src || dst == src)
		return;
	for (size_t i = 0; i < src->count; i++) {
		if (dst->count < LM_ERROR_CAPACITY) {
			dst->d[dst->count++] = src->d[i];
		} else if (!src->d[i].lost) {
			free(src->d[i].file);
			free(src->d[i].message);
			free(src->d[i].text);
		}
	}
	dst->total += src->total;
	src->count = 0;
	src->total = 0;
}

int lm__error_extend(lm_error *err, size_t i, const char *suffix)
{
	if (!err || i >= err->count || err->d[i].lost)
		return LM_OK;
	struct diag *d = &err->d[i];
	size_t n = strlen(suffix), ml = strlen(d->message), tl = strlen(d->text);
	char *m = realloc(d->message, ml + n + 1);
	if (!m)
		return LM_ENOMEM;
	d->message = m;
	memcpy(m + ml, suffix, n + 1);
	char *t = realloc(d->text, tl + n + 1);
	if (!t)
		return LM_ENOMEM;
	d->text = t;
	memcpy(t + tl, suffix, n + 1);
	return LM_OK;
}

char *lm__strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *lm__strdup(const char *s)
{
	return s ? lm__strndup(s, strlen(s)) : NULL;
}
