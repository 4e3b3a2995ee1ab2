/*
 * libra_measures — pre/post change analysis: pairing by respondent id,
 * change scores, Jacobson–Truax reliable change and clinical significance,
 * and per-scale summaries overall and by group.
 *
 * Each wave is read once as a stream; what is kept per row is its id, its
 * group (pre wave, with a group column), its row and line numbers (32 bits:
 * a wave of more than 2^32 - 2 rows or lines is refused with LM_ELIMIT), and
 * per scale its score (a float while every score is exactly one) and band:
 * 37 bytes for the four scales of the STSS, plus the id's text. The ids are
 * indexed once a wave is read, one wave at a time, by a hash keyed afresh
 * for each run (keyhash.c), so that no choice of ids, nor of group names,
 * makes the run slow. Per pair only the two row
 * indexes are kept: the RCI, reliable change and category of a pair are
 * recomputed from the scores when asked for. Cronbach's alpha is accumulated
 * while reading (running moments of the keyed items of complete rows).
 *
 * The two files of lm_prepost_run_files() are independent until they are
 * paired: with lm_prepost_set_threads() > 1 the post file is read on a
 * second thread, joined before the run goes on. Each wave then has its own
 * table, scorer, id text and diagnostics; the post file's diagnostics are
 * appended after the pre file's, so the results and the report are the same
 * as when the files are read one after the other.
 *
 * This file: the object and its options, the id index, duplicates and
 * pairing, the run functions and the results. Reading the waves is in
 * prepost-read.c, the statistics in prepost-stats.c, the writers in
 * prepost-write.c and prepost-summary.c; what they share is in
 * prepost-priv.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prepost-priv.h"

/* ---- ids ------------------------------------------------------------------------ */

/* The index is far larger than the caches: ids are hashed in batches, and
 * their slots fetched ahead, so that the memory accesses overlap. */
#define BATCH 16
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/*
 * Index of the row with this id (of keyed hash h), or LM_NO_INDEX; *slot gets
 * where it is or would go. The low bits of h choose the slot, the high 32 are
 * kept in it to spare most comparisons of ids.
 */
static size_t lookup(const struct wave *w, const char *id, size_t n, uint64_t h, size_t *slot)
{
	size_t mask = w->n_slots - 1, i = (size_t)h & mask;
	for (;; i = (i + 1) & mask) {
		uint64_t e = w->slots[i];
		if (!e) {
			if (slot)
				*slot = i;
			return LM_NO_INDEX;
		}
		if (e >> 32 != h >> 32)
			continue;
		size_t r = (size_t)(uint32_t)e - 1;
		if (id_len(w, r) == n && memcmp(w->text.s + w->id[r], id, n) == 0) {
			if (slot)
				*slot = i;
			return r;
		}
	}
}

/*
 * The lengths and hashes of the ids of rows r0 .. r0 + nb - 1 of @p w, with
 * the slots they will be looked up in (the index of @p in) fetched ahead.
 */
static void hash_batch(const lm_prepost *pp, const struct wave *w, size_t r0, size_t nb, const struct wave *in,
		       size_t *len, uint64_t *h)
{
	size_t mask = in->n_slots - 1;
	for (size_t b = 0; b < nb; b++) {
		len[b] = id_len(w, r0 + b);
		h[b] = lm__hash(&pp->key, w->text.s + w->id[r0 + b], len[b]);
		PREFETCH(&in->slots[(size_t)h[b] & mask]);
	}
}

/*
 * Index the ids of a wave that has been read, in row order, at a load of at
 * most one half (sized once: no rehashing, and no index is held while
 * reading). The first row of an id is indexed; it is marked dup = 1 when its
 * id occurs again, and the later rows dup = 2. Returns 0 when out of memory.
 */
