/*
 * libra_measures — the distributions behind the pre/post statistics, for
 * callers who want to check or extend them.
 *
 * Thread safety: pure functions; call from any thread.
 */
#ifndef LIBRA_MEASURES_STATS_H
#define LIBRA_MEASURES_STATS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Cumulative distribution function of Student's t: P(T <= t) on @p df
 * degrees of freedom (df > 0, need not be whole). Agrees with R's pt() to
 * 1e-10 for df from 1 to 1e6 and |t| up to 40.
 * @return NaN for NaN input or df <= 0.
 * @since 0.1
 */
LM_EXPORT double lm_stat_t_cdf(double t, double df);

/**
 * Quantile function of Student's t: the t with P(T <= t) = @p p.
 * @return NaN for p outside [0, 1] or df <= 0; -inf / inf for p = 0 / 1.
 * @since 0.1
 */
LM_EXPORT double lm_stat_t_quantile(double p, double df);

#ifdef __cplusplus
}
#endif

#endif
