/*
 * libra_measures — SPSS (.sav, .zsav, .por) and Stata (.dta) files through
 * ReadStat's callback API, turned into CSV text in memory so that the table
 * reader's one parser (mapping, missing tokens, diagnostics) serves them too.
 *
 * Value labels are read in a first pass when they are wanted: Stata keeps
 * them after the data, so they are not known while the values go by.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readstat.h>

#include "internal.h"
#include "readstat-priv.h"

struct label {
	int is_string;
	double num;
	char *str;  /* the key of a string variable's label */
	char *text;
};

struct label_set {
	char *name;
	struct label *v;
	size_t n, cap;
};

struct var {
	char *name;
	size_t set; /* index into sets, or LM_NO_INDEX */
};

struct conv {
	int labels;
	const double *keep;
	size_t n_keep;

	struct label_set *sets;
	size_t n_sets, cap_sets;

	struct var *vars;
	size_t n_vars, cap_vars;

	char *out;
	size_t len, cap;
	int header_done;
	long obs;        /* the case being written, or -1 */
	size_t col;      /* fields written of it */
	size_t row_start;

	int status;        /* LM_OK, or what stopped the parse */
	char message[256]; /* ReadStat's first error message */
};

/* An SPSS or Stata file is read whole, as CSV text: at most this much of it
 * (LM_ELIMIT beyond; a CSV export is streamed instead). */
#define LM_READSTAT_TEXT_MAX ((size_t)1 << 30)

static int grow(struct conv *c, size_t more)
{
	if (c->len + more + 1 <= c->cap)
		return 0;
	if (c->len + more + 1 > LM_READSTAT_TEXT_MAX) {
		if (c->status == LM_OK)
			c->status = LM_ELIMIT;
		return -1;
	}
	size_t cap = c->cap ? c->cap : 4096;
	while (cap < c->len + more + 1) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	char *p = realloc(c->out, cap);
	if (!p)
		return -1;
	c->out = p;
	c->cap = cap;
	return 0;
}

static int put(struct conv *c, const char *s, size_t n)
{
	if (grow(c, n) != 0)
		return -1;
	memcpy(c->out + c->len, s, n);
	c->len += n;
	c->out[c->len] = '\0';
	return 0;
}

/* A field, quoted when it holds the delimiter, a quote, CR or LF. */
static int put_field(struct conv *c, const char *s, size_t n)
{
	size_t quotes = 0;
	int must = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		quotes += ch == '"';
		must |= ch == ',' || ch == '"' || ch == '\r' || ch == '\n';
	}
	if (!must)
		return put(c, s, n);
	if (grow(c, n + quotes + 2) != 0)
		return -1;
	char *o = c->out + c->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*o++ = '"';
		*o++ = s[i];
	}
	*o++ = '"';
	c->len = (size_t)(o - c->out);
	c->out[c->len] = '\0';
	return 0;
}

static int fail(struct conv *c, int status)
{
	if (c->status == LM_OK)
		c->status = status;
	return READSTAT_HANDLER_ABORT;
}

/* A float as the shortest decimal that reads back as it: 0.1f is 0.1, not 0.100000001490116. */
static double float_value(float f)
{
	double d = f;
	if (!isfinite(d) || d == 0 || d == floor(d))
		return d;
	double e = floor(log10(fabs(d)));
	for (int digits = 1; digits <= 9; digits++) {
		double scale = pow(10, (double)digits - 1 - e);
		double r = round(d * scale) / scale;
		if ((float)r == f)
			return r;
	}
	return d;
}

static double numeric_value(readstat_value_t value)
{
	switch (readstat_value_type(value)) {
	case READSTAT_TYPE_INT8:
		return readstat_int8_value(value);
	case READSTAT_TYPE_INT16:
		return readstat_int16_value(value);
	case READSTAT_TYPE_INT32:
		return readstat_int32_value(value);
	case READSTAT_TYPE_FLOAT:
		return float_value(readstat_float_value(value));
	default:
		return readstat_double_value(value);
	}
}

static int is_string(readstat_value_t value)
{
	return readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING;
}

/* ---- pass 1: value labels ---------------------------------------------- */