int lm__prepost_index_wave(const lm_prepost *pp, struct wave *w)
{
	size_t n_slots = 1024;
	while (n_slots < 2 * w->n)
		n_slots *= 2;
	if (w->slots && w->n_slots == n_slots) {
		/* Memory handed over from the other wave's index: already mapped, so
		 * clearing it is cheaper than faulting in new pages. */
		memset(w->slots, 0, n_slots * sizeof(*w->slots));
	} else {
		free(w->slots);
		w->slots = calloc(n_slots, sizeof(*w->slots));
		w->n_slots = w->slots ? n_slots : 0;
		if (!w->slots)
			return 0;
		/* At a load of up to one half, the ids touch nearly every page of it. */
		lm__prepost_populate(w->slots, 0, n_slots * sizeof(*w->slots));
	}
	for (size_t r0 = 0; r0 < w->n; r0 += BATCH) {
		size_t nb = w->n - r0 < BATCH ? w->n - r0 : BATCH, len[BATCH];
		uint64_t h[BATCH];
		hash_batch(pp, w, r0, nb, w, len, h);
		for (size_t b = 0; b < nb; b++) {
			size_t r = r0 + b, slot;
			size_t first = lookup(w, w->text.s + w->id[r], len[b], h[b], &slot);
			if (first != LM_NO_INDEX) {
				w->dup[first] = 1;
				w->dup[r] = 2;
			} else {
				w->slots[slot] = h[b] >> 32 << 32 | (uint64_t)(r + 1);
			}
		}
	}
	return 1;
}

size_t lm__prepost_find(const lm_prepost *pp, const struct wave *w, const char *id, size_t len)
{
	return w->n_slots ? lookup(w, id, len, lm__hash(&pp->key, id, len), NULL) : LM_NO_INDEX;
}

static void unindex_wave(struct wave *w)
{
	free(w->slots);
	w->slots = NULL;
	w->n_slots = 0;
}

/* ---- lifetime and options ------------------------------------------------------------ */

int lm_prepost_new(lm_prepost **out, const lm_instrument *inst)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!inst)
		return LM_EINVAL;
	lm_prepost *pp = calloc(1, sizeof(*pp));
	if (!pp)
		return LM_ENOMEM;
	pp->id_column = lm__strdup("id");
	if (!pp->id_column) {
		free(pp);
		return LM_ENOMEM;
	}
	atomic_init(&pp->refs, 1);
	lm__instrument_ref(inst);
	pp->inst = inst;
	pp->reliability = NAN;
	pp->rci_sd = NAN;
	pp->delimiter = 0; /* detected, unless set here or by lm_prepost_set_table_options() */
	pp->threads = 1;
	*out = pp;
	return LM_OK;
}

void lm__prepost_wave_free(struct wave *w, size_t n_scales)
{
	lm__sb_free(&w->text);
	free(w->id);
	free(w->group);
	free(w->cluster);
	free(w->kept);
	lm__sb_free(&w->kept_text);
	free(w->row);
	free(w->line);
	free(w->dup);
	free(w->score);
	free(w->band);
	free(w->slots);
	free(w->id_column);
	for (size_t s = 0; s < n_scales; s++) {
		if (w->item_mean)
			free(w->item_mean[s]);
		if (w->item_m2)
			free(w->item_m2[s]);
	}
	free(w->item_mean);
	free(w->item_m2);
	free(w->total_m);
	memset(w, 0, sizeof(*w));
}

void lm__prepost_results_free(lm_prepost *pp)
{
	if (pp->later) {
		/* The two-wave fields borrow the first later wave's results. */
		for (size_t k = 0; k + 1 < pp->n_waves; k++) {
			struct later_wave *L = &pp->later[k];
			lm__prepost_wave_free(&L->w, pp->inst->n_scales);
			free(L->pre_row);
			free(L->post_row);
			free(L->sdiff);
			free(L->sum);
			free(L->rel_source);
			free(L->cmp_v);
			free(L->cmp_reason);
			free(L->flow);
			free(L->attr);
			free(L->attr_group);
			free(L->fit);
			free(L->effects);
		}
		free(pp->later);
		pp->later = NULL;
		pp->lent = NULL;
		for (size_t k = 0; k < pp->n_waves; k++)
			free(pp->run_names[k]);
		free(pp->run_names);
		pp->run_names = NULL;
		memset(&pp->w[1], 0, sizeof(pp->w[1]));
		pp->pre_row = pp->post_row = NULL;
		pp->sdiff = NULL;
		pp->sum = NULL;
		pp->rel_source = NULL;
		pp->cmp_v = NULL;
		pp->cmp_reason = NULL;
	}
	pp->n_waves = 0;
	pp->reference = 0;
	free(pp->icc);
	pp->icc = NULL;
	lm__names_clear(&pp->clusters);
	for (int k = 0; k < 2; k++)
		lm__prepost_wave_free(&pp->w[k], pp->inst->n_scales);
	lm__names_clear(&pp->groups);
	lm__prepost_keep_clear(pp);
	free(pp->pre_row);
	free(pp->post_row);
	free(pp->sdiff);
	free(pp->sum);
	free(pp->rel_source);
	free(pp->cmp_v);
	free(pp->cmp_reason);
	pp->pre_row = pp->post_row = NULL;
	pp->sdiff = NULL;
	pp->sum = NULL;
	pp->rel_source = NULL;
	pp->cmp_v = NULL;
	pp->cmp_reason = NULL;
	pp->n_pairs = 0;
	memset(pp->counts, 0, sizeof(pp->counts));
	pp->done = 0;
}

