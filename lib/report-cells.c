/*
 * libra_measures — the numbers the report publishes on one scale, laid out
 * as disclosure-control tables so that one mechanism (lib/disclosure.c)
 * decides what is hidden: the group rows under the overall row, and the
 * pre x post cells, band counts and change categories under the number of
 * pairs; with waves, each wave's means per arm and the flow counts, as
 * columns of counts per arm under their total. doc/PREPOST.md ("The report:
 * what it hides", "The report of a trial") states the rules.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prepost-priv.h"
#include "report-priv.h"

#define N_FIFTHS 5
#define N_ATOM_CAT 5 /* recovered, improved (not recovered), unchanged, deteriorated, none */

void lm__scale_cells_free(struct lm__scale_cells *c)
{
	lm__dtable_free(c->groups);
	lm__dtable_free(c->counts);
	free(c->group_item);
	free(c->edge);
	free(c->cell_item);
	free(c->margin[0]);
	free(c->margin[1]);
	memset(c, 0, sizeof(*c));
}

static int build_groups(struct lm__scale_cells *c, const lm_prepost *pp, size_t s, unsigned long min_cell,
			const unsigned char *hide_group)
{
	size_t ng = c->ng = lm_prepost_group_count(pp);
	c->group_item = malloc((ng ? ng : 1) * sizeof(size_t));
	if (!c->group_item)
		return 0;
	for (size_t g = 0; g < ng; g++)
		c->group_item[g] = LM_NO_INDEX; /* reads as hidden */
	if (ng > LM__MAX_GROUPS) {
		/* No group row: the overall row alone. */
		c->too_many_groups = 1;
		size_t zero = 0;
		return (c->groups = lm__dtable_new(1, min_cell)) && lm__dtable_item(c->groups, &zero, 1, 1) != LM_NO_INDEX &&
		       lm__dtable_protect(c->groups) == LM_OK;
	}
	c->groups = lm__dtable_new(ng + 1, min_cell);
	size_t *all = malloc((ng + 1) * sizeof(size_t));
	if (!c->groups || !c->group_item || !all) {
		free(all);
		return 0;
	}
	double n_all = lm_prepost_stat(pp, s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_N);
	unsigned long total = isfinite(n_all) ? (unsigned long)n_all : 0, grouped = 0;
	for (size_t g = 0; g < ng; g++) {
		double n = lm_prepost_stat(pp, s, g, LM_PREPOST_STAT_CHANGE_N);
		unsigned long k = isfinite(n) ? (unsigned long)n : 0;
		lm__dtable_add(c->groups, g, k);
		grouped += k;
		all[g] = g;
	}
	/* The pairs without a group: in the overall row, in no group's. */
	lm__dtable_add(c->groups, ng, total > grouped ? total - grouped : 0);
	all[ng] = ng;
	int ok = lm__dtable_item(c->groups, all, ng + 1, 1) != LM_NO_INDEX;
	for (size_t g = 0; g < ng && ok; g++) {
		ok = (c->group_item[g] = lm__dtable_item(c->groups, &g, 1, 0)) != LM_NO_INDEX;
		if (ok && hide_group && hide_group[g])
			lm__dtable_hide(c->groups, c->group_item[g]);
	}
	/* A trial's reference arm is hidden last: every comparison rests on it. */
	size_t ref = lm_prepost_reference_group(pp);
	if (ok && lm_prepost_wave_name(pp, 0) && ref < ng)
		lm__dtable_keep(c->groups, c->group_item[ref]);
	free(all);
	return ok && lm__dtable_protect(c->groups) == LM_OK;
}

/* The cell of a score: its band, or its fifth of the range. */
static long cell_of(const struct lm__scale_cells *c, const lm_prepost *pp, size_t r, size_t s, int wave, double x)
{
	if (c->bands)
		return lm_prepost_respondent_band(pp, r, s, wave);
	if (!(c->edge[c->nc] > c->edge[0]))
		return 0;
	long k = (long)floor((x - c->edge[0]) / (c->edge[c->nc] - c->edge[0]) * (double)c->nc);
	return k < 0 ? 0 : k >= (long)c->nc ? (long)c->nc - 1 : k;
}

