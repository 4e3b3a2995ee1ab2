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
 */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keyhash-priv.h"
#include "nopairs-priv.h"
#include "output-priv.h"
#include "prepost-priv.h"
#include "stats-priv.h"

#define RCI_CRITICAL 1.96

/* Rows kept per wave, and row and line numbers, are 32-bit; (uint32_t)-1 is reserved. */
#define MAX_ROWS 0xFFFFFFFEu

/* ---- growing storage ---------------------------------------------------------- */

struct text {
	char *p;
	size_t len, cap;
};

/* Append s and return its offset, or (size_t)-1 when out of memory. */
static size_t text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p)
			return LM_NO_INDEX;
		t->p = p;
		t->cap = cap;
	}
	size_t off = t->len;
	memcpy(t->p + off, s, n);
	t->p[off + n] = '\0';
	t->len += n + 1;
	return off;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 1;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return 0;
	*p = q;
	*cap = c;
	return 1;
}

/* One wave's rows that have an id. */
struct wave {
	const char *name;        /* file name for diagnostics */
	size_t n, cap;           /* rows kept */
	struct text text;        /* the ids, each followed by a NUL */
	size_t *id;              /* offsets into text */
	unsigned *group;         /* group index + 1, 0 = none; pre wave with a group column only */
	uint32_t *row, *line;    /* data row and line numbers, for duplicate reports */
	unsigned char *dup;      /* id occurs more than once in this wave */
	/* n * n_scales scores: floats while every score is exactly a float (sums
	 * of whole item values are), doubles (wide) from the first that is not. */
	void *score;
	int wide;
	signed char *band;       /* n * n_scales */
	/* Open-addressing hash of ids, built once the wave is read (index_wave):
	 * (high 32 bits of the id's keyed hash << 32) | (row index + 1), 0 =
	 * empty. The stored bits spare most comparisons of ids. */
	uint64_t *slots;
	size_t n_slots;
	unsigned long rows, no_id, dup_rows, other;
	char *id_column;         /* the id column's name as in the header (for messages), or NULL */
	/* Cronbach's alpha: per scale, moments of each keyed item and of the total, complete rows only */
	struct lm_moments **item_m, *total_m;
};

struct summary {
	double v[LM_STAT_RECOVERED + 1];
	const char *why[LM_STAT_RECOVERED + 1];
};

struct lm_prepost {
	const struct lm_instrument *inst;
	char *id_column, *group_column;
	lm_table *options; /* reading options to copy to each wave's table, or NULL */
	int duplicates;
	double reliability, rci_sd;
	char delimiter;
	unsigned threads;  /* lm_prepost_set_threads() */
	int long_form; /* the last run read one long file */
	int done;

	/* Ids and group names are indexed by a hash under this key, drawn afresh
	 * for each run: data cannot choose their slots (keyhash-priv.h). */
	struct lm_hash_key key;
	struct lm_names groups; /* the group names, in order of first appearance */
	struct wave w[2];
	unsigned long counts[LM_COUNT_BLANK + 1];

	/* pairs, in pre order: row indexes into w[0] and w[1] */
	size_t n_pairs;
	uint32_t *pre_row, *post_row;
	double *sdiff; /* per scale, the RCI's denominator (NaN when there is none) */

	/* per scale: summaries for all (index 0) and each group (1..n_groups) */
	struct summary *sum;
	int *rel_source;
	double *cmp_v;            /* per scale, the 5 lm_prepost_compare values */
	const char **cmp_reason;
};

static inline double score_at(const struct wave *w, size_t k)
{
	return w->wide ? ((const double *)w->score)[k] : (double)((const float *)w->score)[k];
}

static int fits_float(double v)
{
	return isnan(v) || (fabs(v) <= FLT_MAX && (double)(float)v == v);
}

/* Turn the first `used` scores into doubles (at the first score that is not
 * a float: with means, in the first rows). Returns 0 when out of memory. */
static int widen(struct wave *w, size_t ns, size_t used)
{
	double *d = malloc((w->cap ? w->cap : 1) * ns * sizeof(*d));
	if (!d)
		return 0;
	const float *f = w->score;
	for (size_t i = 0; i < used; i++)
		d[i] = (double)f[i];
	free(w->score);
	w->score = d;
	w->wide = 1;
	return 1;
}

/* ---- ids ------------------------------------------------------------------------ */

/* The length of row r's id: the ids are stored one after the other, each with a NUL. */
static inline size_t id_len(const struct wave *w, size_t r)
{
	return (r + 1 < w->n ? w->id[r + 1] : w->text.len) - w->id[r] - 1;
}

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
		if (id_len(w, r) == n && memcmp(w->text.p + w->id[r], id, n) == 0) {
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
		h[b] = lm__hash(&pp->key, w->text.p + w->id[r0 + b], len[b]);
		PREFETCH(&in->slots[(size_t)h[b] & mask]);
	}
}

/*
 * Index the ids of a wave that has been read, in row order, at a load of at
 * most one half (sized once: no rehashing, and no index is held while
 * reading). The first row of an id is indexed; it is marked dup = 1 when its
 * id occurs again, and the later rows dup = 2. Returns 0 when out of memory.
 */