void lm_prepost_free(lm_prepost *pp)
{
	if (!pp || atomic_fetch_sub(&pp->refs, 1) != 1)
		return;
	lm__prepost_results_free(pp);
	free(pp->id_column);
	free(pp->group_column);
	free(pp->cluster_column);
	free(pp->reference_group);
	for (size_t k = 0; k < pp->n_keep; k++)
		free(pp->keep[k]);
	free(pp->keep);
	for (size_t k = 0; k < pp->n_wave_names; k++)
		free(pp->wave_names[k]);
	free(pp->wave_names);
	lm_table_free(pp->options);
	lm_instrument_free(lm__instrument_mutable(pp->inst));
	free(pp);
}

/* The analysis a report holds: taken through a const pointer, as lm__instrument_mutable() does. */
static lm_prepost *mutable_of(const lm_prepost *pp)
{
	union {
		const lm_prepost *c;
		lm_prepost *m;
	} u = {.c = pp};
	return u.m;
}

void lm__prepost_ref(const lm_prepost *pp)
{
	atomic_fetch_add(&mutable_of(pp)->refs, 1);
}

void lm__prepost_unref(const lm_prepost *pp)
{
	lm_prepost_free(mutable_of(pp));
}

static int set_string(char **dst, const char *s)
{
	char *p = NULL;
	if (s && !(p = lm__strdup(s)))
		return LM_ENOMEM;
	free(*dst);
	*dst = p;
	return LM_OK;
}

int lm_prepost_set_id_column(lm_prepost *pp, const char *name)
{
	if (!pp || !name || !*name)
		return LM_EINVAL;
	return set_string(&pp->id_column, name);
}

int lm_prepost_set_group_column(lm_prepost *pp, const char *name)
{
	if (!pp || (name && !*name))
		return LM_EINVAL;
	return set_string(&pp->group_column, name);
}

int lm_prepost_set_duplicates(lm_prepost *pp, int policy)
{
	if (!pp || (policy != LM_DUPLICATES_ERROR && policy != LM_DUPLICATES_EXCLUDE))
		return LM_EINVAL;
	pp->duplicates = policy;
	return LM_OK;
}

int lm_prepost_set_reliability(lm_prepost *pp, double r)
{
	if (!pp || (!isnan(r) && !(r > 0 && r < 1)))
		return LM_EINVAL;
	pp->reliability = r;
	return LM_OK;
}

int lm_prepost_set_rci_sd(lm_prepost *pp, double sd)
{
	if (!pp || (!isnan(sd) && !(sd > 0 && isfinite(sd))))
		return LM_EINVAL;
	pp->rci_sd = sd;
	return LM_OK;
}

int lm_prepost_set_table_options(lm_prepost *pp, const lm_table *like)
{
	if (!pp)
		return LM_EINVAL;
	lm_table *copy = NULL;
	if (like) {
		int rc = lm_table_new(&copy, pp->inst);
		if (rc == LM_OK)
			rc = lm__table_copy_options(copy, like);
		if (rc != LM_OK) {
			lm_table_free(copy);
			return rc;
		}
	}
	lm_table_free(pp->options);
	pp->options = copy;
	return LM_OK;
}

int lm_prepost_set_delimiter(lm_prepost *pp, char delimiter)
{
	if (!pp || delimiter == '"' || delimiter == '\r' || delimiter == '\n')
		return LM_EINVAL;
	pp->delimiter = delimiter;
	return LM_OK;
}

int lm_prepost_set_cluster_column(lm_prepost *pp, const char *name)
{
	if (!pp || (name && !*name))
		return LM_EINVAL;
	return set_string(&pp->cluster_column, name);
}

int lm_prepost_set_reference_group(lm_prepost *pp, const char *name)
{
	if (!pp || (name && !*name))
		return LM_EINVAL;
	return set_string(&pp->reference_group, name);
}

