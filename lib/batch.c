/*
 * libra_measures — scoring many respondents in one call from in-memory
 * columns. A thin loop over the one-respondent scorer (score.c): each row's
 * values are set through the scorer's value tables, as the table reader sets
 * a row's cells, and the scorer's results are copied into the caller's
 * arrays. Nothing is allocated per row; a bad value is checked and worded by
 * lm_scorer_set() / lm_scorer_set_text() themselves, so it reads the same
 * as everywhere else.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batch-priv.h"

/* One item's input column: doubles, integers or text (at most one of them), borrowed. */
struct column {
	const double *num;
	const int *ints;
	int blank; /* the integer that means blank, with ints */
	const char *const *text;
	char *name; /* the caller's name for it (owned), or NULL: the item's id */
};

/* One scale's output arrays, borrowed; each may be NULL. */
struct scale_out {
	double *score;
	int *answered, *status, *band;
};

struct lm_batch {
	const struct lm_instrument *inst;
	lm_scorer *sc;
	struct column *col;    /* per item */
	struct scale_out *out; /* per scale */
	int **rule_out;        /* per rule */
	int *rejected_out;
	int reject;
	char *name;
	lm_error *scratch; /* a bad value's wording, made when the first is reported */
	size_t rejected;
};

int lm_batch_new(lm_batch **out, const lm_instrument *inst)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!inst)
		return LM_EINVAL;
	lm_batch *b = calloc(1, sizeof(*b));
	if (!b)
		return LM_ENOMEM;
	b->col = calloc(inst->n_items ? inst->n_items : 1, sizeof(*b->col));
	b->out = calloc(inst->n_scales ? inst->n_scales : 1, sizeof(*b->out));
	b->rule_out = calloc(inst->n_rules ? inst->n_rules : 1, sizeof(*b->rule_out));
	if (!b->col || !b->out || !b->rule_out || lm_scorer_new(&b->sc, inst) != LM_OK) {
		lm_batch_free(b);
		return LM_ENOMEM;
	}
	lm__instrument_ref(inst);
	b->inst = inst;
	*out = b;
	return LM_OK;
}

void lm_batch_free(lm_batch *b)
{
	if (!b)
		return;
	if (b->col && b->inst)
		for (size_t i = 0; i < b->inst->n_items; i++)
			free(b->col[i].name);
	free(b->col);
	free(b->out);
	free(b->rule_out);
	free(b->name);
	lm_error_free(b->scratch);
	lm_scorer_free(b->sc);
	if (b->inst)
		lm_instrument_free(lm__instrument_mutable(b->inst));
	free(b);
}

const lm_instrument *lm_batch_instrument(const lm_batch *b)
{
	return b ? b->inst : NULL;
}

int lm_batch_set_name(lm_batch *b, const char *name)
{
	if (!b)
		return LM_EINVAL;
	char *copy = NULL;
	if (name && !(copy = lm__strdup(name)))
		return LM_ENOMEM;
	free(b->name);
	b->name = copy;
	return LM_OK;
}

static int set_column(lm_batch *b, size_t item, const double *num, const int *ints, int blank,
		      const char *const *text, const char *column)
{
	if (!b || item >= b->inst->n_items)
		return LM_EINVAL;
	char *copy = NULL;
	if (column && !(copy = lm__strdup(column)))
		return LM_ENOMEM;
	struct column *c = &b->col[item];
	free(c->name);
	c->name = copy;
	c->num = num;
	c->ints = ints;
	c->blank = blank;
	c->text = text;
	return LM_OK;
}

int lm_batch_set_numeric(lm_batch *b, size_t item, const double *values, const char *column)
{
	return set_column(b, item, values, NULL, 0, NULL, column);
}

int lm_batch_set_integer(lm_batch *b, size_t item, const int *values, int blank, const char *column)
{
	return set_column(b, item, NULL, values, blank, NULL, column);
}

int lm_batch_set_text(lm_batch *b, size_t item, const char *const *values, const char *column)
{
	return set_column(b, item, NULL, NULL, 0, values, column);
}

