/*
 * libra_measures — private statistics helpers shared by stats.c and prepost.c.
 */
#ifndef LM_STATS_PRIV_H
#define LM_STATS_PRIV_H

#include <stddef.h>

/* Running mean and sum of squared deviations (Welford), numerically stable. */
struct lm_moments {
	size_t n;
	double mean, m2;
};

void lm__moments_add(struct lm_moments *m, double x);
/* Sample variance and SD (n - 1 denominator); NaN when n < 2. */
double lm__moments_var(const struct lm_moments *m);
double lm__moments_sd(const struct lm_moments *m);

/* Two-sided p-value of a t statistic, computed without 1 - (1 - p) loss. */
double lm__t_two_sided(double t, double df);

/* log Gamma(x), x > 0, to 1e-14 (absolute; relative above 1): what stats.c uses where the C
 * library has no lgamma_r() (lgamma() would write the global signgam).
 * Private; tested against lgamma_r() in tests/test_stats_internal.c. */
double lm__log_gamma_portable(double x);

#endif
