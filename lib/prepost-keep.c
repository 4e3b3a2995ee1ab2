/*
 * libra_measures — pre/post: columns of the baseline table carried, as they
 * are, into the respondent table (lm_prepost_keep_column(),
 * lm_prepost_set_keep_all()), so that results merge back without a lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "prepost-keys.h"
#include "prepost-priv.h"

/* The column suffixes of a pair's results (prepost-write.c defines the array and depends on this module). */
static const char *const pair_keys[LM__N_PAIR_KEYS] = LM__PAIR_KEYS;

int lm_prepost_keep_column(lm_prepost *pp, const char *name)
{
	if (!pp || !name || !*name)
		return LM_EINVAL;
	for (size_t k = 0; k < pp->n_keep; k++)
		if (strcmp(pp->keep[k], name) == 0)
			return LM_EINVAL;
	char **p = realloc(pp->keep, (pp->n_keep + 1) * sizeof(*p));
	if (!p)
		return LM_ENOMEM;
	pp->keep = p;
	if (!(p[pp->n_keep] = lm__strdup(name)))
		return LM_ENOMEM;
	pp->n_keep++;
	return LM_OK;
}

int lm_prepost_set_keep_all(lm_prepost *pp, int all)
{
	if (!pp || (all != 0 && all != 1))
		return LM_EINVAL;
	pp->keep_all = all;
	return LM_OK;
}

size_t lm_prepost_kept_count(const lm_prepost *pp)
{
	return pp && pp->done ? pp->n_kept : 0;
}

const char *lm_prepost_kept_name(const lm_prepost *pp, size_t k)
{
	return pp && pp->done && k < pp->n_kept ? pp->kept[k] : NULL;
}

const char *lm_prepost_respondent_kept(const lm_prepost *pp, size_t r, size_t k)
{
	if (!pp || !pp->done || r >= pp->n_pairs || k >= pp->n_kept || !pp->w[0].kept)
		return NULL;
	return pp->w[0].kept_text.s + pp->w[0].kept[(size_t)pp->pre_row[r] * pp->n_kept + k];
}

void lm__prepost_keep_clear(lm_prepost *pp)
{
	for (size_t k = 0; k < pp->n_kept; k++)
		free(pp->kept[k]);
	free(pp->kept);
	pp->kept = NULL;
	pp->n_kept = 0;
}

/* 1 when @p name is a column of the respondent table (prepost-write.c). */
static int table_column(const lm_prepost *pp, const char *name)
{
	if (strcmp(name, LM__KEY_ID) == 0 || (pp->n_wave_names && strcmp(name, LM__KEY_WAVE) == 0) ||
	    (pp->group_column && strcmp(name, LM__KEY_GROUP) == 0))
		return 1;
	for (size_t s = 0; s < pp->inst->n_scales; s++) {
		const struct lm_scale *sc = &pp->inst->scales[s];
		size_t n = strlen(sc->id);
		if (strncmp(name, sc->id, n) != 0 || name[n] != '_')
			continue;
		for (size_t c = 0; c < LM__N_PAIR_KEYS; c++)
			if ((c < 6 || sc->n_bands) && strcmp(name + n + 1, pair_keys[c]) == 0)
				return 1;
	}
	return 0;
}

/* Carry @p name (copied) unless it is a column of the respondent table. */
static int carry(lm_prepost *pp, const char *name, const char *path, lm_error *err)
{
	if (table_column(pp, name))
		return lm__error(err, LM_EINVAL, path, 1, 0,
				 "column '%s' cannot be carried: the respondent table has a column of that name", name);
	if (!(pp->kept[pp->n_kept] = lm__strdup(name)))
		return LM_ENOMEM;
	pp->n_kept++;
	return LM_OK;
}

int lm__prepost_keep_require(lm_prepost *pp, lm_table *t, const char *path, size_t **cols, lm_error *err)
{
	*cols = NULL;
	if (pp->keep_all || !pp->n_keep)
		return LM_OK;
	if (!(*cols = calloc(pp->n_keep, sizeof(**cols))) || !(pp->kept = calloc(pp->n_keep, sizeof(*pp->kept))))
		return LM_ENOMEM;
	int rc = LM_OK;
	for (size_t k = 0; k < pp->n_keep; k++) {
		int r = carry(pp, pp->keep[k], path, err);
		if (r == LM_OK)
			r = lm_table_require_column(t, pp->keep[k], &(*cols)[pp->n_kept - 1]);
		if (r == LM_ENOMEM)
			return r;
		if (r != LM_OK)
			rc = r;
	}
	return rc;
}

int lm__prepost_keep_open(lm_prepost *pp, const lm_table *t, const char *path, size_t **cols, lm_error *err)
{
	size_t n = lm_table_column_count(t);
	if (!pp->keep_all || !n)
		return LM_OK;
	if (!(*cols = calloc(n, sizeof(**cols))) || !(pp->kept = calloc(n, sizeof(*pp->kept))))
		return LM_ENOMEM;
	const char *id_col = lm_table_id_column(t);
	int rc = LM_OK;
	for (size_t k = 0; k < n; k++) {
		const char *name = lm_table_column_name(t, k);
		/* Every column: but the id and the group are in the table already. */
		if ((id_col && strcmp(name, id_col) == 0) || (pp->group_column && strcmp(name, pp->group_column) == 0))
			continue;
		int r = carry(pp, name, path, err);
		if (r == LM_ENOMEM)
			return r;
		if (r == LM_OK)
			(*cols)[pp->n_kept - 1] = k;
		else
			rc = r;
	}
	return rc;
}

int lm__prepost_keep_values(lm_prepost *pp, struct wave *w, const lm_table *t, const size_t *cols)
{
	size_t nk = pp->n_kept, r = w->n - 1;
	if (!nk)
		return LM_OK;
	if (r >= w->kept_cap) {
		size_t cap = w->cap > r ? w->cap : r + 1;
		size_t *q = realloc(w->kept, cap * nk * sizeof(*q));
		if (!q)
			return LM_ENOMEM;
		w->kept = q;
		w->kept_cap = cap;
	}
	size_t *p = w->kept;
	for (size_t k = 0; k < nk; k++) {
		size_t len = 0;
		const char *v = pp->keep_all ? lm_table_field(t, cols[k], &len) : lm_table_column_value(t, cols[k], &len);
		p[r * nk + k] = w->kept_text.len;
		if (v)
			lm__sb_add(&w->kept_text, v, len);
		lm__sb_add(&w->kept_text, "", 1);
	}
	return w->kept_text.failed ? LM_ENOMEM : LM_OK;
}