static size_t find_set(const struct conv *c, const char *name)
{
	for (size_t k = 0; name && k < c->n_sets; k++)
		if (strcmp(c->sets[k].name, name) == 0)
			return k;
	return LM_NO_INDEX;
}

/* The array @p v of *cap elements of @p size, all in use, reallocated with
 * room for more (the capacity doubles, from 8); NULL when out of memory (v
 * and *cap unchanged). */
static void *grow_array(void *v, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 8;
	void *p = realloc(v, n * size);
	if (p)
		*cap = n;
	return p;
}

static int on_value_label(const char *set_name, readstat_value_t value, const char *label, void *ctx)
{
	struct conv *c = ctx;
	if (!set_name || !label || readstat_value_is_system_missing(value) || readstat_value_is_tagged_missing(value))
		return READSTAT_HANDLER_OK; /* missing values are blank whatever their label */
	size_t k = find_set(c, set_name);
	if (k == LM_NO_INDEX) {
		if (c->n_sets == c->cap_sets) {
			struct label_set *p = grow_array(c->sets, &c->cap_sets, sizeof(*p));
			if (!p)
				return fail(c, LM_ENOMEM);
			c->sets = p;
		}
		k = c->n_sets;
		memset(&c->sets[k], 0, sizeof(c->sets[k]));
		if (!(c->sets[k].name = lm__strdup(set_name)))
			return fail(c, LM_ENOMEM);
		c->n_sets++;
	}
	struct label_set *s = &c->sets[k];
	if (s->n == s->cap) {
		struct label *p = grow_array(s->v, &s->cap, sizeof(*p));
		if (!p)
			return fail(c, LM_ENOMEM);
		s->v = p;
	}
	struct label *l = &s->v[s->n];
	memset(l, 0, sizeof(*l));
	l->is_string = is_string(value);
	if (l->is_string) {
		const char *key = readstat_string_value(value);
		if (!(l->str = lm__strdup(key ? key : "")))
			return fail(c, LM_ENOMEM);
	} else {
		l->num = numeric_value(value);
	}
	if (!(l->text = lm__strdup(label))) {
		free(l->str);
		return fail(c, LM_ENOMEM);
	}
	s->n++;
	return READSTAT_HANDLER_OK;
}

static const char *find_label(const struct conv *c, size_t set, int string, double num, const char *str)
{
	if (set == LM_NO_INDEX)
		return NULL;
	const struct label_set *s = &c->sets[set];
	for (size_t i = 0; i < s->n; i++) {
		const struct label *l = &s->v[i];
		if (l->is_string != string)
			continue;
		if (string ? strcmp(l->str, str) == 0 : l->num == num)
			return l->text;
	}
	return NULL;
}

/* ---- pass 2: variables and values -------------------------------------- */

static int on_variable(int index, readstat_variable_t *variable, const char *val_labels, void *ctx)
{
	struct conv *c = ctx;
	if (index < 0)
		return fail(c, LM_EDATA);
	size_t k = (size_t)index;
	if (k >= c->cap_vars) {
		size_t cap = c->cap_vars ? c->cap_vars : 16;
		while (cap <= k)
			cap *= 2;
		struct var *p = realloc(c->vars, cap * sizeof(*p));
		if (!p)
			return fail(c, LM_ENOMEM);
		memset(p + c->cap_vars, 0, (cap - c->cap_vars) * sizeof(*p));
		c->vars = p;
		c->cap_vars = cap;
	}
	const char *name = readstat_variable_get_name(variable);
	free(c->vars[k].name);
	if (!(c->vars[k].name = lm__strdup(name ? name : "")))
		return fail(c, LM_ENOMEM);
	c->vars[k].set = c->labels ? find_set(c, val_labels) : LM_NO_INDEX;
	if (k + 1 > c->n_vars)
		c->n_vars = k + 1;
	return READSTAT_HANDLER_OK;
}

static int write_header(struct conv *c)
{
	c->header_done = 1;
	for (size_t k = 0; k < c->n_vars; k++) {
		const char *name = c->vars[k].name ? c->vars[k].name : "";
		if ((k && put(c, ",", 1) != 0) || put_field(c, name, strlen(name)) != 0)
			return -1;
	}
	return put(c, "\n", 1);
}

