/*
 * libra_measures — pre/post analysis of waves held in memory (a binding's
 * data frames): each wave's item columns are read through an lm_batch and
 * its rows kept, paired and analysed exactly as rows read from files
 * (prepost.c; with wave names, prepost-waves.c).
 */
#include <stdlib.h>
#include <string.h>

#include "batch-priv.h"
#include "prepost-priv.h"

/*
 * Score and keep every row of wave @p w (its groups and clusters: the
 * baseline's only). Returns LM_OK, LM_EDATA (bad rows, all reported) or
 * another failure. A bad row is counted as read; the rows after it are
 * still kept, so that duplicate ids among them are reported in the same run.
 */
static int read_wave(lm_prepost *pp, struct wave *w, lm_batch *b, size_t n, const char *const *ids,
		     const char *const *groups, const char *const *clusters, const char *name, lm_error *err)
{
	int rc = lm__batch_begin(b, name, err);
	if (rc != LM_OK)
		return rc;
	const lm_scorer *sc = lm__batch_scorer(b);
	for (size_t r = 0; r < n; r++) {
		int k = lm__batch_row(b, r, name, err);
		w->rows++;
		if (k == LM_EDATA) {
			rc = LM_EDATA;
			pp->counts[LM_PREPOST_COUNT_REJECTED]++;
			continue;
		}
		if (k != LM_OK)
			return k;
		const char *id = ids[r] ? ids[r] : "", *g = groups && groups[r] ? groups[r] : NULL;
		const char *c = clusters && clusters[r] ? clusters[r] : NULL;
		k = lm__prepost_keep(pp, w, id, strlen(id), g, g ? strlen(g) : 0, c, c ? strlen(c) : 0,
				     (unsigned long)r + 1, (unsigned long)r + 1, sc);
		if (k == LM_OK)
			lm__prepost_add_alpha(pp, w, sc);
		else if (k == LM_ENOMEM)
			return lm__error(err, LM_ENOMEM, name, 0, 0, "out of memory");
		else
			return lm__error(err, LM_ELIMIT, name, (unsigned long)r + 1, 0,
					 "more than %lu rows in a wave: pre/post analysis keeps 32-bit row numbers",
					 0xFFFFFFFEul);
	}
	return rc;
}

int lm_prepost_run_batches(lm_prepost *pp, lm_batch *pre, size_t n_pre, const char *const *pre_ids,
			   const char *const *pre_groups, lm_batch *post, size_t n_post, const char *const *post_ids,
			   lm_error *err)
{
	if (!pp || !pre || !post || (!pre_ids && n_pre) || (!post_ids && n_post))
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_prepost_run_batches");
	const lm_instrument *inst = lm_prepost_instrument(pp);
	if (lm_batch_instrument(pre) != inst || lm_batch_instrument(post) != inst)
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "lm_prepost_run_batches: the batches must score the analysis's own instrument");
	/* The group column's name says that there are groups, as for files. */
	if ((pre_groups != NULL) != lm__prepost_grouped(pp))
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 pre_groups ? "lm_prepost_run_batches: groups given, but no group column was set"
					    : "lm_prepost_run_batches: a group column was set, but no groups given");
	const char *names[2] = {lm__batch_name(pre), lm__batch_name(post)};
	if (!names[0])
		names[0] = "pre";
	if (!names[1])
		names[1] = "post";
	if (lm__prepost_start(pp, names[0], names[1]) != LM_OK)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	/* Both waves are read even when the first has problems, so that all are reported. */
	int rc_pre = read_wave(pp, &pp->w[0], pre, n_pre, pre_ids, pre_groups, NULL, names[0], err);
	int rc_post = read_wave(pp, &pp->w[1], post, n_post, post_ids, NULL, NULL, names[1], err);
	return lm__prepost_finish(pp, rc_pre, rc_post, err);
}

int lm_prepost_run_wave_batches(lm_prepost *pp, lm_batch **batches, const size_t *n_rows, const char *const *ids,
				const char *const *groups, const char *const *clusters, lm_error *err)
{
	size_t n = pp ? pp->n_wave_names : 0;
	if (!pp || n < 2 || !batches || !n_rows || !ids)
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "invalid argument to lm_prepost_run_wave_batches (the waves must be named first)");
	const lm_instrument *inst = lm_prepost_instrument(pp);
	for (size_t k = 0; k < n; k++) {
		if (!batches[k])
			return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_prepost_run_wave_batches");
		if (lm_batch_instrument(batches[k]) != inst)
			return lm__error(err, LM_EINVAL, NULL, 0, 0,
					 "lm_prepost_run_wave_batches: the batches must score the analysis's own instrument");
	}
	if ((groups != NULL) != lm__prepost_grouped(pp))
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 groups ? "lm_prepost_run_wave_batches: groups given, but no group column was set"
					: "lm_prepost_run_wave_batches: a group column was set, but no groups given");
	if ((clusters != NULL) != (pp->cluster_column != NULL))
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 clusters ? "lm_prepost_run_wave_batches: clusters given, but no cluster column was set"
					  : "lm_prepost_run_wave_batches: a cluster column was set, but no clusters given");
	const char **names = calloc(n, sizeof(*names));
	int *rcs = calloc(n, sizeof(*rcs));
	int rc = names && rcs ? LM_OK : lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	for (size_t k = 0; rc == LM_OK && k < n; k++)
		names[k] = lm__batch_name(batches[k]) ? lm__batch_name(batches[k]) : pp->wave_names[k];
	if (rc == LM_OK)
		rc = lm__prepost_waves_start(pp, names, n, err);
	if (rc == LM_OK) {
		pp->long_form = 0;
		/* Every wave is read even when one has problems, so that all are reported. */
		for (size_t k = 0, first = 0; k < n; first += n_rows[k++]) {
			struct wave *w = k ? &pp->later[k - 1].w : &pp->w[0];
			rcs[k] = read_wave(pp, w, batches[k], n_rows[k], ids + first, k ? NULL : groups, k ? NULL : clusters,
					   names[k], err);
		}
		rc = lm__prepost_finish_waves(pp, rcs, NULL, err);
	}
	free(names);
	free(rcs);
	return rc;
}
