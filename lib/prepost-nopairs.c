/*
 * libra_measures — the error of a pre/post run that pairs nobody. Zero pairs
 * is not a result (issue 14): the run fails, and the message says what was
 * compared, so that a mistyped wave value or a wrong id column shows.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "prepost-nopairs-priv.h"

void lm__other_values_note(struct lm_other_values *o, const char *v, size_t len)
{
	size_t keep = len < LM_QUOTE_LEN ? len : LM_QUOTE_LEN;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].len == len && memcmp(o->v[i].text, v, keep) == 0) {
			o->v[i].rows++;
			return;
		}
	if (o->n == LM_OTHER_VALUES) {
		o->more = 1;
		return;
	}
	memcpy(o->v[o->n].text, v, keep);
	o->v[o->n].text[keep] = '\0';
	o->v[o->n].len = len;
	o->v[o->n++].rows = 1;
}

/* A message built piece by piece, cut short (never overrun) when too long. */
struct msg {
	char b[2048];
	size_t n;
};

static void msg_add(struct msg *m, const char *fmt, ...) LM_PRINTF(2, 3);
static void msg_add(struct msg *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(m->b + m->n, sizeof(m->b) - m->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		m->n += (size_t)k < sizeof(m->b) - m->n ? (size_t)k : sizeof(m->b) - m->n - 1;
}

/* Text from the data, quoted: at most LM_QUOTE_LEN bytes (then "..."), control
 * characters and quotes escaped, so that a message shows what was compared. */
static void msg_quote(struct msg *m, const char *s, size_t len)
{
	msg_add(m, "\"");
	for (size_t i = 0; i < len && i < LM_QUOTE_LEN; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			msg_add(m, "\\x%02x", c);
		else if (c == '"' || c == '\\')
			msg_add(m, "\\%c", c);
		else
			msg_add(m, "%c", c);
	}
	msg_add(m, len > LM_QUOTE_LEN ? "...\"" : "\"");
}

/* "the pre wave (\"1\" in column \"time\")" or "pre.csv". */
static void msg_wave(struct msg *m, const struct lm_nopairs_wave *w, const struct lm_nopairs_long *lf, int k)
{
	if (lf) {
		msg_add(m, "the %s wave (", k ? "post" : "pre");
		msg_quote(m, lf->values[k], strlen(lf->values[k]));
		msg_add(m, " in column ");
		msg_quote(m, lf->column, strlen(lf->column));
		msg_add(m, ")");
	} else {
		msg_add(m, "%s", w[k].name);
	}
}

/* The first ids of a wave, and how many it has. */
static void msg_ids(struct msg *m, const struct lm_nopairs_wave *w)
{
	for (size_t r = 0; r < w->n && r < 3; r++) {
		msg_add(m, r ? ", " : "");
		msg_quote(m, w->first[r], strlen(w->first[r]));
	}
	msg_add(m, "%s (%zu row%s with an id)", w->n > 3 ? ", ..." : "", w->n, w->n == 1 ? "" : "s");
}

/*
 * The cases, in order: both waves have ids, none in common (their first
 * ids); the long form with a wave value no row has, or a mistyped one (the
 * values the column does have); a wave without any row with an id.
 */
int lm__no_pairs_error(lm_error *err, const struct lm_nopairs_wave w[2], const struct lm_nopairs_long *lf)
{
	struct msg m = {.n = 0};
	msg_add(&m, "nobody is paired: ");
	if (w[0].n && w[1].n) {
		msg_add(&m, "no id of ");
		msg_wave(&m, w, lf, 0);
		msg_add(&m, " is an id of ");
		msg_wave(&m, w, lf, 1);
		msg_add(&m, "; the first ids of the pre wave are ");
		msg_ids(&m, &w[0]);
		msg_add(&m, ", of the post wave ");
		msg_ids(&m, &w[1]);
		if (w[0].id_column)
			msg_add(&m, "; ids are compared as text, exactly as written in column \"%s\"",
				w[0].id_column);
		if (w[0].dup_rows + w[1].dup_rows)
			msg_add(&m, "; %lu rows whose id occurs more than once in a wave were left unpaired",
				w[0].dup_rows + w[1].dup_rows);
	} else if (lf && (!w[0].rows || !w[1].rows)) {
		/* A wave value that no row has: mistyped, or the wrong column. */
		int k = w[0].rows ? 1 : 0, both = !w[0].rows && !w[1].rows;
		msg_add(&m, "no row has the %s value ", both ? "pre" : k ? "post" : "pre");
		msg_quote(&m, lf->values[k], strlen(lf->values[k]));
		if (both) {
			msg_add(&m, " or the post value ");
			msg_quote(&m, lf->values[1], strlen(lf->values[1]));
		}
		msg_add(&m, " in column ");
		msg_quote(&m, lf->column, strlen(lf->column));
		const struct lm_other_values *o = lf->other;
		if (!o->n && both) {
			msg_add(&m, "; the file has no data rows");
		} else {
			msg_add(&m, "; ");
			if (!both) {
				msg_add(&m, "besides the %s value ", k ? "pre" : "post");
				msg_quote(&m, lf->values[!k], strlen(lf->values[!k]));
				msg_add(&m, " (%lu row%s), ", w[!k].rows, w[!k].rows == 1 ? "" : "s");
			}
			msg_add(&m, o->n ? "the column has " : "the column has no other value");
			for (size_t i = 0; i < o->n; i++) {
				msg_add(&m, i ? ", " : "");
				if (o->v[i].len)
					msg_quote(&m, o->v[i].text, o->v[i].len);
				else
					msg_add(&m, "blank");
				msg_add(&m, " (%lu row%s)", o->v[i].rows, o->v[i].rows == 1 ? "" : "s");
			}
			if (o->more)
				msg_add(&m, " and other values");
		}
	} else {
		/* A wave without a row with an id. */
		for (int k = 0, first = 1; k < 2; k++) {
			const struct lm_nopairs_wave *v = &w[k];
			if (v->n)
				continue;
			msg_add(&m, first ? "" : "; ");
			first = 0;
			if (!v->rows) {
				msg_add(&m, "%s has no data rows", v->name);
				continue;
			}
			msg_add(&m, "none of the %lu row%s of ", v->rows, v->rows == 1 ? "" : "s");
			msg_wave(&m, w, lf, k);
			msg_add(&m, " has an id");
			if (v->id_column)
				msg_add(&m, " in column \"%s\"", v->id_column);
		}
	}
	return lm__error(err, LM_EDATA, lf ? lf->path : NULL, 0, 0, "%s", m.b);
}