int lm_batch_set_scale_output(lm_batch *b, size_t scale, double *score, int *answered, int *status, int *band)
{
	if (!b || scale >= b->inst->n_scales)
		return LM_EINVAL;
	b->out[scale] = (struct scale_out){score, answered, status, band};
	return LM_OK;
}

int lm_batch_set_rule_output(lm_batch *b, size_t rule, int *value)
{
	if (!b || rule >= b->inst->n_rules)
		return LM_EINVAL;
	b->rule_out[rule] = value;
	return LM_OK;
}

int lm_batch_set_rejected_output(lm_batch *b, int *rejected)
{
	if (!b)
		return LM_EINVAL;
	b->rejected_out = rejected;
	return LM_OK;
}

int lm_batch_set_reject_rows(lm_batch *b, int reject)
{
	if (!b || (reject != 0 && reject != 1))
		return LM_EINVAL;
	b->reject = reject;
	return LM_OK;
}

size_t lm_batch_rejected_count(const lm_batch *b)
{
	return b ? b->rejected : 0;
}

/* ---- one row ---------------------------------------------------------------------- */

static int has_column(const struct column *c)
{
	return c->num || c->ints || c->text;
}

int lm__batch_begin(lm_batch *b, const char *file, lm_error *err)
{
	lm__scorer_clear(b->sc);
	const struct lm_instrument *inst = b->inst;
	size_t len = 0, n = 0;
	for (size_t i = 0; i < inst->n_items; i++)
		if (inst->items[i].scored && !has_column(&b->col[i]))
			len += strlen(inst->items[i].id) + 2, n++;
	if (!n)
		return LM_OK;
	char *ids = malloc(len + 1);
	if (!ids)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	ids[0] = '\0';
	for (size_t i = 0, used = 0; i < inst->n_items; i++)
		if (inst->items[i].scored && !has_column(&b->col[i])) {
			size_t k = strlen(inst->items[i].id);
			if (used) {
				memcpy(ids + used, ", ", 2);
				used += 2;
			}
			memcpy(ids + used, inst->items[i].id, k + 1);
			used += k;
		}
	lm__error(err, LM_EDATA, file, 0, 0, "no column for item%s %s", n > 1 ? "s" : "", ids);
	free(ids);
	return LM_EDATA;
}

/* Report the bad value of item i in row r, worded by the scorer itself. */
static int report(lm_batch *b, size_t r, size_t i, const char *file, lm_error *err)
{
	const struct column *c = &b->col[i];
	unsigned long row = (unsigned long)r + 1, col = (unsigned long)i + 1;
	if (!err || lm_error_count(err) >= lm_error_capacity())
		return lm__error(err, LM_EDATA, file, row, col, "bad value"); /* counted, not kept */
	if (!b->scratch && lm_error_new(&b->scratch) != LM_OK)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	lm_error_clear(b->scratch);
	int rc = c->num	   ? lm_scorer_set(b->sc, i, c->num[r], b->scratch)
		 : c->ints ? lm_scorer_set(b->sc, i, (double)c->ints[r], b->scratch)
			   : lm_scorer_set_text(b->sc, i, c->text[r], strlen(c->text[r]), b->scratch);
	const char *message = lm_error_message(b->scratch, 0);
	if (rc != LM_EDATA || lm_error_code(b->scratch, 0) != LM_EDATA || !message)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	lm__error(err, LM_EDATA, file, row, col, "row %lu, column \"%s\": %s", row,
		  c->name ? c->name : b->inst->items[i].id, message);
	return LM_EDATA;
}