/* A wave name is text compared after trimming, as the wave column's values: it must not be blank. */
static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

int lm_prepost_set_waves(lm_prepost *pp, const char *const *names, size_t n)
{
	if (!pp || (n && !names) || n == 1 || n > LM__MAX_ROWS)
		return LM_EINVAL;
	for (size_t k = 0; k < n; k++) {
		if (!names[k] || blank(names[k]))
			return LM_EINVAL;
		for (size_t j = 0; j < k; j++)
			if (!strcmp(names[j], names[k]))
				return LM_EINVAL;
	}
	char **copy = n ? calloc(n, sizeof(*copy)) : NULL;
	if (n && !copy)
		return LM_ENOMEM;
	for (size_t k = 0; k < n; k++)
		if (!(copy[k] = lm__strdup(names[k]))) {
			while (k--)
				free(copy[k]);
			free(copy);
			return LM_ENOMEM;
		}
	for (size_t k = 0; k < pp->n_wave_names; k++)
		free(pp->wave_names[k]);
	free(pp->wave_names);
	pp->wave_names = copy;
	pp->n_wave_names = n;
	return LM_OK;
}

int lm_prepost_set_threads(lm_prepost *pp, unsigned threads)
{
	if (!pp || threads < 1)
		return LM_EINVAL;
	pp->threads = threads;
	return LM_OK;
}
/* ---- the run -------------------------------------------------------------------------------- */

/* Duplicate rows of a wave ordered by (first row of their id, row). */
struct dup_ref {
	size_t first, row;
};

static int cmp_dup(const void *a, const void *b)
{
	const struct dup_ref *x = a, *y = b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * Count the rows whose id occurs more than once in the wave, and report each
 * such id with all its rows when err is given. Returns -1 when out of memory.
 */
long lm__prepost_duplicates(lm_prepost *pp, struct wave *w, const char *wave_name, lm_error *err)
{
	size_t n = 0;
	for (size_t r = 0; r < w->n; r++)
		n += w->dup[r] != 0;
	w->dup_rows = n;
	if (!n || !err)
		return (long)n;
	struct dup_ref *refs = malloc(n * sizeof(*refs));
	if (!refs)
		return -1;
	size_t k = 0;
	for (size_t r = 0; r < w->n; r++)
		if (w->dup[r]) {
			const char *id = w->text.s + w->id[r];
			size_t len = id_len(w, r);
			/* later rows are not indexed */
			refs[k].first = lookup(w, id, len, lm__hash(&pp->key, id, len), NULL);
			refs[k++].row = r;
		}
	qsort(refs, n, sizeof(*refs), cmp_dup);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && refs[j].first == refs[i].first)
			j++;
		/* Up to 20 rows by number; the count is always exact. */
		char rows[1024];
		size_t used = 0;
		for (size_t q = i; q < j && q < i + 20; q++)
			used += (size_t)snprintf(rows + used, sizeof(rows) - used, "%s%lu (line %lu)", q > i ? ", " : "",
						 (unsigned long)w->row[refs[q].row], (unsigned long)w->line[refs[q].row]);
		if (j - i > 20)
			snprintf(rows + used, sizeof(rows) - used, " and %zu more", j - i - 20);
		size_t first = refs[i].first;
		lm__error(err, LM_EDATA, w->name, w->line[first], 0,
			  "id \"%s\" occurs %zu times in the %s wave, at data rows %s; fix the data, or leave them "
			  "unpaired (duplicates policy: exclude)",
			  w->text.s + w->id[first], j - i, wave_name, rows);
		i = j;
	}
	free(refs);
	return (long)n;
}