/* Finish the current case: empty fields for the variables not seen. */
static int end_case(struct conv *c)
{
	for (; c->col < c->n_vars; c->col++)
		if (c->col && put(c, ",", 1) != 0)
			return -1;
	/* One variable and a blank value: an empty line is not a row to the reader. */
	if (c->len == c->row_start && put(c, "\"\"", 2) != 0)
		return -1;
	return put(c, "\n", 1);
}

static int is_kept(const struct conv *c, double v)
{
	for (size_t k = 0; k < c->n_keep; k++)
		if (c->keep[k] == v)
			return 1;
	return 0;
}

static int write_value(struct conv *c, const struct var *v, readstat_variable_t *variable, readstat_value_t value)
{
	if (readstat_value_is_system_missing(value) || readstat_value_is_tagged_missing(value))
		return 0;
	if (is_string(value)) {
		const char *s = readstat_string_value(value);
		if (!s || readstat_value_is_defined_missing(value, variable))
			return 0;
		const char *label = c->labels ? find_label(c, v->set, 1, 0, s) : NULL;
		if (label)
			s = label;
		return put_field(c, s, strlen(s));
	}
	double d = numeric_value(value);
	if (readstat_value_is_defined_missing(value, variable) && !is_kept(c, d))
		return 0;
	if (isnan(d))
		return 0;
	if (isinf(d))
		return put(c, d < 0 ? "-inf" : "inf", d < 0 ? 4 : 3);
	/* A missing code kept is written as its number, whatever its label. */
	const char *label = c->labels && !is_kept(c, d) ? find_label(c, v->set, 0, d, NULL) : NULL;
	if (label)
		return put_field(c, label, strlen(label));
	char num[32];
	size_t n = lm_format_number(num, sizeof(num), d);
	return put(c, num, n);
}

static int on_value(int obs_index, readstat_variable_t *variable, readstat_value_t value, void *ctx)
{
	struct conv *c = ctx;
	if (!c->header_done && write_header(c) != 0)
		return fail(c, LM_ENOMEM);
	if (obs_index != c->obs) {
		if (c->obs >= 0 && end_case(c) != 0)
			return fail(c, LM_ENOMEM);
		c->obs = obs_index;
		c->col = 0;
		c->row_start = c->len;
	}
	int index = readstat_variable_get_index(variable);
	if (index < 0 || (size_t)index >= c->n_vars || (size_t)index < c->col) {
		snprintf(c->message, sizeof(c->message), "case %d: values out of order", obs_index + 1);
		return fail(c, LM_EDATA);
	}
	size_t j = (size_t)index;
	for (; c->col < j; c->col++)
		if (c->col && put(c, ",", 1) != 0)
			return fail(c, LM_ENOMEM);
	if ((j && put(c, ",", 1) != 0) || write_value(c, &c->vars[j], variable, value) != 0)
		return fail(c, LM_ENOMEM);
	c->col = j + 1;
	return READSTAT_HANDLER_OK;
}

static void on_error(const char *message, void *ctx)
{
	struct conv *c = ctx;
	if (c->message[0] || !message)
		return;
	snprintf(c->message, sizeof(c->message), "%s", message);
	size_t n = strlen(c->message);
	while (n && (c->message[n - 1] == '\n' || c->message[n - 1] == '\r' || c->message[n - 1] == ' '))
		c->message[--n] = '\0';
}

/* ---- the conversion ------------------------------------------------------ */

static readstat_error_t parse(readstat_parser_t *parser, int format, const char *path, struct conv *c)
{
	switch (format) {
	case LM_STATS_SAV:
		return readstat_parse_sav(parser, path, c);
	case LM_STATS_POR:
		return readstat_parse_por(parser, path, c);
	default:
		return readstat_parse_dta(parser, path, c);
	}
}

static const char *format_name(int format)
{
	switch (format) {
	case LM_STATS_SAV:
		return "an SPSS system file";
	case LM_STATS_POR:
		return "an SPSS portable file";
	default:
		return "a Stata file";
	}
}

