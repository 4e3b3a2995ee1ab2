/*
 * libra_measures — pre/post analysis of two waves held in memory (a
 * binding's data frames): each wave's item columns are read through an
 * lm_batch and its rows kept, paired and analysed exactly as rows read from
 * files (prepost.c).
 */
#include <string.h>

#include "batch-priv.h"
#include "prepost-priv.h"

/* Score and keep every row of one wave. Returns LM_OK, LM_EDATA (bad rows, all reported) or another failure. */
static int read_wave(lm_prepost *pp, int wave, lm_batch *b, size_t n, const char *const *ids,
		     const char *const *groups, const char *name, lm_error *err)
{
	int rc = lm__batch_begin(b, name, err);
	if (rc != LM_OK)
		return rc;
	const lm_scorer *sc = lm__batch_scorer(b);
	for (size_t r = 0; r < n; r++) {
		int k = lm__batch_row(b, r, name, err);
		if (k == LM_EDATA) {
			/* Counted as read; the rows after it are still kept, so that
			 * duplicate ids among them are reported in the same run. */
			rc = LM_EDATA;
			lm__prepost_add_rejected(pp, wave);
			continue;
		}
		if (k != LM_OK)
			return k;
		const char *id = ids[r] ? ids[r] : "", *g = groups && groups[r] ? groups[r] : NULL;
		k = lm__prepost_add(pp, wave, id, strlen(id), g, g ? strlen(g) : 0, (unsigned long)r + 1, sc);
		if (k == LM_ENOMEM)
			return lm__error(err, LM_ENOMEM, name, 0, 0, "out of memory");
		if (k == LM_ELIMIT)
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
	int rc_pre = read_wave(pp, 0, pre, n_pre, pre_ids, pre_groups, names[0], err);
	int rc_post = read_wave(pp, 1, post, n_post, post_ids, NULL, names[1], err);
	return lm__prepost_finish(pp, rc_pre, rc_post, err);
}
