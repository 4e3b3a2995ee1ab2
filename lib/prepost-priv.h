/*
 * libra_measures — private to the pre/post files (prepost*.c) and the
 * report: first the analysis's entry points for wave sources other than the
 * table reader (prepost-batch.c: in-memory columns) — a source calls start,
 * then lm__prepost_keep() (prepost-read.c) for each good row of each wave,
 * counting rows read and rejected itself, then finish, which
 * reports duplicates and runs the analysis exactly as for files — and the
 * reference a report holds; then what a run keeps (struct lm_prepost, its
 * waves and summaries), shared by prepost.c, prepost-read.c,
 * prepost-stats.c, prepost-write.c and prepost-summary.c.
 */
#ifndef LM_PREPOST_PRIV_H
#define LM_PREPOST_PRIV_H

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h"
#include "keyhash-priv.h"
#include "prepost-nopairs-priv.h"
#include "stats-priv.h"
#include "strbuf.h"
#include "trial-stats-priv.h"

/* Forget any earlier run and begin one whose waves are named so in diagnostics. LM_OK or LM_ENOMEM. */
int lm__prepost_start(lm_prepost *pp, const char *pre_name, const char *post_name);

/* 1 when a group column is set (lm_prepost_set_group_column()), else 0. */
int lm__prepost_grouped(const lm_prepost *pp);

/*
 * Take a reference to an analysis (a report on it holds one), given back with
 * lm__prepost_unref(): the analysis is freed with its last reference, so the
 * caller may free it before the report.
 */
void lm__prepost_ref(const lm_prepost *pp);
void lm__prepost_unref(const lm_prepost *pp);

/* The end of a run: rc_pre / rc_post are LM_OK, LM_EDATA (bad rows) or another failure of reading. */
int lm__prepost_finish(lm_prepost *pp, int rc_pre, int rc_post, lm_error *err);

/* ---- what a run keeps (prepost.c, prepost-read.c, prepost-stats.c, prepost-write.c, prepost-summary.c) ---- */

/* Rows kept per wave, and row and line numbers, are 32-bit; (uint32_t)-1 is reserved. */
#define LM__MAX_ROWS 0xFFFFFFFEu

/* One wave's rows that have an id. */
struct wave {
	const char *name;        /* file name for diagnostics */
	size_t n, cap;           /* rows kept */
	struct lm_strbuf text;   /* the ids, each followed by a NUL (counted in len) */
	size_t *id;              /* offsets into text */
	unsigned *group;         /* group index + 1, 0 = none; pre wave with a group column only */
	unsigned *cluster;       /* cluster index + 1, 0 = none; pre wave with a cluster column only */
	size_t *kept;            /* pre wave with carried columns: n * n_kept offsets into kept_text */
	struct lm_strbuf kept_text; /* their values, each followed by a NUL */
	size_t kept_cap;         /* rows kept has room for */
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
	/* Cronbach's alpha: per scale, moments of the total and of each keyed item,
	 * complete rows only. A row adds to all items of a scale or none, so their
	 * count is the total's, and their means and M2 are arrays (item_mean[s][k],
	 * item_m2[s][k]): a row's items are updated side by side, two divisions
	 * in one instruction where the compiler can. */
	struct lm_moments *total_m;
	double **item_mean, **item_m2;
};

struct summary {
	double v[LM_PREPOST_STAT_RECOVERED + 1];
	const char *why[LM_PREPOST_STAT_RECOVERED + 1];
};

/*
 * The baseline-adjusted arm effects (ANCOVA) of one scale at one later wave
 * (prepost-trial.c). absent: why there is no model at all (fewer than 2
 * groups, more than 15), else NULL. Otherwise n rows were fitted (pairs with
 * both scores, a group and, with a cluster column, a cluster), clusters is
 * the number of clusters among them (0 without a cluster column), and the
 * numbers are in slope and effects (per group, the reference's unused; all
 * NaN with their why when the model cannot be fitted, why then says so).
 */
struct lm__trial_fit {
	const char *absent, *why;
	size_t n, clusters;
	struct lm__ancova_effect slope, *effects;
};

/* Attrition of one scale at one later wave (prepost-waves.c). */
#define LM__N_ATTRITION (LM_PREPOST_ATTRITION_P + 1)
struct attrition {
	double v[LM__N_ATTRITION];
	const char *why[LM__N_ATTRITION];
};