int lm__batch_row(lm_batch *b, size_t r, const char *file, lm_error *err)
{
	lm_scorer *s = b->sc;
	size_t ni = b->inst->n_items;
	int rc = LM_OK;
	for (size_t i = 0; i < ni; i++) {
		const struct column *c = &b->col[i];
		/* The common cells first: blank, or a one-digit response or code. */
		if (c->num) {
			double v = c->num[r];
			if (v != v) {
				s->at[i] = s->blank_at[i];
				continue;
			}
			if (v >= 0 && v <= 9 && v == (double)(unsigned)v && lm__scorer_set_digit(s, i, (unsigned)v))
				continue;
			if (lm_scorer_set(s, i, v, NULL) == LM_OK)
				continue;
		} else if (c->ints) {
			int v = c->ints[r];
			if (v == c->blank) {
				s->at[i] = s->blank_at[i];
				continue;
			}
			if (v >= 0 && v <= 9 && lm__scorer_set_digit(s, i, (unsigned)v))
				continue;
			if (lm_scorer_set(s, i, (double)v, NULL) == LM_OK)
				continue;
		} else if (c->text) {
			const char *t = c->text[r];
			if (!t) {
				s->at[i] = s->blank_at[i];
				continue;
			}
			if (t[0] >= '0' && t[0] <= '9' && !t[1] && lm__scorer_set_digit(s, i, (unsigned)(t[0] - '0')))
				continue;
			if (lm_scorer_set_text(s, i, t, strlen(t), NULL) == LM_OK)
				continue;
		} else {
			continue; /* no column: blank since the scorer was cleared */
		}
		int k = report(b, r, i, file, err);
		if (k == LM_ENOMEM)
			return k;
		rc = LM_EDATA;
	}
	if (rc == LM_OK)
		lm__scorer_run(s);
	return rc;
}

const struct lm_scorer *lm__batch_scorer(const lm_batch *b)
{
	return b->sc;
}

const char *lm__batch_name(const lm_batch *b)
{
	return b->name;
}

/* ---- many rows ------------------------------------------------------------------ */

static void write_row(const lm_batch *b, size_t r)
{
	const lm_scorer *s = b->sc;
	for (size_t k = 0; k < b->inst->n_scales; k++) {
		const struct scale_out *o = &b->out[k];
		if (o->score)
			o->score[r] = lm__scorer_score(s, k);
		if (o->answered)
			o->answered[r] = (int)lm__scorer_answered(s, k);
		if (o->status)
			o->status[r] = lm__scorer_status(s, k);
		if (o->band)
			o->band[r] = (int)lm__scorer_band(s, k);
	}
	for (size_t k = 0; k < b->inst->n_rules; k++)
		if (b->rule_out[k])
			b->rule_out[k][r] = lm__scorer_rule(s, k);
}

/* Rows [from, to) without results, as lm_scorer_score() leaves a respondent with a bad value. */
static void write_none(const lm_batch *b, size_t from, size_t to)
{
	for (size_t k = 0; k < b->inst->n_scales; k++) {
		const struct scale_out *o = &b->out[k];
		for (size_t r = from; r < to; r++) {
			if (o->score)
				o->score[r] = NAN;
			if (o->answered)
				o->answered[r] = 0;
			if (o->status)
				o->status[r] = LM_SCORE_INSUFFICIENT;
			if (o->band)
				o->band[r] = -1;
		}
	}
	for (size_t k = 0; k < b->inst->n_rules; k++)
		if (b->rule_out[k])
			for (size_t r = from; r < to; r++)
				b->rule_out[k][r] = LM_RULE_UNKNOWN;
}

int lm_batch_score(lm_batch *b, size_t n, lm_error *err)
{
	if (!b)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_batch_score");
	b->rejected = 0;
	int rc = lm__batch_begin(b, b->name, err);
	if (rc != LM_OK) {
		write_none(b, 0, n);
		if (b->rejected_out)
			memset(b->rejected_out, 0, n * sizeof(*b->rejected_out));
		return rc;
	}
	int failed = 0;
	size_t r = 0;
	for (; r < n; r++) {
		int k = lm__batch_row(b, r, b->name, err);
		if (k == LM_OK) {
			if (!failed)
				write_row(b, r);
		} else if (k == LM_EDATA) {
			b->rejected++;
			if (b->reject)
				write_none(b, r, r + 1);
			else
				failed = 1;
		} else {
			rc = k;
			failed = 1;
			break;
		}
		if (b->rejected_out)
			b->rejected_out[r] = k == LM_EDATA;
	}
	if (b->rejected_out && r < n) /* out of memory: the rest were not looked at */
		memset(b->rejected_out + r, 0, (n - r) * sizeof(*b->rejected_out));
	if (failed) {
		/* No partial results: every row as a rejected one. */
		write_none(b, 0, n);
		return rc != LM_OK ? rc : LM_EDATA;
	}
	return LM_OK;
}
