/*
 * libra_measures — what the report publishes on one scale, as tables of
 * disclosure control (lib/disclosure-priv.h), and which of it is hidden.
 * Private to lib/report.c and lib/report-cells.c.
 */
#ifndef LM_REPORT_PRIV_H
#define LM_REPORT_PRIV_H

#include <stddef.h>

#include "disclosure-priv.h"
#include "internal.h"

/* A report shows at most this many groups (more would not be read, and the check grows as its square). */
#define LM__MAX_GROUPS 64
/* Bands make the grid and the band tables up to this many; beyond, fifths of the range. */
#define LM__MAX_BANDS 10

/* Change categories as items of the counts table. */
enum { LM__CAT_IMPROVED, LM__CAT_UNCHANGED, LM__CAT_DETERIORATED, LM__CAT_RECOVERED, LM__N_CAT };

struct lm__scale_cells {
	/*
	 * Groups: atoms are the groups and the pairs in no group; items the
	 * overall row (always shown) and one per group. Every statistic of a
	 * row (n, means, SDs, CIs, p) rests on the same pairs.
	 */
	size_t ng;
	int too_many_groups; /* more than LM__MAX_GROUPS: none is shown */
	struct lm__dtable *groups;
	size_t *group_item; /* ng */

	/*
	 * Counts over the pairs with a score at both waves: atoms are (pre
	 * cell, post cell, change category); items the cells of the pre x
	 * post grid, with bands also the pre and post band counts, the
	 * category counts, and their total (always shown).
	 */
	int bands;      /* the grid is the scale's bands (else equal fifths of the range) */
	size_t nc;      /* cells per axis */
	double *edge;   /* nc + 1 boundaries on the score axis */
	unsigned long total;
	struct lm__dtable *counts;
	size_t *cell_item;   /* nc * nc, pre-major */
	size_t *margin[2];   /* nc each with bands, else NULL */
	size_t cat[LM__N_CAT]; /* LM_NO_INDEX when not computed */
};

/*
 * Build and protect the tables of scale @p s; @p hide_group (NULL, or one
 * flag per group) hides groups whatever their size. 0 when out of memory.
 */
int lm__scale_cells_build(struct lm__scale_cells *c, const lm_prepost *pp, size_t s, unsigned long min_cell,
			  const unsigned char *hide_group);
void lm__scale_cells_free(struct lm__scale_cells *c);

/*
 * One column of counts per arm under its total, as a run with waves shows
 * them (a wave's observed scores, a flow count): atoms are the arms and the
 * respondents in no arm, items the total (always shown) and one per arm.
 */
struct lm__arm_column {
	struct lm__dtable *t;
	size_t total;
	size_t *item; /* ng */
};

/*
 * Build and protect a column: @p n holds ng + 1 counts, n[0] those in no
 * arm and n[g + 1] arm g's; @p hide (NULL, or one flag per arm) hides arms
 * whatever their count; arm @p keep (LM_NO_INDEX: none) is hidden to
 * protect another only when nothing else will do. 0 when out of memory.
 */
int lm__arm_column_build(struct lm__arm_column *c, const unsigned long *n, size_t ng, unsigned long min_cell,
			 const unsigned char *hide, size_t keep);
void lm__arm_column_free(struct lm__arm_column *c);

/*
 * report-cells.c, a run with waves: the observed scores of each arm at each
 * wave on one scale, and which means are shown. Counts, means and SDs are
 * indexed w * (ng + 2) + j: j 0 all, 1 no arm, 2 + g arm g.
 */
struct lm__wave_means {
	size_t nw, ng;
	unsigned long *n;
	double *mean, *sd;
	size_t keep;                /* the reference arm, hidden last (LM_NO_INDEX: none) */
	struct lm__arm_column *col; /* nw */
};
int lm__wave_means_compute(struct lm__wave_means *m, const lm_prepost *pp, size_t s);
/* @p hide: NULL or nw * ng flags (wave-major) that hide a mean whatever its count. 0: out of memory. */
int lm__wave_means_protect(struct lm__wave_means *m, unsigned long min_cell, const unsigned char *hide);
/* An lm__cell: the state of arm g's mean (LM_PREPOST_ALL_GROUPS: all) at wave w. */
int lm__wave_mean_state(const struct lm__wave_means *m, size_t w, size_t g, unsigned long min_cell);
void lm__wave_means_free(struct lm__wave_means *m);

#endif
