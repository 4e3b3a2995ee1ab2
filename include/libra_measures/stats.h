/*
 * libra_measures — the distributions behind the pre/post statistics, for
 * callers who want to check or extend them.
 *
 * Thread safety: pure functions; call from any thread. They read and write
 * no global state (not even libm's signgam: no lgamma()), so any number of
 * threads may call them at once.
 */
#ifndef LIBRA_MEASURES_STATS_H
#define LIBRA_MEASURES_STATS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Cumulative distribution function of Student's t: P(T <= t) on @p df
 * degrees of freedom (df > 0, need not be whole; infinite df is the
 * standard normal, and large df tends to it). Agrees with R's pt() to 1e-10
 * for df from 1 to 1e6 and |t| up to 40, and to 1e-12 for df from 2000 up to
 * DBL_MAX and infinity at any t (relative; values below 1e-300 to 1e-312
 * absolute).
 * @return NaN for NaN input or df <= 0.
 * @since 0.1
 */
LM_EXPORT double lm_stat_t_cdf(double t, double df);

/**
 * Quantile function of Student's t: the t with P(T <= t) = @p p. Agrees
 * with R's qt() to 1e-10 at p = 0.975 for df from 1 to 1e6, and to 1e-12
 * for p from 1e-300 to 1 - 1e-10 and df up to DBL_MAX and infinity.
 * @return NaN for p outside [0, 1] or df <= 0; -inf / inf for p = 0 / 1,
 *         and for p so near them that the quantile is beyond the largest
 *         double (few df: qt(1e-300, 0.5) is -inf).
 * @since 0.1
 */
LM_EXPORT double lm_stat_t_quantile(double p, double df);

#ifdef __cplusplus
}
#endif

#endif