/* The atom category of a pair: 0 recovered, 1 improved otherwise, 2 unchanged, 3 deteriorated, 4 none. */
static size_t category_of(const lm_prepost *pp, size_t r, size_t s, int recovered)
{
	if (recovered) {
		int k = lm_prepost_respondent_category(pp, r, s);
		return k >= LM_CATEGORY_RECOVERED && k <= LM_CATEGORY_DETERIORATED ? (size_t)k : 4;
	}
	switch (lm_prepost_respondent_reliable(pp, r, s)) {
	case LM_RELIABLE_IMPROVED: return 1;
	case LM_RELIABLE_NONE: return 2;
	case LM_RELIABLE_DETERIORATED: return 3;
	default: return 4;
	}
}

static int build_counts(struct lm__scale_cells *c, const lm_prepost *pp, size_t s, unsigned long min_cell)
{
	const struct lm_scale *scale = &lm_prepost_instrument(pp)->scales[s];
	size_t np = lm_prepost_respondent_count(pp);
	/* Bands make the grid when every pair with both scores has a band at both waves. */
	c->bands = scale->n_bands > 0 && scale->n_bands <= LM__MAX_BANDS;
	for (size_t r = 0; r < np && c->bands; r++) {
		double a = lm_prepost_respondent_score(pp, r, s, 0), b = lm_prepost_respondent_score(pp, r, s, 1);
		if (isfinite(a) && isfinite(b))
			c->bands = lm_prepost_respondent_band(pp, r, s, 0) >= 0 && lm_prepost_respondent_band(pp, r, s, 1) >= 0;
	}
	size_t nc = c->nc = c->bands ? scale->n_bands : N_FIFTHS;
	c->edge = malloc((nc + 1) * sizeof(double));
	c->cell_item = malloc(nc * nc * sizeof(size_t));
	if (!c->edge || !c->cell_item)
		return 0;
	for (size_t k = 0; k <= nc; k++) {
		if (!c->bands)
			c->edge[k] = scale->min + (scale->max - scale->min) * (double)k / (double)nc;
		else if (k == 0)
			c->edge[k] = scale->min;
		else if (k == nc)
			c->edge[k] = scale->max;
		else /* between one band's last score and the next one's first */
			c->edge[k] = (scale->bands[k - 1].max + scale->bands[k].min) / 2;
	}
	int has_rci = isfinite(lm_prepost_stat(pp, s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_IMPROVED));
	int has_rec = has_rci && isfinite(lm_prepost_stat(pp, s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RECOVERED));
	size_t na = nc * nc * N_ATOM_CAT;
	c->counts = lm__dtable_new(na, min_cell);
	size_t *list = malloc(na * sizeof(size_t));
	if (!c->counts || !list) {
		free(list);
		return 0;
	}
	for (size_t r = 0; r < np; r++) {
		double a = lm_prepost_respondent_score(pp, r, s, 0), b = lm_prepost_respondent_score(pp, r, s, 1);
		if (!isfinite(a) || !isfinite(b))
			continue;
		long x = cell_of(c, pp, r, s, 0, a), y = cell_of(c, pp, r, s, 1, b);
		lm__dtable_add(c->counts, ((size_t)x * nc + (size_t)y) * N_ATOM_CAT + category_of(pp, r, s, has_rec), 1);
		c->total++;
	}
	int ok = 1;
	for (size_t k = 0; k < na; k++)
		list[k] = k;
	ok = lm__dtable_item(c->counts, list, na, 1) != LM_NO_INDEX;
	for (size_t i = 0; i < nc * nc && ok; i++) {
		for (size_t k = 0; k < N_ATOM_CAT; k++)
			list[k] = i * N_ATOM_CAT + k;
		ok = (c->cell_item[i] = lm__dtable_item(c->counts, list, N_ATOM_CAT, 0)) != LM_NO_INDEX;
	}
	for (int w = 0; w < 2 && ok && c->bands; w++) {
		if (!(c->margin[w] = malloc(nc * sizeof(size_t)))) {
			ok = 0;
			break;
		}
		for (size_t i = 0; i < nc && ok; i++) {
			size_t n = 0;
			for (size_t j = 0; j < nc; j++)
				for (size_t k = 0; k < N_ATOM_CAT; k++)
					list[n++] = ((w ? j * nc + i : i * nc + j)) * N_ATOM_CAT + k;
			ok = (c->margin[w][i] = lm__dtable_item(c->counts, list, n, 0)) != LM_NO_INDEX;
		}
	}
	/* Improved includes recovered; the others are one atom category each. */
	static const size_t first[LM__N_CAT] = {0, 2, 3, 0}, last[LM__N_CAT] = {1, 2, 3, 0};
	for (int k = 0; k < LM__N_CAT; k++) {
		c->cat[k] = LM_NO_INDEX;
		if (!ok || !has_rci || (k == LM__CAT_RECOVERED && !has_rec))
			continue;
		size_t n = 0;
		for (size_t i = 0; i < nc * nc; i++)
			for (size_t a = first[k]; a <= last[k]; a++)
				list[n++] = i * N_ATOM_CAT + a;
		ok = (c->cat[k] = lm__dtable_item(c->counts, list, n, 0)) != LM_NO_INDEX;
	}
	free(list);
	return ok && lm__dtable_protect(c->counts) == LM_OK;
}

