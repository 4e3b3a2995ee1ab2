/*
 * libra_measures — pre/post with waves: the places of the trial's
 * model-based numbers in the JSON document — the baseline-adjusted arm
 * effects ("ancova", in each scale's "groups" of every later wave) and the
 * baseline ICC ("icc_baseline", each scale, with a cluster column) — and
 * the data they are computed from. The numbers themselves (lm__ancova(),
 * lm__icc_oneway()) come from another branch; until they are wired in
 * here, both are null with the reason "not computed".
 */
#include <math.h>
#include <string.h>

#include "output-priv.h"
#include "prepost-keys.h"
#include "prepost-priv.h"

/* ',"KEY":null,"null_reasons":{"KEY":"not computed"}' */
static void not_computed(struct lm_out *o, const char *key)
{
	lm__out_put(o, ",", 1);
	lm__out_json_string(o, key, strlen(key));
	lm__out_str(o, ":null,");
	lm__out_json_string(o, LM__KEY_NULL_REASONS, strlen(LM__KEY_NULL_REASONS));
	lm__out_str(o, ":{");
	lm__out_json_string(o, key, strlen(key));
	lm__out_str(o, ":\"not computed\"}");
}

void lm__prepost_json_ancova(const lm_prepost *view, struct lm_out *o, size_t s)
{
	(void)view;
	(void)s;
	not_computed(o, LM__KEY_ANCOVA);
}

void lm__prepost_json_icc_baseline(const lm_prepost *pp, struct lm_out *o, size_t s)
{
	(void)pp;
	(void)s;
	not_computed(o, LM__KEY_ICC_BASELINE);
}

size_t lm__prepost_trial_pairs(const lm_prepost *view, size_t s, double *y, double *baseline, size_t *arm,
			       size_t *cluster)
{
	size_t ns = view->inst->n_scales, n = 0;
	const struct wave *base = &view->w[0];
	for (size_t i = 0; i < view->n_pairs; i++) {
		size_t r = view->pre_row[i];
		double a = score_at(base, r * ns + s), b = score_at(&view->w[1], (size_t)view->post_row[i] * ns + s);
		if (isnan(a) || isnan(b))
			continue;
		unsigned g = view->groups.n ? base->group[r] : 0, c = view->clusters.n ? base->cluster[r] : 0;
		if (y)
			y[n] = b;
		if (baseline)
			baseline[n] = a;
		if (arm)
			arm[n] = g ? g - 1 : LM_NO_INDEX;
		if (cluster)
			cluster[n] = c ? c - 1 : LM_NO_INDEX;
		n++;
	}
	return n;
}

size_t lm__prepost_baseline_scores(const lm_prepost *pp, size_t s, double *score, size_t *cluster)
{
	size_t ns = pp->inst->n_scales, n = 0;
	const struct wave *base = &pp->w[0];
	for (size_t r = 0; r < base->n; r++) {
		double a = score_at(base, r * ns + s);
		if (base->dup[r] || isnan(a))
			continue;
		unsigned c = pp->clusters.n ? base->cluster[r] : 0;
		if (score)
			score[n] = a;
		if (cluster)
			cluster[n] = c ? c - 1 : LM_NO_INDEX;
		n++;
	}
	return n;
}