int lm__prepost_pair_up(lm_prepost *pp)
{
	struct wave *pre = &pp->w[0], *post = &pp->w[1];
	/* Both waves are at most LM__MAX_ROWS rows (keep_row), so the indexes fit. */
	pp->pre_row = malloc((pre->n ? pre->n : 1) * sizeof(*pp->pre_row));
	pp->post_row = malloc((pre->n ? pre->n : 1) * sizeof(*pp->post_row));
	unsigned char *used = calloc(post->n ? post->n : 1, 1);
	if (!pp->pre_row || !pp->post_row || !used) {
		free(used);
		return 0;
	}
	unsigned long pre_only = 0;
	for (size_t r0 = 0; r0 < pre->n; r0 += BATCH) {
		size_t nb = pre->n - r0 < BATCH ? pre->n - r0 : BATCH, len[BATCH];
		uint64_t h[BATCH];
		hash_batch(pp, pre, r0, nb, post, len, h);
		for (size_t b = 0; b < nb; b++) {
			size_t r = r0 + b;
			if (pre->dup[r])
				continue;
			size_t q = lookup(post, pre->text.s + pre->id[r], len[b], h[b], NULL);
			if (q == LM_NO_INDEX || post->dup[q]) {
				pre_only++;
				continue;
			}
			used[q] = 1;
			pp->pre_row[pp->n_pairs] = (uint32_t)r;
			pp->post_row[pp->n_pairs++] = (uint32_t)q;
		}
	}
	/* The post index is not looked up again: give its memory back. */
	unindex_wave(post);
	unsigned long post_only = 0;
	for (size_t q = 0; q < post->n; q++)
		post_only += !post->dup[q] && !used[q];
	free(used);
	pp->counts[LM_PREPOST_COUNT_PAIRS] = pp->n_pairs;
	pp->counts[LM_PREPOST_COUNT_PRE_ONLY] = pre_only;
	pp->counts[LM_PREPOST_COUNT_POST_ONLY] = post_only;
	return 1;
}

/* Nobody was paired: the error, with what was compared (prepost-nopairs.c). */
int lm__prepost_no_pairs(const lm_prepost *pp, const struct read_job *long_job, lm_error *err)
{
	struct lm_nopairs_wave w[2];
	for (int k = 0; k < 2; k++) {
		const struct wave *v = &pp->w[k];
		w[k] = (struct lm_nopairs_wave){.name = v->name, .id_column = v->id_column, .rows = v->rows,
						.dup_rows = v->dup_rows, .n = v->n};
		for (size_t r = 0; r < v->n && r < 3; r++)
			w[k].first[r] = v->text.s + v->id[r];
	}
	struct lm_nopairs_long lf;
	if (long_job)
		lf = (struct lm_nopairs_long){.path = long_job->path, .column = long_job->wave_column,
					      .values = {long_job->values[0], long_job->values[1]},
					      .other = &long_job->other};
	return lm__no_pairs_error(err, w, long_job ? &lf : NULL);
}

/*
 * After reading: the row counts (kept even when the run fails, for the
 * reconciliation), then duplicates, then the analysis. Reading problems and
 * duplicate ids are reported together.
 */
static int finish(lm_prepost *pp, int read_pre, int read_post, const struct read_job *long_job, lm_error *err)
{
	for (int k = 0; k < 2; k++) {
		int rc = k ? read_post : read_pre;
		if (rc != LM_OK && rc != LM_EDATA)
			return rc;
	}
	pp->counts[LM_PREPOST_COUNT_PRE_ROWS] = pp->w[0].rows;
	pp->counts[LM_PREPOST_COUNT_POST_ROWS] = pp->w[1].rows;
	pp->counts[LM_PREPOST_COUNT_NO_ID] = pp->w[0].no_id + pp->w[1].no_id;
	/* Under LM_DUPLICATES_EXCLUDE duplicates are counted, not reported as errors.
	 * One id index at a time: the pre wave's serves only its duplicates; the
	 * post wave's also the pairing. */
	lm_error *dup_err = pp->duplicates == LM_DUPLICATES_ERROR ? err : NULL;
	long d0 = -1, d1 = -1;
	if (lm__prepost_index_wave(pp, &pp->w[0]))
		d0 = lm__prepost_duplicates(pp, &pp->w[0], "pre", dup_err);
	unindex_wave(&pp->w[1]);
	pp->w[1].slots = pp->w[0].slots; /* for index_wave() to reuse */
	pp->w[1].n_slots = pp->w[0].n_slots;
	pp->w[0].slots = NULL;
	pp->w[0].n_slots = 0;
	if (d0 >= 0 && lm__prepost_index_wave(pp, &pp->w[1]))
		d1 = lm__prepost_duplicates(pp, &pp->w[1], "post", dup_err);
	if (d0 < 0 || d1 < 0)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	pp->counts[LM_PREPOST_COUNT_DUPLICATE_ID] = (unsigned long)(d0 + d1);
	if (read_pre != LM_OK || read_post != LM_OK || (d0 + d1 && dup_err))
		return LM_EDATA;
	if (!lm__prepost_pair_up(pp))
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	if (!pp->n_pairs)
		return lm__prepost_no_pairs(pp, long_job, err);
	int rc = lm__prepost_analyse(pp, err);
	if (rc == LM_OK)
		pp->n_waves = 2;
	return rc;
}

