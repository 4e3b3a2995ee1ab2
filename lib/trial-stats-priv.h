/*
 * libra_measures — the numbers of a trial analysis (trial-stats.c): the
 * baseline-adjusted arm effects (ANCOVA) with ordinary or cluster-robust
 * (CR2) standard errors, and the one-way ANOVA intraclass correlation.
 * Definitions: doc/PREPOST.md, "Trial analysis: the numbers".
 * Private; reference-tested against R in tests/test_trial_stats.c.
 */
#ifndef LM_TRIAL_STATS_PRIV_H
#define LM_TRIAL_STATS_PRIV_H

#include <stddef.h>

/* One coefficient: its estimate, standard error, t = estimate / se, degrees
 * of freedom, two-sided p and 95% confidence interval [lo, hi]. When the
 * numbers are not defined they are all NaN and why is a sentence a report
 * can print (static storage, never freed); why is NULL when they are
 * numbers. */
struct lm__ancova_effect {
	double estimate, se, t, df, p, lo, hi;
	const char *why;
};

/* Fits score at the wave ~ baseline + arm indicators (the reference arm
 * omitted) over n complete rows: y[i] the score at the wave, baseline[i] at
 * baseline, arm[i] in 0..n_arms-1. Every value must be finite (the caller
 * drops rows with a missing score).
 *
 * cluster NULL: the OLS covariance s^2 (X'X)^-1 and the residual df n - p
 * (= R's summary(lm()) and confint()).
 * cluster given (ids 0..n_clusters-1; an id may have no rows): the CR2
 * covariance with working model the identity and Satterthwaite df per
 * coefficient (= clubSandwich::coef_test(fit, vcov = "CR2", cluster =,
 * test = "Satterthwaite") and conf_int()).
 *
 * Output, owned by the caller: *baseline the baseline slope's numbers;
 * effects[n_arms], where effects[a] is arm a minus the reference
 * (effects[reference] is all NaN with why NULL, unused). A design that is
 * singular (an arm with no rows, a baseline that does not vary), too few
 * rows, or, with clusters, an arm with fewer than 2 clusters: every number
 * NaN, *why (and each entry's why) says which. *why is NULL when the
 * numbers are there. Returns 0, or -1 when the arguments are invalid (an
 * arm or cluster id out of range, reference >= n_arms, n_arms < 2 or above
 * 15) or memory ran out (the numbers NaN and a why given in both cases). */
int lm__ancova(size_t n, const double *y, const double *baseline, const size_t *arm, size_t n_arms,
	       size_t reference, const size_t *cluster, size_t n_clusters, struct lm__ancova_effect *baseline_out,
	       struct lm__ancova_effect *effects, const char **why);

/* The one-way ANOVA ICC over the rows whose score is not NaN, clustered by
 * cluster[i] in 0..n_clusters-1: ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW),
 * n0 = (N - sum n_j^2 / N) / (J - 1), J the clusters with a row, N the rows;
 * design effect 1 + (N / J - 1) ICC. The ICC may be negative. Fewer than 2
 * clusters, no cluster with 2 rows, or scores that do not vary: icc and
 * design_effect NaN and why says which (n, clusters, n0 filled when
 * defined). Returns 0, or -1 for an id out of range or no memory. */
struct lm__icc {
	double icc, design_effect, n0;
	size_t clusters, n;
	const char *why;
};
int lm__icc_oneway(size_t n, const double *score, const size_t *cluster, size_t n_clusters, struct lm__icc *out);

#endif