int lm__scale_cells_build(struct lm__scale_cells *c, const lm_prepost *pp, size_t s, unsigned long min_cell,
			  const unsigned char *hide_group)
{
	memset(c, 0, sizeof(*c));
	for (int k = 0; k < LM__N_CAT; k++)
		c->cat[k] = LM_NO_INDEX;
	return build_groups(c, pp, s, min_cell, hide_group) && build_counts(c, pp, s, min_cell);
}

void lm__arm_column_free(struct lm__arm_column *c)
{
	lm__dtable_free(c->t);
	free(c->item);
	memset(c, 0, sizeof(*c));
}

int lm__arm_column_build(struct lm__arm_column *c, const unsigned long *n, size_t ng, unsigned long min_cell,
			 const unsigned char *hide, size_t keep)
{
	memset(c, 0, sizeof(*c));
	c->t = lm__dtable_new(ng + 1, min_cell);
	c->item = malloc((ng ? ng : 1) * sizeof(size_t));
	size_t *all = malloc((ng + 1) * sizeof(size_t));
	int ok = c->t && c->item && all;
	for (size_t a = 0; ok && a <= ng; a++) {
		/* atom 0 .. ng - 1: the arms; atom ng: no arm */
		lm__dtable_add(c->t, a, n[a == ng ? 0 : a + 1]);
		all[a] = a;
	}
	ok = ok && (c->total = lm__dtable_item(c->t, all, ng + 1, 1)) != LM_NO_INDEX;
	for (size_t g = 0; g < ng && ok; g++) {
		ok = (c->item[g] = lm__dtable_item(c->t, &g, 1, 0)) != LM_NO_INDEX;
		if (ok && hide && hide[g])
			lm__dtable_hide(c->t, c->item[g]);
	}
	if (ok && keep < ng)
		lm__dtable_keep(c->t, c->item[keep]);
	free(all);
	/* LM_EINVAL: the total itself is small; every arm is then hidden, which the caller shows. */
	int rc = ok ? lm__dtable_protect(c->t) : LM_ENOMEM;
	return ok && rc != LM_ENOMEM;
}

/* ---- the observed means of each arm at each wave -------------------------------------- */

void lm__wave_means_free(struct lm__wave_means *m)
{
	for (size_t w = 0; m->col && w < m->nw; w++)
		lm__arm_column_free(&m->col[w]);
	free(m->col);
	free(m->n);
	free(m->mean);
	free(m->sd);
	memset(m, 0, sizeof(*m));
}