int lm_prepost_run_files(lm_prepost *pp, const char *pre_path, const char *post_path, lm_error *err)
{
	if (!pp || !pre_path || !post_path)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_prepost_run_files");
	lm__prepost_results_free(pp);
	lm__hash_key_new(&pp->key);
	pp->groups.key = pp->key;
	pp->clusters.key = pp->key;
	if (!lm__prepost_wave_init(pp, &pp->w[0], pre_path) || !lm__prepost_wave_init(pp, &pp->w[1], post_path))
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	/* Read both waves even when the first has problems, so all are reported. */
	pp->long_form = 0;
	struct read_job jobs[2] = {{.pp = pp, .path = pre_path, .into = &pp->w[0], .err = err},
				   {.pp = pp, .path = post_path, .into = &pp->w[1], .err = err}};
	lm__prepost_read_tables(pp, jobs, 2, err);
	return finish(pp, jobs[0].rc, jobs[1].rc, NULL, err);
}

int lm_prepost_run_long_file(lm_prepost *pp, const char *path, const char *wave_column, const char *pre_value,
			     const char *post_value, lm_error *err)
{
	if (!pp || !path || !wave_column || !pre_value || !post_value || !strcmp(pre_value, post_value))
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "invalid argument to lm_prepost_run_long_file (the two wave values must differ)");
	lm__prepost_results_free(pp);
	lm__hash_key_new(&pp->key);
	pp->groups.key = pp->key;
	pp->clusters.key = pp->key;
	if (!lm__prepost_wave_init(pp, &pp->w[0], path) || !lm__prepost_wave_init(pp, &pp->w[1], path))
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	const char *const values[2] = {pre_value, post_value};
	struct wave *const waves[2] = {&pp->w[0], &pp->w[1]};
	pp->long_form = 1;
	struct read_job job = {.pp = pp, .path = path, .wave_column = wave_column, .values = values,
			       .waves = waves, .n_values = 2, .err = err};
	lm__prepost_read_tables(pp, &job, 1, err);
	return finish(pp, job.rc, LM_OK, &job, err);
}

/* ---- other wave sources (prepost-priv.h) ------------------------------------------------ */

int lm__prepost_start(lm_prepost *pp, const char *pre_name, const char *post_name)
{
	lm__prepost_results_free(pp);
	pp->long_form = 0;
	if (!lm__prepost_wave_init(pp, &pp->w[0], pre_name) || !lm__prepost_wave_init(pp, &pp->w[1], post_name))
		return LM_ENOMEM;
	return LM_OK;
}

int lm__prepost_grouped(const lm_prepost *pp)
{
	return pp->group_column != NULL;
}

int lm__prepost_finish(lm_prepost *pp, int rc_pre, int rc_post, lm_error *err)
{
	return finish(pp, rc_pre, rc_post, NULL, err);
}

/* ---- results --------------------------------------------------------------------------- */

size_t lm_prepost_all_groups(void)
{
	return LM_PREPOST_ALL_GROUPS;
}

const lm_instrument *lm_prepost_instrument(const lm_prepost *pp)
{
	return pp ? pp->inst : NULL;
}

unsigned long lm_prepost_count(const lm_prepost *pp, int which)
{
	return pp && which >= 0 && which <= LM_PREPOST_COUNT_BLANK ? pp->counts[which] : 0;
}

static const struct summary *summary_of(const lm_prepost *pp, size_t scale, size_t group)
{
	if (!pp || !pp->done || scale >= pp->inst->n_scales)
		return NULL;
	size_t g = group == LM_PREPOST_ALL_GROUPS ? 0 : group + 1;
	if (g > pp->groups.n)
		return NULL;
	return summary_at(pp, scale, g);
}

double lm_prepost_stat(const lm_prepost *pp, size_t scale, size_t group, int which)
{
	const struct summary *s = summary_of(pp, scale, group);
	return s && which >= 0 && which <= LM_PREPOST_STAT_RECOVERED ? s->v[which] : NAN;
}

