/*
 * White-box: the log-gamma that lib/stats.c uses where the C library has no
 * lgamma_r() (lm__log_gamma_portable), against the C library's lgamma() —
 * so that the fallback is tested on every platform, not only where it is
 * compiled in. stats.c needs it on (0, 100.5]; it is checked a little wider.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "stats-priv.h"

static void test_log_gamma_portable(void **state)
{
	(void)state;
	size_t n = 0, bad = 0;
	double worst = 0, worst_x = 0;
	/* Every decade from the smallest subnormal up, and densely where
	 * log Gamma crosses 0 (x = 1, 2) and where the shift loop ends (20). */
	for (int pass = 0; pass < 2; pass++) {
		double x = pass == 0 ? 4.9406564584124654e-324 : 0.01;
		double step = pass == 0 ? 1.7 : 0.0173;
		double end = pass == 0 ? 1e3 : 25;
		for (; x <= end; x = pass == 0 ? x * step : x + step) {
			double want = lgamma(x), got = lm__log_gamma_portable(x);
			double err = fabs(got - want) / fmax(1, fabs(want));
			n++;
			if (!(err <= worst)) {
				worst = err;
				worst_x = x;
			}
			if (!(err <= 1e-14) && bad++ < 20)
				print_error("log Gamma(%.17g): lgamma %.17g, portable %.17g\n", x, want, got);
		}
	}
	printf("# lm__log_gamma_portable: %zu values, max error %.3g (relative above 1) at %.17g\n", n, worst,
	       worst_x);
	assert_int_equal(bad, 0);
	assert_true(n > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_gamma_portable),
	};
	return cmocka_run_group_tests_name("stats_internal", tests, NULL, NULL);
}