static int index_wave(const lm_prepost *pp, struct wave *w)
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
	}
	for (size_t r0 = 0; r0 < w->n; r0 += BATCH) {
		size_t nb = w->n - r0 < BATCH ? w->n - r0 : BATCH, len[BATCH];
		uint64_t h[BATCH];
		hash_batch(pp, w, r0, nb, w, len, h);
		for (size_t b = 0; b < nb; b++) {
			size_t r = r0 + b, slot;
			size_t first = lookup(w, w->text.p + w->id[r], len[b], h[b], &slot);
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

static void unindex_wave(struct wave *w)
{
	free(w->slots);
	w->slots = NULL;
	w->n_slots = 0;
}

/* The number (index + 1) of a group name, added if new; 0 when out of memory. */
static unsigned intern_group(struct lm_prepost *pp, const char *s, size_t n)
{
	return (unsigned)lm__names_intern(&pp->groups, s, n);
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
	lm__instrument_ref(inst);
	pp->inst = inst;
	pp->reliability = NAN;
	pp->rci_sd = NAN;
	pp->delimiter = 0; /* detected, unless set here or by lm_prepost_set_table_options() */
	pp->threads = 1;
	*out = pp;
	return LM_OK;
}

static void wave_free(struct wave *w, size_t n_scales)
{
	free(w->text.p);
	free(w->id);
	free(w->group);
	free(w->row);
	free(w->line);
	free(w->dup);
	free(w->score);
	free(w->band);
	free(w->slots);
	free(w->id_column);
	if (w->item_m)
		for (size_t s = 0; s < n_scales; s++)
			free(w->item_m[s]);
	free(w->item_m);
	free(w->total_m);
	memset(w, 0, sizeof(*w));
}

static void results_free(lm_prepost *pp)
{
	for (int k = 0; k < 2; k++)
		wave_free(&pp->w[k], pp->inst->n_scales);
	lm__names_clear(&pp->groups);
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
	if (!pp)
		return;
	results_free(pp);
	free(pp->id_column);
	free(pp->group_column);
	lm_table_free(pp->options);
	lm_instrument_free(lm__instrument_mutable(pp->inst));
	free(pp);
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

int lm_prepost_set_threads(lm_prepost *pp, unsigned threads)
{
	if (!pp || threads < 1)
		return LM_EINVAL;
	pp->threads = threads;
	return LM_OK;
}

/* ---- reading a wave ------------------------------------------------------------------ */

static int wave_init(lm_prepost *pp, struct wave *w, const char *name)
{
	size_t ns = pp->inst->n_scales;
	w->name = name;
	w->item_m = calloc(ns, sizeof(*w->item_m));
	w->total_m = calloc(ns, sizeof(*w->total_m));
	if (!w->item_m || !w->total_m)
		return 0;
	for (size_t s = 0; s < ns; s++)
		if (!(w->item_m[s] = calloc(pp->inst->scales[s].n_items, sizeof(**w->item_m))))
			return 0;
	return 1;
}

/* lm__moments_add(), inlined: the same operations, so the same results. */
static inline void moments_add(struct lm_moments *m, double x)
{
	m->n++;
	double d = x - m->mean;
	m->mean += d / (double)m->n;
	m->m2 += d * (x - m->mean);
}

/* Alpha's running moments: the keyed items of a scale, when all are answered
 * (the scorer's keyed value of an answered item is lm__key() of its value). */
static void add_alpha(const lm_prepost *pp, struct wave *w, const lm_scorer *sc)
{
	for (size_t s = 0; s < pp->inst->n_scales; s++) {
		const struct lm_scale *scale = &pp->inst->scales[s];
		if (lm__scorer_answered(sc, s) != scale->n_items)
			continue;
		double total = 0;
		struct lm_moments *m = w->item_m[s];
		for (size_t k = 0; k < scale->n_items; k++) {
			double v = lm__scorer_keyed(sc, scale->items[k]);
			moments_add(&m[k], v);
			total += v;
		}
		moments_add(&w->total_m[s], total);
	}
}

/*
 * Keep one scored row with this id and (pre wave, with a group column) group
 * text, from any source. Returns LM_OK, LM_ENOMEM, or LM_ELIMIT past MAX_ROWS.
 */
static int keep(lm_prepost *pp, struct wave *w, const char *id, size_t id_len, const char *g, size_t glen,
		unsigned long row, unsigned long line, const lm_scorer *sc)
{
	size_t ns = pp->inst->n_scales;
	int grouped = pp->group_column && w == &pp->w[0];
	size_t trimmed = id_len, start = 0;
	while (start < trimmed && (id[start] == ' ' || id[start] == '\t'))
		start++;
	while (trimmed > start && (id[trimmed - 1] == ' ' || id[trimmed - 1] == '\t'))
		trimmed--;
	if (trimmed == start) {
		w->no_id++;
		return LM_OK;
	}
	/* Ids are text, compared exactly as written (no trimming of inner spaces,
	 * leading zeros kept); only surrounding blanks are dropped. */
	id += start;
	id_len = trimmed - start;
	size_t r = w->n, old_cap = w->cap;
	if (r >= MAX_ROWS || row > MAX_ROWS || line > MAX_ROWS)
		return LM_ELIMIT;
	if (!grow((void **)&w->id, &w->cap, r + 1, sizeof(*w->id)))
		return LM_ENOMEM;
	size_t cap = w->cap;
	/* The other per-row arrays follow the ids' capacity, when it grew. An
	 * allocation failure fails the whole read, so a partial growth is never used. */
	if (cap != old_cap) {
		void *p;
		if (grouped) {
			if (!(p = realloc(w->group, cap * sizeof(*w->group))))
				return LM_ENOMEM;
			w->group = p;
		}
		if (!(p = realloc(w->row, cap * sizeof(*w->row))))
			return LM_ENOMEM;
		w->row = p;
		if (!(p = realloc(w->line, cap * sizeof(*w->line))))
			return LM_ENOMEM;
		w->line = p;
		if (!(p = realloc(w->dup, cap)))
			return LM_ENOMEM;
		w->dup = p;
		if (!(p = realloc(w->score, cap * ns * (w->wide ? sizeof(double) : sizeof(float)))))
			return LM_ENOMEM;
		w->score = p;
		if (!(p = realloc(w->band, cap * ns)))
			return LM_ENOMEM;
		w->band = p;
	}

	size_t off = text_add(&w->text, id, id_len);
	if (off == LM_NO_INDEX)
		return LM_ENOMEM;
	w->id[r] = off;
	w->row[r] = (uint32_t)row;
	w->line[r] = (uint32_t)line;
	w->dup[r] = 0;
	/* The group is the pre row's; groups are numbered in order of first appearance there. */
	if (grouped) {
		w->group[r] = 0;
		while (glen && (*g == ' ' || *g == '\t'))
			g++, glen--;
		while (glen && (g[glen - 1] == ' ' || g[glen - 1] == '\t'))
			glen--;
		if (glen && !(w->group[r] = intern_group(pp, g, glen)))
			return LM_ENOMEM;
	}
	for (size_t s = 0; s < ns; s++) {
		double v = lm__scorer_score(sc, s);
		if (!w->wide && !fits_float(v) && !widen(w, ns, r * ns + s))
			return LM_ENOMEM;
		if (w->wide)
			((double *)w->score)[r * ns + s] = v;
		else
			((float *)w->score)[r * ns + s] = (float)v;
		w->band[r * ns + s] = (signed char)lm__scorer_band(sc, s);
	}
	w->n++;
	return LM_OK;
}

/* Keep the table's current row, scored. */
static int keep_row(lm_prepost *pp, struct wave *w, const lm_table *t, const lm_scorer *sc, size_t group_col)
{
	size_t id_len, glen = 0;
	const char *id = lm_table_row_id(t, &id_len), *g = NULL;
	if (group_col != LM_NO_INDEX)
		g = lm_table_column_value(t, group_col, &glen);
	return keep(pp, w, id, id_len, g, glen, lm_table_row(t), lm_table_line(t), sc);
}

/* One table to read (read_table()), and what reading it found. */
struct read_job {
	lm_prepost *pp;
	const char *path;
	struct wave *into;         /* the wave of every row (two-file form), or NULL: */
	const char *wave_column;   /* the column that says which (long form), */
	const char *const *values; /* with its pre and post values */
	lm_error *err;
	unsigned long rejected, other_wave, blank;
	struct lm_other_values other; /* long form: the values of neither wave */
	int rc;
};

/*
 * Read one table into waves: the whole table into `into` (two-file form), or
 * by the wave column into pp->w[0] / pp->w[1] (long form). Writes only the
 * job, its waves and (pre wave only) the group names, so that the two files
 * of a run can be read at the same time.
 */
static int read_table(struct read_job *job)
{
	lm_prepost *pp = job->pp;
	const char *path = job->path, *wave_column = job->wave_column;
	const char *const *values = job->values;
	struct wave *into = job->into;
	lm_error *err = job->err;
	lm_table *t = NULL;
	lm_scorer *sc = NULL;
	size_t group_col = LM_NO_INDEX, wave_col = LM_NO_INDEX;
	int rc = lm_table_new(&t, pp->inst);
	if (rc == LM_OK && pp->options)
		rc = lm__table_copy_options(t, pp->options);
	if (rc == LM_OK)
		rc = lm_scorer_new(&sc, pp->inst);
	if (rc == LM_OK)
		rc = lm_table_set_id_column(t, pp->id_column);
	if (rc == LM_OK && pp->delimiter)
		rc = lm_table_set_delimiter(t, pp->delimiter);
	if (rc == LM_OK && pp->group_column)
		rc = lm_table_require_column(t, pp->group_column, &group_col);
	if (rc == LM_OK && wave_column)
		rc = lm_table_require_column(t, wave_column, &wave_col);
	if (rc == LM_OK)
		rc = lm_table_open_file(t, path, err);
	for (int k = 0; k < 2 && rc == LM_OK; k++) {
		struct wave *w = into ? into : &pp->w[k];
		const char *name = lm_table_id_column(t);
		if (name && !w->id_column && !(w->id_column = lm__strdup(name)))
			rc = lm__error(err, LM_ENOMEM, path, 0, 0, "out of memory");
	}
	int bad_rows = 0;
	while (rc == LM_OK) {
		int r = lm_table_next(t, sc, err);
		if (r == 0)
			break;
		if (r < 0 && r != LM_EDATA) {
			rc = r;
			break;
		}
		struct wave *w = into;
		if (wave_col != LM_NO_INDEX) {
			size_t len;
			const char *v = lm_table_column_value(t, wave_col, &len);
			while (len && (*v == ' ' || *v == '\t'))
				v++, len--;
			while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
				len--;
			w = NULL;
			for (int k = 0; k < 2; k++)
				if (v && strlen(values[k]) == len && memcmp(values[k], v, len) == 0)
					w = &pp->w[k];
			if (!w)
				lm__other_values_note(&job->other, v ? v : "", v ? len : 0);
		}
		/* A rejected row still counts as read; the good rows after it are kept,
		 * so that duplicate ids among them are reported in the same run. */
		if (r == LM_EDATA) {
			bad_rows = 1;
			job->rejected++;
			if (w)
				w->rows++;
			else
				job->other_wave++;
			continue;
		}
		if (!w) {
			job->other_wave++;
			continue;
		}
		w->rows++;
		int kept = keep_row(pp, w, t, sc, group_col);
		if (kept == LM_ENOMEM)
			rc = lm__error(err, LM_ENOMEM, path, 0, 0, "out of memory");
		else if (kept == LM_ELIMIT)
			rc = lm__error(err, LM_ELIMIT, path, lm_table_line(t), 0,
				       "more than %lu rows or lines in a wave: pre/post analysis keeps 32-bit row numbers",
				       (unsigned long)MAX_ROWS);
		else
			add_alpha(pp, w, sc);
	}
	if (rc == LM_OK && bad_rows)
		rc = LM_EDATA;
	job->blank = lm_table_rows_blank(t);
	lm_scorer_free(sc);
	lm_table_free(t);
	return job->rc = rc;
}

static void *read_table_thread(void *job)
{
	read_table(job);
	return NULL;
}

/*
 * Read the jobs' tables: one after the other, or with more than one thread
 * allowed, the second on a thread of its own with its own diagnostics,
 * appended to the first's when it is done. Where no thread can be started
 * the second is read after the first, as with one thread.
 */
static void read_tables(lm_prepost *pp, struct read_job *jobs, size_t n, lm_error *err)
{
	pthread_t thread;
	lm_error *own = NULL;
	int started = 0;
	if (n == 2 && pp->threads > 1 && (!err || lm_error_new(&own) == LM_OK)) {
		jobs[1].err = own;
		started = pthread_create(&thread, NULL, read_table_thread, &jobs[1]) == 0;
		if (!started) {
			lm_error_free(own);
			own = NULL;
			jobs[1].err = err;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (k == 1 && started) {
			pthread_join(thread, NULL);
			lm__error_move(err, own);
			lm_error_free(own);
		} else {
			read_table(&jobs[k]);
		}
		pp->counts[LM_COUNT_REJECTED] += jobs[k].rejected;
		pp->counts[LM_COUNT_OTHER_WAVE] += jobs[k].other_wave;
		pp->counts[LM_COUNT_BLANK] += jobs[k].blank;
	}
}

/* ---- statistics --------------------------------------------------------------------- */

/*
 * Why a statistic whose inputs were all there is still not a number: its
 * computation overflowed (item values near the largest double).
 */
static const char OVERFLOW[] = "too large to compute in double precision";

/*
 * Store statistic @p which: @p why is the reason when its inputs were not
 * there (then @p v is NaN), NULL when they were; a value that is still not
 * finite overflowed, and says so.
 */
static void put(struct summary *s, int which, double v, const char *why)
{
	if (!why && isfinite(v)) {
		s->v[which] = v;
		s->why[which] = NULL;
	} else {
		s->v[which] = NAN;
		s->why[which] = why ? why : OVERFLOW;
	}
}

static double alpha(const struct lm_moments *items, size_t k, const struct lm_moments *total, const char **why)
{
	if (k < 2) {
		*why = "alpha needs at least 2 items";
		return NAN;
	}
	if (total->n < 2) {
		*why = "fewer than 2 rows with every item answered";
		return NAN;
	}
	double var_total = lm__moments_var(total);
	if (!(var_total > 0)) {
		*why = "zero variance of the total";
		return NAN;
	}
	if (!isfinite(var_total)) {
		*why = OVERFLOW;
		return NAN;
	}
	double sum_var = 0;
	for (size_t i = 0; i < k; i++)
		sum_var += lm__moments_var(&items[i]);
	*why = NULL;
	return (double)k / (double)(k - 1) * (1 - sum_var / var_total);
}

/* Running moments of the pairs of one group (or all) on one scale. */
struct change_moments {
	struct lm_moments pre, post, ch;
};

static void moments_add_pair(struct change_moments *c, double a, double b)
{
	lm__moments_add(&c->pre, a);
	lm__moments_add(&c->post, b);
	lm__moments_add(&c->ch, b - a);
}

/*
 * Accumulate the moments of every group (m[0]: all pairs, m[g]: group g) on
 * scale s in one pass over the pairs, in pair order: the cost does not grow
 * with the number of groups. m has n_groups + 1 entries, zeroed.
 */
static void change_moments(const lm_prepost *pp, size_t s, struct change_moments *m)
{
	size_t ns = pp->inst->n_scales;
	const unsigned *group = pp->groups.n ? pp->w[0].group : NULL;
	for (size_t i = 0; i < pp->n_pairs; i++) {
		double a = score_at(&pp->w[0], (size_t)pp->pre_row[i] * ns + s);
		double b = score_at(&pp->w[1], (size_t)pp->post_row[i] * ns + s);
		if (isnan(a) || isnan(b))
			continue;
		unsigned g = group ? group[pp->pre_row[i]] : 0;
		moments_add_pair(&m[0], a, b);
		if (g)
			moments_add_pair(&m[g], a, b);
	}
}

/* Paired change statistics from the moments of a group's (or all) pairs. */
static void change_stats(const struct change_moments *m, struct summary *out)
{
	const struct lm_moments *pre = &m->pre, *post = &m->post, *ch = &m->ch;
	const char *few = "fewer than 2 pairs with a score at both waves";
	const char *none = "no pair with a score at both waves";
	put(out, LM_STAT_PRE_N, (double)pre->n, NULL);
	put(out, LM_STAT_POST_N, (double)post->n, NULL);
	put(out, LM_STAT_CHANGE_N, (double)ch->n, NULL);
	put(out, LM_STAT_PRE_MEAN, pre->mean, pre->n ? NULL : none);
	put(out, LM_STAT_POST_MEAN, post->mean, post->n ? NULL : none);
	put(out, LM_STAT_CHANGE_MEAN, ch->mean, ch->n ? NULL : none);
	double sd_pre = lm__moments_sd(pre), sd_post = lm__moments_sd(post), sd = lm__moments_sd(ch);
	put(out, LM_STAT_PRE_SD, sd_pre, pre->n < 2 ? few : NULL);
	put(out, LM_STAT_POST_SD, sd_post, post->n < 2 ? few : NULL);
	put(out, LM_STAT_CHANGE_SD, sd, ch->n < 2 ? few : NULL);
	double n = (double)ch->n, df = n - 1;
	if (ch->n < 2) {
		static const int stats[] = {LM_STAT_CHANGE_CI_LOW, LM_STAT_CHANGE_CI_HIGH, LM_STAT_T, LM_STAT_DF,
					    LM_STAT_P, LM_STAT_DZ, LM_STAT_DAV};
		for (size_t k = 0; k < sizeof(stats) / sizeof(stats[0]); k++)
			put(out, stats[k], NAN, few);
		return;
	}
	put(out, LM_STAT_DF, df, NULL);
	double se = sd / sqrt(n);
	double half = lm_stat_t_quantile(0.975, df) * se;
	put(out, LM_STAT_CHANGE_CI_LOW, ch->mean - half, NULL);
	put(out, LM_STAT_CHANGE_CI_HIGH, ch->mean + half, NULL);
	/* A zero SD leaves these undefined; one that overflowed (infinite) leaves
	 * them too large to compute, not zero. */
	const char *flat = sd == 0 ? "zero variance of change" : NULL;
	double t = isfinite(se) ? ch->mean / se : NAN;
	put(out, LM_STAT_T, t, flat);
	put(out, LM_STAT_P, isfinite(t) ? lm__t_two_sided(t, df) : NAN, flat);
	put(out, LM_STAT_DZ, isfinite(sd) ? ch->mean / sd : NAN, flat);
	double sd_av = (sd_pre + sd_post) / 2;
	put(out, LM_STAT_DAV, isfinite(sd_av) ? ch->mean / sd_av : NAN,
	    sd_av == 0 ? "zero variance at both waves" : NULL);
}

static int is_clinical(const struct lm_scale *s, double score)
{
	return s->direction == LM_DIRECTION_HIGHER_IS_WORSE ? score >= s->cutoff : score <= s->cutoff;
}

/* A pair's change on one scale. */
struct change {
	double rci;
	int reliable, category;
};

/* The RCI, reliable change and category of a pair with scores a and b on a scale with this S_diff. */
static inline struct change change_of(const struct lm_scale *scale, double a, double b, double sdiff)
{
	struct change c = {NAN, LM_RELIABLE_UNKNOWN, LM_CATEGORY_UNKNOWN};
	if (isnan(a) || isnan(b) || !(sdiff > 0))
		return c;
	c.rci = (b - a) / sdiff;
	if (scale->direction == LM_DIRECTION_UNSPECIFIED)
		return c;
	int hiw = scale->direction == LM_DIRECTION_HIGHER_IS_WORSE;
	int better = hiw ? c.rci < -RCI_CRITICAL : c.rci > RCI_CRITICAL;
	int worse = hiw ? c.rci > RCI_CRITICAL : c.rci < -RCI_CRITICAL;
	c.reliable = better ? LM_RELIABLE_IMPROVED : worse ? LM_RELIABLE_DETERIORATED : LM_RELIABLE_NONE;
	if (isnan(scale->cutoff))
		return c;
	if (better && is_clinical(scale, a) && !is_clinical(scale, b))
		c.category = LM_CATEGORY_RECOVERED;
	else
		c.category = better ? LM_CATEGORY_IMPROVED : worse ? LM_CATEGORY_DETERIORATED : LM_CATEGORY_UNCHANGED;
	return c;
}

/* The same for pair i on scale s. */
static struct change pair_change(const lm_prepost *pp, size_t i, size_t s)
{
	size_t ns = pp->inst->n_scales;
	double a = score_at(&pp->w[0], (size_t)pp->pre_row[i] * ns + s);
	double b = score_at(&pp->w[1], (size_t)pp->post_row[i] * ns + s);
	return change_of(&pp->inst->scales[s], a, b, pp->sdiff[s]);
}

/* S_diff of scale s, and the counts of reliable change into sum[0]. */
static void reliable_change(lm_prepost *pp, size_t s)
{
	const struct lm_scale *scale = &pp->inst->scales[s];
	struct summary *all = &pp->sum[s * (pp->groups.n + 1)];

	/* The reliability: given, else the norms', else alpha at pre; with the
	 * true reason when none of them is between 0 and 1. */
	double r = pp->reliability;
	int source = LM_RELIABILITY_OVERRIDE;
	if (isnan(r)) {
		r = scale->norm[LM_NORM_RELIABILITY];
		source = LM_RELIABILITY_NORMS;
	}
	if (isnan(r)) {
		r = all->v[LM_STAT_PRE_ALPHA];
		source = LM_RELIABILITY_ALPHA_PRE;
	}
	const char *rel_why = NULL;
	if (!(r > 0 && r < 1)) {
		if (source == LM_RELIABILITY_NORMS)
			rel_why = r >= 1 ? "the reliability in the definition's norms is 1, which leaves no measurement "
					   "error: the RCI needs a reliability below 1"
					 : "the reliability in the definition's norms is 0: the RCI needs a reliability "
					   "above 0";
		else if (isnan(r))
			rel_why = "no reliability: none in the definition's norms, and alpha at pre could not be computed";
		else if (r >= 1)
			rel_why = "no reliability: none in the definition's norms, and alpha at pre is 1, which leaves "
				  "no measurement error: the RCI needs a reliability below 1";
		else
			rel_why = "no reliability: none in the definition's norms, and alpha at pre is zero or negative: "
				  "the RCI needs a reliability above 0";
		r = NAN;
		source = LM_RELIABILITY_NONE;
	}
	pp->rel_source[s] = source;
	put(all, LM_STAT_RCI_RELIABILITY, r, rel_why);

	/* The SD: given (never missing or zero), else that of pre scores. */
	double sd = isnan(pp->rci_sd) ? all->v[LM_STAT_PRE_SD] : pp->rci_sd;
	put(all, LM_STAT_RCI_SD, sd, isnan(sd) ? all->why[LM_STAT_PRE_SD] : NULL);
	const char *sd_why = NULL;
	if (isnan(sd))
		sd_why = all->why[LM_STAT_PRE_SD] == OVERFLOW
				 ? OVERFLOW
				 : "no SD of pre scores (fewer than 2 pairs with both scores)";
	else if (sd == 0)
		sd_why = "the SD of pre scores is zero";

	double sdiff = sqrt(2.0) * sd * sqrt(1 - r);
	put(all, LM_STAT_RCI_SDIFF, sdiff > 0 ? sdiff : NAN, rel_why ? rel_why : sd_why);
	/* The pairs' RCIs exist exactly when S_diff is a number. */
	sdiff = pp->sdiff[s] = all->v[LM_STAT_RCI_SDIFF];

	int directed = scale->direction != LM_DIRECTION_UNSPECIFIED;
	int has_cutoff = !isnan(scale->cutoff);
	unsigned long improved = 0, deteriorated = 0, unchanged = 0, recovered = 0;
	int have = directed && sdiff > 0;
	if (have)
		for (size_t i = 0; i < pp->n_pairs; i++) {
			struct change c = pair_change(pp, i, s);
			improved += c.reliable == LM_RELIABLE_IMPROVED;
			deteriorated += c.reliable == LM_RELIABLE_DETERIORATED;
			unchanged += c.reliable == LM_RELIABLE_NONE;
			recovered += c.category == LM_CATEGORY_RECOVERED;
		}
	const char *no_rci = !directed ? "the scale has no direction, so improvement is undefined"
			     : have ? NULL
				    : all->why[LM_STAT_RCI_SDIFF];
	put(all, LM_STAT_IMPROVED, have ? (double)improved : NAN, no_rci);
	put(all, LM_STAT_DETERIORATED, have ? (double)deteriorated : NAN, no_rci);
	put(all, LM_STAT_UNCHANGED, have ? (double)unchanged : NAN, no_rci);
	put(all, LM_STAT_RECOVERED, have && has_cutoff ? (double)recovered : NAN,
	    !has_cutoff ? "the scale defines no clinical cut-off" : no_rci);
}

/* Comparison @p k: @p x, or NaN with @p reason (as put()). */
static void put_cmp(double *v, const char **why, int k, double x, const char *reason)
{
	int ok = !reason && isfinite(x);
	v[k] = ok ? x : NAN;
	why[k] = ok ? NULL : reason ? reason : OVERFLOW;
}

static void compare_groups(lm_prepost *pp, size_t s)
{
	double *v = &pp->cmp_v[s * 5];
	const char **why = &pp->cmp_reason[s * 5];
	if (pp->groups.n != 2) {
		for (int k = 0; k < 5; k++)
			put_cmp(v, why, k, NAN, "a comparison needs exactly two groups");
		return;
	}
	const struct summary *a = &pp->sum[s * 3 + 1], *b = &pp->sum[s * 3 + 2];
	double n0 = a->v[LM_STAT_CHANGE_N], n1 = b->v[LM_STAT_CHANGE_N];
	double m0 = a->v[LM_STAT_CHANGE_MEAN], m1 = b->v[LM_STAT_CHANGE_MEAN];
	double s0 = a->v[LM_STAT_CHANGE_SD], s1 = b->v[LM_STAT_CHANGE_SD];
	put_cmp(v, why, LM_COMPARE_DIFFERENCE, m0 - m1,
		!n0 || !n1 ? "a group has no pair with a score at both waves" : NULL);
	const char *reason = NULL;
	if (n0 < 2 || n1 < 2)
		reason = "each group needs at least 2 pairs with a score at both waves";
	else if (isnan(m0) || isnan(m1) || isnan(s0) || isnan(s1))
		reason = OVERFLOW; /* a group's mean or SD overflowed */
	if (reason) {
		for (int k = 1; k < 5; k++)
			put_cmp(v, why, k, NAN, reason);
		return;
	}
	const char *flat = s0 == 0 && s1 == 0 ? "zero variance of change in both groups" : NULL;
	double q0 = s0 * s0 / n0, q1 = s1 * s1 / n1;
	double t = (m0 - m1) / sqrt(q0 + q1);
	double df = (q0 + q1) * (q0 + q1) / (q0 * q0 / (n0 - 1) + q1 * q1 / (n1 - 1));
	put_cmp(v, why, LM_COMPARE_WELCH_T, t, flat);
	put_cmp(v, why, LM_COMPARE_DF, df, flat);
	put_cmp(v, why, LM_COMPARE_P, isfinite(t) && isfinite(df) ? lm__t_two_sided(t, df) : NAN, flat);
	double pooled = sqrt(((n0 - 1) * s0 * s0 + (n1 - 1) * s1 * s1) / (n0 + n1 - 2));
	put_cmp(v, why, LM_COMPARE_HEDGES_G, isfinite(pooled) ? (m0 - m1) / pooled * (1 - 3 / (4 * (n0 + n1) - 9)) : NAN,
		flat ? "zero pooled SD of change" : NULL);
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
static long duplicates(lm_prepost *pp, struct wave *w, const char *wave_name, lm_error *err)
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
			const char *id = w->text.p + w->id[r];
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
			  "id \"%s\" occurs %zu times in the %s wave, at data rows %s; fix the data, or leave them unpaired with --on-duplicate exclude",
			  w->text.p + w->id[first], j - i, wave_name, rows);
		i = j;
	}
	free(refs);
	return (long)n;
}

static int pair_up(lm_prepost *pp)
{
	struct wave *pre = &pp->w[0], *post = &pp->w[1];
	/* Both waves are at most MAX_ROWS rows (keep_row), so the indexes fit. */
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
			size_t q = lookup(post, pre->text.p + pre->id[r], len[b], h[b], NULL);
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
	pp->counts[LM_COUNT_PAIRS] = pp->n_pairs;
	pp->counts[LM_COUNT_PRE_ONLY] = pre_only;
	pp->counts[LM_COUNT_POST_ONLY] = post_only;
	return 1;
}

static int analyse(lm_prepost *pp, lm_error *err)
{
	size_t ns = pp->inst->n_scales, ng = pp->groups.n;
	pp->sdiff = malloc(ns * sizeof(*pp->sdiff));
	pp->sum = calloc(ns * (ng + 1), sizeof(*pp->sum));
	pp->rel_source = calloc(ns, sizeof(*pp->rel_source));
	pp->cmp_v = malloc(ns * 5 * sizeof(*pp->cmp_v));
	pp->cmp_reason = malloc(ns * 5 * sizeof(*pp->cmp_reason));
	struct change_moments *m = malloc((ng + 1) * sizeof(*m));
	if (!m || !pp->sdiff || !pp->sum || !pp->rel_source || !pp->cmp_v || !pp->cmp_reason) {
		free(m);
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	}
	for (size_t s = 0; s < ns; s++) {
		const struct lm_scale *scale = &pp->inst->scales[s];
		memset(m, 0, (ng + 1) * sizeof(*m));
		change_moments(pp, s, m);
		for (size_t g = 0; g <= ng; g++) {
			struct summary *sum = &pp->sum[s * (ng + 1) + g];
			for (int k = 0; k <= LM_STAT_RECOVERED; k++)
				put(sum, k, NAN, g ? "computed for all pairs only" : "not computed");
			change_stats(&m[g], sum);
		}
		struct summary *all = &pp->sum[s * (ng + 1)];
		for (int k = 0; k < 2; k++) {
			const char *why;
			double a = alpha(pp->w[k].item_m[s], scale->n_items, &pp->w[k].total_m[s], &why);
			put(all, k ? LM_STAT_POST_ALPHA : LM_STAT_PRE_ALPHA, a, why);
			put(all, k ? LM_STAT_POST_ALPHA_N : LM_STAT_PRE_ALPHA_N, (double)pp->w[k].total_m[s].n, NULL);
		}
		reliable_change(pp, s);
		compare_groups(pp, s);
	}
	free(m);
	pp->done = 1;
	return LM_OK;
}

/* Nobody was paired: the error, with what was compared (nopairs.c). */
static int no_pairs(const lm_prepost *pp, const struct read_job *long_job, lm_error *err)
{
	struct lm_nopairs_wave w[2];
	for (int k = 0; k < 2; k++) {
		const struct wave *v = &pp->w[k];
		w[k] = (struct lm_nopairs_wave){.name = v->name, .id_column = v->id_column, .rows = v->rows,
						.dup_rows = v->dup_rows, .n = v->n};
		for (size_t r = 0; r < v->n && r < 3; r++)
			w[k].first[r] = v->text.p + v->id[r];
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
	pp->counts[LM_COUNT_PRE_ROWS] = pp->w[0].rows;
	pp->counts[LM_COUNT_POST_ROWS] = pp->w[1].rows;
	pp->counts[LM_COUNT_NO_ID] = pp->w[0].no_id + pp->w[1].no_id;
	/* Under LM_DUPLICATES_EXCLUDE duplicates are counted, not reported as errors.
	 * One id index at a time: the pre wave's serves only its duplicates; the
	 * post wave's also the pairing. */
	lm_error *dup_err = pp->duplicates == LM_DUPLICATES_ERROR ? err : NULL;
	long d0 = -1, d1 = -1;
	if (index_wave(pp, &pp->w[0]))
		d0 = duplicates(pp, &pp->w[0], "pre", dup_err);
	unindex_wave(&pp->w[1]);
	pp->w[1].slots = pp->w[0].slots; /* for index_wave() to reuse */
	pp->w[1].n_slots = pp->w[0].n_slots;
	pp->w[0].slots = NULL;
	pp->w[0].n_slots = 0;
	if (d0 >= 0 && index_wave(pp, &pp->w[1]))
		d1 = duplicates(pp, &pp->w[1], "post", dup_err);
	if (d0 < 0 || d1 < 0)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	pp->counts[LM_COUNT_DUPLICATE_ID] = (unsigned long)(d0 + d1);
	if (read_pre != LM_OK || read_post != LM_OK || (d0 + d1 && dup_err))
		return LM_EDATA;
	if (!pair_up(pp))
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	if (!pp->n_pairs)
		return no_pairs(pp, long_job, err);
	return analyse(pp, err);
}

int lm_prepost_run_files(lm_prepost *pp, const char *pre_path, const char *post_path, lm_error *err)
{
	if (!pp || !pre_path || !post_path)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_prepost_run_files");
	results_free(pp);
	lm__hash_key_new(&pp->key);
	pp->groups.key = pp->key;
	if (!wave_init(pp, &pp->w[0], pre_path) || !wave_init(pp, &pp->w[1], post_path))
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	/* Read both waves even when the first has problems, so all are reported. */
	pp->long_form = 0;
	struct read_job jobs[2] = {{.pp = pp, .path = pre_path, .into = &pp->w[0], .err = err},
				   {.pp = pp, .path = post_path, .into = &pp->w[1], .err = err}};
	read_tables(pp, jobs, 2, err);
	return finish(pp, jobs[0].rc, jobs[1].rc, NULL, err);
}

int lm_prepost_run_long_file(lm_prepost *pp, const char *path, const char *wave_column, const char *pre_value,
			     const char *post_value, lm_error *err)
{
	if (!pp || !path || !wave_column || !pre_value || !post_value || !strcmp(pre_value, post_value))
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "invalid argument to lm_prepost_run_long_file (the two wave values must differ)");
	results_free(pp);
	lm__hash_key_new(&pp->key);
	pp->groups.key = pp->key;
	if (!wave_init(pp, &pp->w[0], path) || !wave_init(pp, &pp->w[1], path))
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	const char *const values[2] = {pre_value, post_value};
	pp->long_form = 1;
	struct read_job job = {.pp = pp, .path = path, .wave_column = wave_column, .values = values, .err = err};
	read_tables(pp, &job, 1, err);
	return finish(pp, job.rc, LM_OK, &job, err);
}

/* ---- other wave sources (prepost-priv.h) ------------------------------------------------ */

int lm__prepost_start(lm_prepost *pp, const char *pre_name, const char *post_name)
{
	results_free(pp);
	pp->long_form = 0;
	if (!wave_init(pp, &pp->w[0], pre_name) || !wave_init(pp, &pp->w[1], post_name))
		return LM_ENOMEM;
	return LM_OK;
}

int lm__prepost_add(lm_prepost *pp, int wave, const char *id, size_t id_len, const char *group, size_t group_len,
		    unsigned long row, const lm_scorer *sc)
{
	struct wave *w = &pp->w[wave != 0];
	w->rows++;
	int rc = keep(pp, w, id, id_len, group, group_len, row, row, sc);
	if (rc == LM_OK)
		add_alpha(pp, w, sc);
	return rc;
}

int lm__prepost_grouped(const lm_prepost *pp)
{
	return pp->group_column != NULL;
}

void lm__prepost_add_rejected(lm_prepost *pp, int wave)
{
	pp->w[wave != 0].rows++;
	pp->counts[LM_COUNT_REJECTED]++;
}

int lm__prepost_finish(lm_prepost *pp, int rc_pre, int rc_post, lm_error *err)
{
	return finish(pp, rc_pre, rc_post, NULL, err);
}

/* ---- results --------------------------------------------------------------------------- */

const lm_instrument *lm_prepost_instrument(const lm_prepost *pp)
{
	return pp ? pp->inst : NULL;
}

unsigned long lm_prepost_count(const lm_prepost *pp, int which)
{
	return pp && which >= 0 && which <= LM_COUNT_BLANK ? pp->counts[which] : 0;
}

static const struct summary *summary_of(const lm_prepost *pp, size_t scale, size_t group)
{
	if (!pp || !pp->done || scale >= pp->inst->n_scales)
		return NULL;
	size_t g = group == LM_NO_INDEX ? 0 : group + 1;
	if (g > pp->groups.n)
		return NULL;
	return &pp->sum[scale * (pp->groups.n + 1) + g];
}

double lm_prepost_stat(const lm_prepost *pp, size_t scale, size_t group, int which)
{
	const struct summary *s = summary_of(pp, scale, group);
	return s && which >= 0 && which <= LM_STAT_RECOVERED ? s->v[which] : NAN;
}

const char *lm_prepost_stat_reason(const lm_prepost *pp, size_t scale, size_t group, int which)
{
	const struct summary *s = summary_of(pp, scale, group);
	if (!s || which < 0 || which > LM_STAT_RECOVERED)
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
	if (!pp || !pp->done || scale >= pp->inst->n_scales || which < 0 || which > LM_COMPARE_HEDGES_G)
		return NAN;
	return pp->cmp_v[scale * 5 + (size_t)which];
}

const char *lm_prepost_compare_reason(const lm_prepost *pp, size_t scale, int which)
{
	if (!pp || !pp->done || scale >= pp->inst->n_scales || which < 0 || which > LM_COMPARE_HEDGES_G)
		return "no such statistic";
	return pp->cmp_reason[scale * 5 + (size_t)which];
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
	return pair_ok(pp, r, 0) ? pp->w[0].text.p + pp->w[0].id[pp->pre_row[r]] : NULL;
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

/* ---- writing ---------------------------------------------------------------------------- */

static const char *band_id(const struct lm_scale *s, long b)
{
	return b >= 0 && (size_t)b < s->n_bands ? s->bands[b].id : NULL;
}

static void json_key(struct lm_out *o, const char *key, int first)
{
	if (!first)
		lm__out_put(o, ",", 1);
	lm__out_json_string(o, key, strlen(key));
	lm__out_put(o, ":", 1);
}

static void json_str(struct lm_out *o, const char *s)
{
	lm__out_json_string(o, s, s ? strlen(s) : 0);
}

/*
 * A group of statistics, each a number or null, then "null_reasons" naming
 * why each null is null. "ci95" stands for the pair [low, high]. The object
 * is left open for the caller to add to and close.
 */
struct field {
	const char *key;
	int which;
};

static void json_stats(struct lm_out *o, const struct summary *s, const struct field *f, size_t n)
{
	lm__out_put(o, "{", 1);
	for (size_t i = 0; i < n; i++) {
		json_key(o, f[i].key, i == 0);
		if (f[i].which == LM_STAT_CHANGE_CI_LOW) {
			lm__out_put(o, "[", 1);
			lm__out_number(o, s->v[LM_STAT_CHANGE_CI_LOW]);
			lm__out_put(o, ",", 1);
			lm__out_number(o, s->v[LM_STAT_CHANGE_CI_HIGH]);
			lm__out_put(o, "]", 1);
		} else {
			lm__out_number(o, s->v[f[i].which]);
		}
	}
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		if (!s->why[f[i].which])
			continue;
		if (!any)
			json_key(o, "null_reasons", 0), lm__out_put(o, "{", 1);
		json_key(o, f[i].key, !any);
		json_str(o, s->why[f[i].which]);
		any = 1;
	}
	if (any)
		lm__out_put(o, "}", 1);
}

static const struct field change_fields[] = {
	{"n", LM_STAT_CHANGE_N}, {"mean", LM_STAT_CHANGE_MEAN}, {"sd", LM_STAT_CHANGE_SD},
	{"ci95", LM_STAT_CHANGE_CI_LOW}, {"t", LM_STAT_T}, {"df", LM_STAT_DF},
	{"p", LM_STAT_P}, {"dz", LM_STAT_DZ}, {"dav", LM_STAT_DAV},
};

static void json_change(struct lm_out *o, const struct summary *s)
{
	json_stats(o, s, change_fields, sizeof(change_fields) / sizeof(change_fields[0]));
	lm__out_put(o, "}", 1);
}

static const char *source_name(int source)
{
	switch (source) {
	case LM_RELIABILITY_OVERRIDE: return "override";
	case LM_RELIABILITY_NORMS: return "norms";
	case LM_RELIABILITY_ALPHA_PRE: return "alpha_pre";
	default: return NULL;
	}
}

static void json_bands(const lm_prepost *pp, struct lm_out *o, size_t s)
{
	const struct lm_scale *scale = &pp->inst->scales[s];
	size_t ns = pp->inst->n_scales, nb = scale->n_bands;
	lm__out_put(o, "{", 1);
	for (int wave = 0; wave < 2; wave++) {
		json_key(o, wave ? "post" : "pre", wave == 0);
		lm__out_put(o, "{", 1);
		for (size_t b = 0; b < nb; b++) {
			unsigned long n = 0;
			for (size_t i = 0; i < pp->n_pairs; i++) {
				size_t row = wave ? pp->post_row[i] : pp->pre_row[i];
				n += pp->w[wave].band[row * ns + s] == (signed char)b;
			}
			json_key(o, scale->bands[b].id, b == 0);
			lm__out_count(o, n);
		}
		lm__out_put(o, "}", 1);
	}
	/* Every pre x post combination, zeros included, so the table is complete. */
	json_key(o, "transitions", 0);
	lm__out_put(o, "[", 1);
	for (size_t from = 0; from < nb; from++)
		for (size_t to = 0; to < nb; to++) {
			unsigned long n = 0;
			for (size_t i = 0; i < pp->n_pairs; i++)
				n += pp->w[0].band[pp->pre_row[i] * ns + s] == (signed char)from &&
				     pp->w[1].band[pp->post_row[i] * ns + s] == (signed char)to;
			lm__out_put(o, from || to ? ",{" : "{", from || to ? 2 : 1);
			json_key(o, "from", 1);
			json_str(o, scale->bands[from].id);
			json_key(o, "to", 0);
			json_str(o, scale->bands[to].id);
			json_key(o, "n", 0);
			lm__out_count(o, n);
			lm__out_put(o, "}", 1);
		}
	lm__out_put(o, "]}", 2);
}

static void json_groups(const lm_prepost *pp, struct lm_out *o, size_t s)
{
	size_t ng = pp->groups.n;
	lm__out_put(o, "{", 1);
	for (size_t g = 0; g < ng; g++) {
		const struct summary *sum = &pp->sum[s * (ng + 1) + g + 1];
		json_key(o, lm__names_get(&pp->groups, g), g == 0);
		lm__out_put(o, "{", 1);
		json_key(o, "n", 1);
		lm__out_number(o, sum->v[LM_STAT_CHANGE_N]);
		json_key(o, "change", 0);
		json_change(o, sum);
		lm__out_put(o, "}", 1);
	}
	json_key(o, "comparison", ng == 0);
	lm__out_put(o, "{", 1);
	json_key(o, "groups", 1);
	lm__out_put(o, "[", 1);
	for (size_t g = 0; g < ng && g < 2; g++) {
		if (g)
			lm__out_put(o, ",", 1);
		json_str(o, lm__names_get(&pp->groups, g));
	}
	lm__out_put(o, "]", 1);
	static const char *const keys[] = {"difference", "welch_t", "df", "p", "hedges_g"};
	const double *v = &pp->cmp_v[s * 5];
	const char *const *why = &pp->cmp_reason[s * 5];
	for (int k = 0; k < 5; k++) {
		json_key(o, keys[k], 0);
		lm__out_number(o, v[k]);
	}
	int any = 0;
	for (int k = 0; k < 5; k++) {
		if (!why[k])
			continue;
		if (!any)
			json_key(o, "null_reasons", 0), lm__out_put(o, "{", 1);
		json_key(o, keys[k], !any);
		json_str(o, why[k]);
		any = 1;
	}
	if (any)
		lm__out_put(o, "}", 1);
	lm__out_put(o, "}}", 2);
}

static void write_json(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ns = inst->n_scales, ng = pp->groups.n;
	static const char *const count_keys[] = {"pre_rows", "post_rows", "pairs", "pre_only",
						 "post_only", "no_id", "duplicate_id", "other_wave"};
	lm__out_str(o, "{\"instrument\":");
	json_str(o, inst->id);
	json_key(o, "library_version", 0);
	json_str(o, LM_VERSION_STRING);
	json_key(o, "counts", 0);
	lm__out_put(o, "{", 1);
	for (int k = 0; k <= LM_COUNT_OTHER_WAVE; k++) {
		json_key(o, count_keys[k], k == 0);
		lm__out_count(o, pp->counts[k]);
	}
	lm__out_put(o, "}", 1);
	json_key(o, "scales", 0);
	lm__out_put(o, "{", 1);
	for (size_t s = 0; s < ns; s++) {
		const struct lm_scale *scale = &inst->scales[s];
		const struct summary *all = &pp->sum[s * (ng + 1)];
		json_key(o, scale->id, s == 0);
		static const struct field pre[] = {{"n", LM_STAT_PRE_N}, {"mean", LM_STAT_PRE_MEAN}, {"sd", LM_STAT_PRE_SD},
						   {"alpha", LM_STAT_PRE_ALPHA}, {"alpha_n", LM_STAT_PRE_ALPHA_N}};
		static const struct field post[] = {{"n", LM_STAT_POST_N}, {"mean", LM_STAT_POST_MEAN},
						    {"sd", LM_STAT_POST_SD}, {"alpha", LM_STAT_POST_ALPHA},
						    {"alpha_n", LM_STAT_POST_ALPHA_N}};
		lm__out_put(o, "{", 1);
		json_key(o, "pre", 1);
		json_stats(o, all, pre, 5);
		lm__out_put(o, "}", 1);
		json_key(o, "post", 0);
		json_stats(o, all, post, 5);
		lm__out_put(o, "}", 1);
		json_key(o, "change", 0);
		json_change(o, all);
		json_key(o, "rci", 0);
		static const struct field rci[] = {{"sd_pre", LM_STAT_RCI_SD},
						   {"reliability", LM_STAT_RCI_RELIABILITY},
						   {"sdiff", LM_STAT_RCI_SDIFF},
						   {"improved", LM_STAT_IMPROVED},
						   {"deteriorated", LM_STAT_DETERIORATED},
						   {"unchanged", LM_STAT_UNCHANGED},
						   {"recovered", LM_STAT_RECOVERED}};
		/* The sources sit beside the numbers they explain. */
		json_stats(o, all, rci, 7);
		json_key(o, "reliability_source", 0);
		json_str(o, source_name(pp->rel_source[s]));
		json_key(o, "sd_source", 0);
		json_str(o, isnan(pp->rci_sd) ? "sd_pre" : "override");
		lm__out_put(o, "}", 1);
		if (!isnan(scale->cutoff)) {
			json_key(o, "clinical_cutoff", 0);
			lm__out_number(o, scale->cutoff);
		}
		if (scale->n_bands) {
			json_key(o, "bands", 0);
			json_bands(pp, o, s);
		}
		if (pp->group_column) {
			json_key(o, "groups", 0);
			json_groups(pp, o, s);
		}
		lm__out_put(o, "}", 1);
	}
	lm__out_put(o, "}", 1);
	json_key(o, "respondents", 0);
	lm__out_put(o, "[", 1);
	for (size_t i = 0; i < pp->n_pairs; i++) {
		lm__out_put(o, i ? ",\n{" : "\n{", i ? 3 : 2);
		json_key(o, "id", 1);
		json_str(o, lm_prepost_respondent_id(pp, i));
		json_key(o, "group", 0);
		json_str(o, lm_prepost_respondent_group(pp, i));
		json_key(o, "scales", 0);
		lm__out_put(o, "{", 1);
		for (size_t s = 0; s < ns; s++) {
			const struct lm_scale *scale = &inst->scales[s];
			double a = lm_prepost_respondent_score(pp, i, s, 0), b = lm_prepost_respondent_score(pp, i, s, 1);
			struct change c = pair_change(pp, i, s);
			json_key(o, scale->id, s == 0);
			lm__out_put(o, "{", 1);
			json_key(o, "pre", 1);
			lm__out_number(o, a);
			json_key(o, "post", 0);
			lm__out_number(o, b);
			json_key(o, "change", 0);
			lm__out_number(o, b - a);
			json_key(o, "rci", 0);
			lm__out_number(o, c.rci);
			json_key(o, "reliable", 0);
			json_str(o, lm_reliable_name(c.reliable));
			json_key(o, "category", 0);
			json_str(o, lm_category_name(c.category));
			json_key(o, "band_pre", 0);
			json_str(o, band_id(scale, lm_prepost_respondent_band(pp, i, s, 0)));
			json_key(o, "band_post", 0);
			json_str(o, band_id(scale, lm_prepost_respondent_band(pp, i, s, 1)));
			lm__out_put(o, "}", 1);
		}
		lm__out_put(o, "}}", 2);
	}
	lm__out_str(o, "\n]}\n");
}

static void csv_text(struct lm_out *o, const char *s)
{
	lm__out_csv_text(o, s ? s : "", s ? strlen(s) : 0, ',');
}

/* ",TEXT" for text that needs no quoting, or "," for NULL. */
static void put_field(struct lm_out *o, const char *text)
{
	size_t n = text ? strlen(text) : 0;
	char *p = lm__out_room(o, n + 1);
	*p = ',';
	if (n)
		memcpy(p + 1, text, n);
	lm__out_commit_room(o, p + 1 + n);
}

static void write_csv(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	static const char *const cols[] = {"pre", "post", "change", "rci", "reliable", "category", "band_pre", "band_post"};
	lm__out_str(o, "id");
	if (pp->group_column)
		lm__out_str(o, ",group");
	for (size_t s = 0; s < inst->n_scales; s++)
		for (size_t c = 0; c < 8; c++) {
			if (c >= 6 && !inst->scales[s].n_bands)
				continue;
			lm__out_put(o, ",", 1);
			lm__out_str(o, inst->scales[s].id);
			lm__out_put(o, "_", 1);
			lm__out_str(o, cols[c]);
		}
	lm__out_put(o, "\n", 1);
	size_t ns = inst->n_scales;
	for (size_t i = 0; i < pp->n_pairs; i++) {
		size_t pre = (size_t)pp->pre_row[i] * ns, post = (size_t)pp->post_row[i] * ns;
		csv_text(o, pp->w[0].text.p + pp->w[0].id[pp->pre_row[i]]);
		if (pp->group_column) {
			lm__out_put_inline(o, ",", 1);
			csv_text(o, lm_prepost_respondent_group(pp, i));
		}
		for (size_t s = 0; s < ns; s++) {
			const struct lm_scale *scale = &inst->scales[s];
			double a = score_at(&pp->w[0], pre + s), b = score_at(&pp->w[1], post + s);
			struct change c = change_of(scale, a, b, pp->sdiff[s]);
			double v[4] = {a, b, b - a, c.rci};
			/* Straight into the output buffer: this runs for every scale of every pair. */
			char *p = lm__out_room(o, 4 * (1 + LM_OUT_NUMBER_MAX));
			for (int k = 0; k < 4; k++) {
				*p++ = ',';
				if (isfinite(v[k]))
					p = lm__put_number(p, v[k]);
			}
			lm__out_commit_room(o, p);
			/* The names are constants and band ids are ids (letters, digits, '_',
			 * '.', '-'): no quoting or formula guard is needed. */
			put_field(o, lm_reliable_name(c.reliable));
			put_field(o, lm_category_name(c.category));
			if (scale->n_bands) {
				put_field(o, band_id(scale, pp->w[0].band[pre + s]));
				put_field(o, band_id(scale, pp->w[1].band[post + s]));
			}
		}
		lm__out_put_inline(o, "\n", 1);
	}
}

/* "12.3" or "n/a (reason)" for the readable summary; p-values below .001 as "< 0.001". */
static void text_value(struct lm_out *o, const struct summary *s, int which)
{
	char num[32];
	if (which == LM_STAT_P && s->v[which] < 0.001) {
		lm__out_str(o, "< 0.001");
	} else if (isfinite(s->v[which])) {
		lm__out_put(o, num, lm_format_number(num, sizeof(num), round(s->v[which] * 1000) / 1000));
	} else {
		lm__out_str(o, "n/a (");
		lm__out_str(o, s->why[which] ? s->why[which] : "not computed");
		lm__out_str(o, ")");
	}
}

static void write_summary(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ng = pp->groups.n;
	static const char *const count_names[] = {"pre rows", "post rows", "pairs", "pre only",
						  "post only", "no id", "duplicate id", "other wave"};
	lm__out_str(o, inst->name);
	lm__out_str(o, " (");
	lm__out_str(o, inst->id);
	lm__out_str(o, "): pre/post change\n");
	for (int k = 0; k <= LM_COUNT_OTHER_WAVE; k++) {
		char num[32];
		if (k == LM_COUNT_OTHER_WAVE && !pp->long_form)
			break;
		lm__out_str(o, k ? ", " : "");
		lm__out_str(o, count_names[k]);
		lm__out_str(o, " ");
		lm__out_put(o, num, lm_format_number(num, sizeof(num), (double)pp->counts[k]));
	}
	lm__out_str(o, "\n");
	for (size_t s = 0; s < inst->n_scales; s++) {
		const struct summary *all = &pp->sum[s * (ng + 1)];
		lm__out_str(o, "\n");
		lm__out_str(o, inst->scales[s].id);
		lm__out_str(o, ": ");
		lm__out_str(o, inst->scales[s].label);
		lm__out_str(o, "\n  pairs with both scores: ");
		text_value(o, all, LM_STAT_CHANGE_N);
		lm__out_str(o, "\n  pre mean ");
		text_value(o, all, LM_STAT_PRE_MEAN);
		lm__out_str(o, " (SD ");
		text_value(o, all, LM_STAT_PRE_SD);
		lm__out_str(o, "), post mean ");
		text_value(o, all, LM_STAT_POST_MEAN);
		lm__out_str(o, " (SD ");
		text_value(o, all, LM_STAT_POST_SD);
		lm__out_str(o, ")\n  change ");
		text_value(o, all, LM_STAT_CHANGE_MEAN);
		lm__out_str(o, ", 95% CI ");
		text_value(o, all, LM_STAT_CHANGE_CI_LOW);
		lm__out_str(o, " to ");
		text_value(o, all, LM_STAT_CHANGE_CI_HIGH);
		lm__out_str(o, "; paired t ");
		text_value(o, all, LM_STAT_T);
		lm__out_str(o, ", df ");
		text_value(o, all, LM_STAT_DF);
		lm__out_str(o, ", p ");
		text_value(o, all, LM_STAT_P);
		lm__out_str(o, "\n  effect size d_z ");
		text_value(o, all, LM_STAT_DZ);
		lm__out_str(o, ", d_av ");
		text_value(o, all, LM_STAT_DAV);
		lm__out_str(o, "\n  alpha pre ");
		text_value(o, all, LM_STAT_PRE_ALPHA);
		lm__out_str(o, " (n ");
		text_value(o, all, LM_STAT_PRE_ALPHA_N);
		lm__out_str(o, "), post ");
		text_value(o, all, LM_STAT_POST_ALPHA);
		lm__out_str(o, " (n ");
		text_value(o, all, LM_STAT_POST_ALPHA_N);
		lm__out_str(o, ")\n  reliable change (reliability ");
		text_value(o, all, LM_STAT_RCI_RELIABILITY);
		lm__out_str(o, " from ");
		lm__out_str(o, source_name(pp->rel_source[s]) ? source_name(pp->rel_source[s]) : "nowhere");
		lm__out_str(o, ", SD ");
		text_value(o, all, LM_STAT_RCI_SD);
		lm__out_str(o, isnan(pp->rci_sd) ? " of pre scores" : " given");
		lm__out_str(o, ", S_diff ");
		text_value(o, all, LM_STAT_RCI_SDIFF);
		lm__out_str(o, "): improved ");
		text_value(o, all, LM_STAT_IMPROVED);
		lm__out_str(o, ", unchanged ");
		text_value(o, all, LM_STAT_UNCHANGED);
		lm__out_str(o, ", deteriorated ");
		text_value(o, all, LM_STAT_DETERIORATED);
		lm__out_str(o, ", recovered ");
		text_value(o, all, LM_STAT_RECOVERED);
		lm__out_str(o, "\n");
		for (size_t g = 0; g < ng; g++) {
			const struct summary *gs = &pp->sum[s * (ng + 1) + g + 1];
			lm__out_str(o, "  group ");
			lm__out_str(o, lm__names_get(&pp->groups, g));
			lm__out_str(o, ": n ");
			text_value(o, gs, LM_STAT_CHANGE_N);
			lm__out_str(o, ", change ");
			text_value(o, gs, LM_STAT_CHANGE_MEAN);
			lm__out_str(o, " (SD ");
			text_value(o, gs, LM_STAT_CHANGE_SD);
			lm__out_str(o, "), p ");
			text_value(o, gs, LM_STAT_P);
			lm__out_str(o, "\n");
		}
		if (ng == 2) {
			struct summary c;
			static const int map[] = {LM_STAT_CHANGE_MEAN, LM_STAT_T, LM_STAT_DF, LM_STAT_P, LM_STAT_DZ};
			for (int k = 0; k < 5; k++) {
				c.v[map[k]] = pp->cmp_v[s * 5 + (size_t)k];
				c.why[map[k]] = pp->cmp_reason[s * 5 + (size_t)k];
			}
			lm__out_str(o, "  difference in change (");
			lm__out_str(o, lm__names_get(&pp->groups, 0));
			lm__out_str(o, " - ");
			lm__out_str(o, lm__names_get(&pp->groups, 1));
			lm__out_str(o, ") ");
			text_value(o, &c, LM_STAT_CHANGE_MEAN);
			lm__out_str(o, "; Welch t ");
			text_value(o, &c, LM_STAT_T);
			lm__out_str(o, ", df ");
			text_value(o, &c, LM_STAT_DF);
			lm__out_str(o, ", p ");
			text_value(o, &c, LM_STAT_P);
			lm__out_str(o, ", Hedges' g ");
			text_value(o, &c, LM_STAT_DZ);
			lm__out_str(o, "\n");
		}
	}
}

/* Write, then commit, or (with @p set) stage for the set's commit. */
static int write_to(const lm_prepost *pp, int format, struct lm_out *o, lm_outputs *set, lm_error *err)
{
	if (format == LM_PREPOST_JSON)
		write_json(pp, o);
	else if (format == LM_PREPOST_CSV)
		write_csv(pp, o);
	else
		write_summary(pp, o);
	if (set)
		return lm__outputs_stage(set, o, err);
	int rc = lm__out_commit(o, err);
	lm__out_free(o);
	return rc;
}

static int check_write(const lm_prepost *pp, int format, lm_error *err)
{
	if (!pp || !pp->done)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "nothing to write: the analysis has not run");
	if (format < LM_PREPOST_JSON || format > LM_PREPOST_SUMMARY)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "unknown output format %d", format);
	return LM_OK;
}