const char *lm_prepost_stat_reason(const lm_prepost *pp, size_t scale, size_t group, int which)
{
	const struct summary *s = summary_of(pp, scale, group);
	if (!s || which < 0 || which > LM_PREPOST_STAT_RECOVERED)
		return "no such statistic";
	return s->why[which];
}

int lm_prepost_reliability_source(const lm_prepost *pp, size_t scale)
{
	return pp && pp->done && scale < pp->inst->n_scales ? pp->rel_source[scale] : LM_RELIABILITY_NONE;
}

size_t lm_prepost_group_count(const lm_prepost *pp)
{
	return pp && pp->done ? pp->groups.n : 0;
}

const char *lm_prepost_group_name(const lm_prepost *pp, size_t g)
{
	return pp && pp->done && g < pp->groups.n ? lm__names_get(&pp->groups, g) : NULL;
}

double lm_prepost_compare(const lm_prepost *pp, size_t scale, int which)
{
	if (!pp || !pp->done || scale >= pp->inst->n_scales || which < 0 || which > LM_PREPOST_COMPARE_HEDGES_G)
		return NAN;
	return compare_values(pp, scale)[which];
}

const char *lm_prepost_compare_reason(const lm_prepost *pp, size_t scale, int which)
{
	if (!pp || !pp->done || scale >= pp->inst->n_scales || which < 0 || which > LM_PREPOST_COMPARE_HEDGES_G)
		return "no such statistic";
	return compare_reasons(pp, scale)[which];
}

size_t lm_prepost_respondent_count(const lm_prepost *pp)
{
	return pp && pp->done ? pp->n_pairs : 0;
}

static int pair_ok(const lm_prepost *pp, size_t r, size_t scale)
{
	return pp && pp->done && r < pp->n_pairs && scale < pp->inst->n_scales;
}

const char *lm_prepost_respondent_id(const lm_prepost *pp, size_t r)
{
	return pair_ok(pp, r, 0) ? pp->w[0].text.s + pp->w[0].id[pp->pre_row[r]] : NULL;
}

const char *lm_prepost_respondent_group(const lm_prepost *pp, size_t r)
{
	if (!pair_ok(pp, r, 0) || !pp->group_column)
		return NULL;
	unsigned g = pp->w[0].group[pp->pre_row[r]];
	return g ? lm__names_get(&pp->groups, g - 1) : "";
}

double lm_prepost_respondent_score(const lm_prepost *pp, size_t r, size_t scale, int wave)
{
	if (!pair_ok(pp, r, scale) || (wave != 0 && wave != 1))
		return NAN;
	size_t row = wave ? pp->post_row[r] : pp->pre_row[r];
	return score_at(&pp->w[wave], row * pp->inst->n_scales + scale);
}

long lm_prepost_respondent_band(const lm_prepost *pp, size_t r, size_t scale, int wave)
{
	if (!pair_ok(pp, r, scale) || (wave != 0 && wave != 1))
		return -1;
	size_t row = wave ? pp->post_row[r] : pp->pre_row[r];
	return pp->w[wave].band[row * pp->inst->n_scales + scale];
}

double lm_prepost_respondent_rci(const lm_prepost *pp, size_t r, size_t scale)
{
	return pair_ok(pp, r, scale) ? pair_change(pp, r, scale).rci : NAN;
}

int lm_prepost_respondent_reliable(const lm_prepost *pp, size_t r, size_t scale)
{
	return pair_ok(pp, r, scale) ? pair_change(pp, r, scale).reliable : LM_RELIABLE_UNKNOWN;
}

int lm_prepost_respondent_category(const lm_prepost *pp, size_t r, size_t scale)
{
	return pair_ok(pp, r, scale) ? pair_change(pp, r, scale).category : LM_CATEGORY_UNKNOWN;
}

const char *lm_reliable_name(int reliable)
{
	switch (reliable) {
	case LM_RELIABLE_NONE: return "none";
	case LM_RELIABLE_IMPROVED: return "improved";
	case LM_RELIABLE_DETERIORATED: return "deteriorated";
	default: return NULL;
	}
}

const char *lm_category_name(int category)
{
	switch (category) {
	case LM_CATEGORY_RECOVERED: return "recovered";
	case LM_CATEGORY_IMPROVED: return "improved";
	case LM_CATEGORY_UNCHANGED: return "unchanged";
	case LM_CATEGORY_DETERIORATED: return "deteriorated";
	default: return NULL;
	}
}