/*
 * What a run with waves (lm_prepost_set_waves()) keeps for each later wave:
 * its rows, and exactly the results a two-wave run keeps in struct
 * lm_prepost for baseline -> that wave (moved here after its analysis, see
 * prepost-waves.c), plus the flow by group and the attrition.
 */
struct later_wave {
	struct wave w;
	size_t n_pairs;
	uint32_t *pre_row, *post_row;
	double *sdiff;
	struct summary *sum;
	int *rel_source;
	double *cmp_v;
	const char **cmp_reason;
	unsigned long counts[LM_PREPOST_COUNT_BLANK + 1];
	/* per group g (index g, 0 = none): LM__N_FLOW lm_prepost_flow_kind counts */
	unsigned long *flow;
	/* per scale: the attrition; per scale and group (0 = none): completers and dropouts */
	struct attrition *attr;
	unsigned long *attr_group;
	/* per scale: the ANCOVA (fit[s].effects point into effects, groups.n per scale) */
	struct lm__trial_fit *fit;
	struct lm__ancova_effect *effects;
};
#define LM__N_FLOW (LM_PREPOST_FLOW_PAIRS + 1)

struct lm_prepost {
	/* The caller's reference and one per report on it (lm__prepost_ref()). */
	atomic_size_t refs;
	const struct lm_instrument *inst;
	char *id_column, *group_column;
	/* Columns carried into the respondent table (prepost-keep.c): asked for
	 * by name, or every column of the baseline table; and, after a run, the
	 * names carried (copied). */
	char **keep;
	size_t n_keep;
	int keep_all;
	char **kept;
	size_t n_kept;
	lm_table *options; /* reading options to copy to each wave's table, or NULL */
	int duplicates;
	double reliability, rci_sd;
	char delimiter;
	unsigned threads;  /* lm_prepost_set_threads() */
	int long_form; /* the last run read one long file */
	int done;

	/* Waves (lm_prepost_set_waves(), copied; n_wave_names 0: not set), the
	 * cluster column and the reference group's name. */
	char **wave_names;
	size_t n_wave_names;
	char *cluster_column, *reference_group;
	/* After a run: its waves (2 without names), and with names the later
	 * waves' results; the fields below then hold those of the first later
	 * wave (borrowed from later[0]), so that every two-wave getter answers
	 * for baseline -> first later wave. */
	size_t n_waves;
	char **run_names;         /* the wave names of the run (copied: the option may change after it) */
	struct later_wave *later;
	const struct later_wave *lent; /* the later wave whose results the two-wave fields hold, or NULL */
	struct lm_names clusters; /* the cluster names at baseline, in order of first appearance */
	size_t reference;         /* index of the reference group (0 without one named) */
	struct lm__icc *icc;      /* per scale, the baseline ICC (a run with waves and a cluster column) */

	/* Ids and group names are indexed by a hash under this key, drawn afresh
	 * for each run: data cannot choose their slots (keyhash-priv.h). */
	struct lm_hash_key key;
	struct lm_names groups; /* the group names, in order of first appearance */
	struct wave w[2];
	unsigned long counts[LM_PREPOST_COUNT_BLANK + 1];

	/* pairs, in pre order: row indexes into w[0] and w[1] */
	size_t n_pairs;
	uint32_t *pre_row, *post_row;
	double *sdiff; /* per scale, the RCI's denominator (NaN when there is none) */

	/* per scale: summaries for all (index 0) and each group (1..n_groups) */
	struct summary *sum;
	int *rel_source;
	double *cmp_v;            /* per scale, the LM__N_COMPARE lm_prepost_compare values */
	const char **cmp_reason;
};

/* Statistics per summary, and comparisons of two groups per scale. */
#define LM__N_STATS (LM_PREPOST_STAT_RECOVERED + 1)
#define LM__N_COMPARE (LM_PREPOST_COMPARE_HEDGES_G + 1)

/*
 * The summary of scale @p s over all pairs (@p g = 0) or over the pairs of
 * group g - 1 (g = 1 .. groups.n): each scale has groups.n + 1 of them.
 */
static inline struct summary *summary_at(const lm_prepost *pp, size_t s, size_t g)
{
	return &pp->sum[s * (pp->groups.n + 1) + g];
}

/* The comparisons of the two groups on scale @p s, LM__N_COMPARE of each. */
static inline double *compare_values(const lm_prepost *pp, size_t s)
{
	return &pp->cmp_v[s * LM__N_COMPARE];
}
static inline const char **compare_reasons(const lm_prepost *pp, size_t s)
{
	return &pp->cmp_reason[s * LM__N_COMPARE];
}