/* Add score x of arm number a (index + 1, 0 = none) to wave w's sums. */
static void add(struct lm__wave_means *m, double *sum, double *sq, size_t w, unsigned a, double x)
{
	size_t row = w * (m->ng + 2);
	size_t at[2] = {row, row + 1 + a}; /* all; the arm (slot 1 = no arm) */
	for (int i = 0; i < 2; i++) {
		m->n[at[i]]++;
		sum[at[i]] += x;
		sq[at[i]] += x * x;
	}
}

int lm__wave_means_compute(struct lm__wave_means *m, const lm_prepost *pp, size_t s)
{
	size_t ns = pp->inst->n_scales, nw = pp->n_waves, ng = pp->groups.n, cells = nw * (ng + 2);
	memset(m, 0, sizeof(*m));
	m->nw = nw;
	m->ng = ng;
	m->keep = ng ? pp->reference : LM_NO_INDEX;
	m->n = calloc(cells, sizeof(*m->n));
	m->mean = calloc(cells, sizeof(*m->mean));
	m->sd = calloc(cells, sizeof(*m->sd));
	m->col = calloc(nw, sizeof(*m->col));
	if (!m->n || !m->mean || !m->sd || !m->col)
		return 0;
	/* First the sums (in mean) and sums of squares (in sd), then the moments from them, shifted by
	 * the baseline's first score so that the squares stay small. */
	const struct wave *base = &pp->w[0];
	double shift = NAN;
	for (size_t r = 0; r < base->n && isnan(shift); r++)
		if (!base->dup[r])
			shift = score_at(base, r * ns + s);
	if (isnan(shift))
		shift = 0;
	for (size_t r = 0; r < base->n; r++) {
		double x = score_at(base, r * ns + s);
		if (!base->dup[r] && !isnan(x))
			add(m, m->mean, m->sd, 0, ng ? base->group[r] : 0, x - shift);
	}
	for (size_t k = 1; k < nw; k++) {
		const struct later_wave *L = &pp->later[k - 1];
		for (size_t i = 0; i < L->n_pairs; i++) {
			double x = score_at(&L->w, (size_t)L->post_row[i] * ns + s);
			if (!isnan(x))
				add(m, m->mean, m->sd, k, ng ? base->group[L->pre_row[i]] : 0, x - shift);
		}
	}
	for (size_t i = 0; i < cells; i++) {
		double n = (double)m->n[i], sum = m->mean[i], sq = m->sd[i];
		m->mean[i] = n > 0 ? shift + sum / n : NAN;
		m->sd[i] = n > 1 ? sqrt(fmax(0, (sq - sum * sum / n) / (n - 1))) : NAN;
	}
	return 1;
}

int lm__wave_means_protect(struct lm__wave_means *m, unsigned long min_cell, const unsigned char *hide)
{
	size_t ng = m->ng;
	unsigned long *n = malloc((ng + 1) * sizeof(*n));
	int ok = n != NULL;
	for (size_t w = 0; w < m->nw && ok; w++) {
		lm__arm_column_free(&m->col[w]);
		n[0] = m->n[w * (ng + 2) + 1];
		for (size_t g = 0; g < ng; g++)
			n[g + 1] = m->n[w * (ng + 2) + 2 + g];
		ok = lm__arm_column_build(&m->col[w], n, ng, min_cell, hide ? hide + w * ng : NULL, m->keep);
	}
	free(n);
	return ok;
}

/* The state of the mean of arm g (LM_PREPOST_ALL_GROUPS: all) at wave w: an lm__cell. */
int lm__wave_mean_state(const struct lm__wave_means *m, size_t w, size_t g, unsigned long min_cell)
{
	const struct lm__arm_column *c = &m->col[w];
	unsigned long all = m->n[w * (m->ng + 2)];
	if (all > 0 && all < min_cell)
		return LM__CELL_SMALL; /* the total itself: nothing of the wave is shown */
	if (g == LM_PREPOST_ALL_GROUPS)
		return LM__CELL_SHOWN;
	return lm__dtable_state(c->t, c->item[g]);
}