static int write_file(const lm_prepost *pp, int format, const char *path, lm_outputs *set, lm_error *err)
{
	struct lm_out *o;
	int rc = check_write(pp, format, err);
	if (rc == LM_OK && !path)
		rc = lm__error(err, LM_EINVAL, NULL, 0, 0, "no output path");
	if (rc == LM_OK)
		rc = lm__out_open_file(&o, path, err);
	return rc == LM_OK ? write_to(pp, format, o, set, err) : rc;
}

static int write_fd(const lm_prepost *pp, int format, int fd, lm_outputs *set, lm_error *err)
{
	struct lm_out *o;
	int rc = check_write(pp, format, err);
	if (rc == LM_OK)
		rc = lm__out_open_fd(&o, fd, err);
	return rc == LM_OK ? write_to(pp, format, o, set, err) : rc;
}

int lm_prepost_write_file(const lm_prepost *pp, int format, const char *path, lm_error *err)
{
	return write_file(pp, format, path, NULL, err);
}

int lm_prepost_write_fd(const lm_prepost *pp, int format, int fd, lm_error *err)
{
	return write_fd(pp, format, fd, NULL, err);
}

int lm_prepost_stage_file(const lm_prepost *pp, int format, const char *path, lm_outputs *set, lm_error *err)
{
	return set ? write_file(pp, format, path, set, err) : LM_EINVAL;
}

int lm_prepost_stage_fd(const lm_prepost *pp, int format, int fd, lm_outputs *set, lm_error *err)
{
	return set ? write_fd(pp, format, fd, set, err) : LM_EINVAL;
}