/* The name of an lm_reliability_source in the JSON and the summary, or NULL for none. */
static inline const char *reliability_source_name(int source)
{
	switch (source) {
	case LM_RELIABILITY_OVERRIDE: return "override";
	case LM_RELIABILITY_NORMS: return "norms";
	case LM_RELIABILITY_ALPHA_PRE: return "alpha_pre";
	default: return NULL;
	}
}

/* The number of elements of the array @p a. */
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static inline double score_at(const struct wave *w, size_t k)
{
	return w->wide ? ((const double *)w->score)[k] : (double)((const float *)w->score)[k];
}

/* The length of row r's id: the ids are stored one after the other, each with a NUL. */
static inline size_t id_len(const struct wave *w, size_t r)
{
	return (r + 1 < w->n ? w->id[r + 1] : w->text.len) - w->id[r] - 1;
}

static inline int is_clinical(const struct lm_scale *s, double score)
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
	int better = hiw ? c.rci < -LM_RCI_CRITICAL : c.rci > LM_RCI_CRITICAL;
	int worse = hiw ? c.rci > LM_RCI_CRITICAL : c.rci < -LM_RCI_CRITICAL;
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
static inline struct change pair_change(const lm_prepost *pp, size_t i, size_t s)
{
	size_t ns = pp->inst->n_scales;
	double a = score_at(&pp->w[0], (size_t)pp->pre_row[i] * ns + s);
	double b = score_at(&pp->w[1], (size_t)pp->post_row[i] * ns + s);
	return change_of(&pp->inst->scales[s], a, b, pp->sdiff[s]);
}

/* One table to read (read_table()), and what reading it found. */
struct read_job {
	lm_prepost *pp;
	const char *path;
	struct wave *into;         /* the wave of every row (two-file form), or NULL: */
	const char *wave_column;   /* the column that says which (long form), */
	const char *const *values; /* with its pre and post values, */
	struct wave *const *waves; /* and the wave of each value */
	size_t n_values;
	lm_error *err;
	unsigned long rejected, other_wave, blank;
	struct lm_other_values other; /* long form: the values of neither wave */
	int rc;
};

/* prepost-read.c: a wave's per-scale working space; 0 when out of memory. */
int lm__prepost_wave_init(lm_prepost *pp, struct wave *w, const char *name);
/* prepost-read.c: keep one scored row of any source: its id (a blank one
 * is counted, not kept), group text (pre wave, with a group column), row and
 * line numbers, and the scorer that holds its results. LM_OK, LM_ENOMEM or LM_ELIMIT. */
int lm__prepost_keep(lm_prepost *pp, struct wave *w, const char *id, size_t id_len, const char *g, size_t glen,
		     const char *c, size_t clen, unsigned long row, unsigned long line, const lm_scorer *sc);
/* prepost-keep.c: the carried columns of the table @p t that holds the
 * baseline. Before it is opened, ask it for the named ones (*cols gets their
 * handles, malloc'd); once it is open, with keep_all, take every column but
 * the id and group columns. Either refuses, all at once, any name that is a
 * column of the respondent table. LM_OK, LM_EINVAL (said in @p err), LM_ENOMEM. */
int lm__prepost_keep_require(lm_prepost *pp, lm_table *t, const char *path, size_t **cols, lm_error *err);
int lm__prepost_keep_open(lm_prepost *pp, const lm_table *t, const char *path, size_t **cols, lm_error *err);
/* prepost-keep.c: the current row of @p t was kept as row w->n - 1 of the baseline wave: keep its carried values. */
int lm__prepost_keep_values(lm_prepost *pp, struct wave *w, const lm_table *t, const size_t *cols);
/* prepost-sheet.c: the respondent table as an Excel, SPSS or Stata file (LM_PREPOST_XLSX ...) into @p o. */
struct lm_out;
int lm__prepost_write_sheet(const lm_prepost *pp, int format, struct lm_out *o, lm_error *err);
/* prepost-summary.c: the readable text summary (LM_PREPOST_SUMMARY) into @p o. */
void lm__prepost_write_summary(const lm_prepost *pp, struct lm_out *o);
/* prepost-keep.c: forget the names carried by the last run. */
void lm__prepost_keep_clear(lm_prepost *pp);
/* prepost-read.c: add a row's keyed items to the running moments of alpha. */
void lm__prepost_add_alpha(const lm_prepost *pp, struct wave *w, const lm_scorer *sc);
/* Fault in the whole pages of bytes [from, to) of p at once (madvise()), ahead
 * of writes that would fault them one by one; nothing when that is not
 * available. The memory's contents are unchanged. */