/* The first bytes of a file of @p format: "$FL2" or "$FL3" (.sav, .zsav);
 * "<stata_dta>" (Stata 13 and later) or a release number 102 to 115 then a
 * byte order 1 or 2 (earlier); a portable file's first 200 bytes are free text. */
static int starts_right(int format, const unsigned char *s, size_t n)
{
	switch (format) {
	case LM_STATS_SAV:
		return n >= 4 && (memcmp(s, "$FL2", 4) == 0 || memcmp(s, "$FL3", 4) == 0);
	case LM_STATS_DTA:
		return (n >= 11 && memcmp(s, "<stata_dta>", 11) == 0) ||
		       (n >= 2 && s[0] >= 102 && s[0] <= 115 && (s[1] == 1 || s[1] == 2));
	default:
		return 1;
	}
}

static void conv_free(struct conv *c)
{
	for (size_t k = 0; k < c->n_sets; k++) {
		for (size_t i = 0; i < c->sets[k].n; i++) {
			free(c->sets[k].v[i].str);
			free(c->sets[k].v[i].text);
		}
		free(c->sets[k].v);
		free(c->sets[k].name);
	}
	free(c->sets);
	for (size_t k = 0; k < c->cap_vars; k++)
		free(c->vars[k].name);
	free(c->vars);
	free(c->out);
}

int lm__readstat_to_csv(const char *path, int format, int labels, const double *keep, size_t n_keep, char **out,
			size_t *len, lm_error *err)
{
	*out = NULL;
	*len = 0;
	/* ReadStat says only "Unable to open file"; the system says why. */
	int fd;
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	/* ReadStat says "Unable to read from file" of a short text file: say what is wrong. */
	unsigned char head[11];
	ssize_t got;
	do
		got = read(fd, head, sizeof(head));
	while (got < 0 && errno == EINTR);
	int saved = errno;
	close(fd);
	if (got < 0)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot read: %s", strerror(saved));
	if (!starts_right(format, head, (size_t)got))
		return lm__error(err, LM_EDATA, path, 0, 0, "cannot read as %s: it does not start as one does",
				 format_name(format));

	struct conv c = {.labels = labels, .keep = keep, .n_keep = n_keep, .obs = -1};
	readstat_parser_t *parser = readstat_parser_init();
	if (!parser)
		return LM_ENOMEM;
	readstat_set_error_handler(parser, on_error);
	readstat_error_t rs = READSTAT_OK;
	if (labels) {
		readstat_set_value_label_handler(parser, on_value_label);
		rs = parse(parser, format, path, &c);
		readstat_set_value_label_handler(parser, NULL);
	}
	if (rs == READSTAT_OK) {
		readstat_set_variable_handler(parser, on_variable);
		readstat_set_value_handler(parser, on_value);
		rs = parse(parser, format, path, &c);
	}
	readstat_parser_free(parser);

	int status = c.status;
	if (rs == READSTAT_OK && status == LM_OK) {
		if ((!c.header_done && write_header(&c) != 0) || (c.obs >= 0 && end_case(&c) != 0))
			status = LM_ENOMEM;
	} else if (status == LM_OK) {
		switch (rs) {
		case READSTAT_ERROR_MALLOC:
			status = LM_ENOMEM;
			break;
		case READSTAT_ERROR_OPEN:
			status = LM_EIO;
			break;
		default:
			/* Reading past the end of a file that opened means it is cut short. */
			status = LM_EDATA;
			break;
		}
	}
	if (status == LM_ELIMIT)
		lm__error(err, status, path, 0, 0,
			  "its values come to more than 1 GiB as text, the limit for %s files (export it as CSV, which is "
			  "read as a stream)",
			  format_name(format));
	if (status == LM_EIO || status == LM_EDATA) {
		const char *why = c.message[0] ? c.message : readstat_error_message(rs);
		lm__error(err, status, path, 0, 0, "cannot read as %s: %s", format_name(format), why);
	}
	if (status != LM_OK) {
		conv_free(&c);
		return status;
	}
	*out = c.out;
	*len = c.len;
	c.out = NULL;
	conv_free(&c);
	return LM_OK;
}