void lm__prepost_populate(void *p, size_t from, size_t to);
/* prepost-read.c: read the jobs' tables, the second on a thread of its own when allowed. */
void lm__prepost_read_tables(lm_prepost *pp, struct read_job *jobs, size_t n, lm_error *err);
/* prepost-stats.c: the statistics of every scale, once the pairs are made. LM_OK or LM_ENOMEM. */
int lm__prepost_analyse(lm_prepost *pp, lm_error *err);


/* ---- shared between prepost.c and prepost-waves.c ---- */

/* prepost.c: forget the results of a run (and, with waves, every later wave's). */
void lm__prepost_results_free(lm_prepost *pp);
/* prepost.c: free one wave's rows. */
void lm__prepost_wave_free(struct wave *w, size_t n_scales);
/* prepost.c: index a wave's ids (marking duplicates); 0 when out of memory. */
int lm__prepost_index_wave(const lm_prepost *pp, struct wave *w);
/* prepost.c: the row of @p w with this id, or LM_NO_INDEX (w indexed). */
size_t lm__prepost_find(const lm_prepost *pp, const struct wave *w, const char *id, size_t len);
/* prepost.c: count (and under LM_DUPLICATES_ERROR report) a wave's duplicate rows; -1 when out of memory. */
long lm__prepost_duplicates(lm_prepost *pp, struct wave *w, const char *wave_name, lm_error *err);
/* prepost.c: pair w[0] with w[1] (w[1] indexed; its index is freed); 0 when out of memory. */
int lm__prepost_pair_up(lm_prepost *pp);
/* prepost.c: the error of a run that paired nobody (w[0] with w[1]). */
int lm__prepost_no_pairs(const lm_prepost *pp, const struct read_job *long_job, lm_error *err);
/* prepost-waves.c: forget any earlier run and set up the n waves of one with wave names, named
 * @p files in diagnostics. LM_OK or LM_ENOMEM. */
int lm__prepost_waves_start(lm_prepost *pp, const char *const *files, size_t n, lm_error *err);
/* prepost-waves.c: after reading a run with waves, everything finish() does for two, per later wave. */
int lm__prepost_finish_waves(lm_prepost *pp, const int *rc, const struct read_job *long_job, lm_error *err);
/* prepost-waves.c: @p view becomes a copy of @p pp whose two-wave results are those of baseline -> wave
 * @p k (1 .. n_waves - 1), for reading only. 0 when there is no such wave. */
int lm__prepost_view(const lm_prepost *pp, size_t k, lm_prepost *view);

/*
 * prepost-trial.c: the trial's model-based numbers of a run with waves —
 * the baseline ICC per scale (lm__prepost_trial_icc(), once the baseline is
 * read and indexed) and per later wave the ANCOVA per scale
 * (lm__prepost_trial_fit(), with @p pp holding that wave's pairs, as
 * attrition() does) — and their places in the JSON document. Both return 0
 * when out of memory.
 */
int lm__prepost_trial_icc(lm_prepost *pp);
int lm__prepost_trial_fit(const lm_prepost *pp, struct later_wave *L);
struct lm_out;
/* Write ',"ancova": ...' into scale s's still open "groups" object of @p view (a later wave). */
void lm__prepost_json_ancova(const lm_prepost *view, struct lm_out *o, size_t s);
/* Write ',"icc_baseline": ...' into scale s's still open object (a run with a cluster column). */
void lm__prepost_json_icc_baseline(const lm_prepost *pp, struct lm_out *o, size_t s);
/*
 * The model's data: the pairs of @p view (baseline -> its wave) with a score
 * at both on scale s, in pair order: the score at the wave (y), at baseline,
 * the arm (group index, LM_NO_INDEX for a blank group or no group column) and
 * cluster (index, LM_NO_INDEX for none) of the baseline row. Each array has
 * room for view->n_pairs; any may be NULL. Returns how many were written.
 */
size_t lm__prepost_trial_pairs(const lm_prepost *view, size_t s, double *y, double *baseline, size_t *arm,
			       size_t *cluster);
/*
 * The ICC's data: the baseline rows whose id is found once there, with a
 * score on scale s: the score and cluster (index, LM_NO_INDEX for none).
 * Each array has room for pp->w[0].n; either may be NULL. Returns how many.
 */
size_t lm__prepost_baseline_scores(const lm_prepost *pp, size_t s, double *score, size_t *cluster);

#endif
